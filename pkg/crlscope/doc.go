// Package crlscope tells which certificates OpenSSL uses a CRL for, by the CRL's
// issuing distribution point (RFC 5280 5.2.5): a CRL naming a distribution point
// serves only certificates whose CRL distribution points name it too, and the
// onlyContains flags leave out CA or end-entity certificates.
//
// PostgreSQL and libpq load CRLs without OpenSSL's extended CRL support, so a CRL
// that is indirect or covers only some reasons is never used (Check says why). The
// rule lives in its own package because both the verifier of package chain and the
// CRL checks of package crl apply it, and they must agree: a CRL a check calls
// usable is one the server uses. The tests hold every case against openssl verify.
package crlscope
