// Package x509name compares and canonicalizes X.509 distinguished names as OpenSSL does
// (X509_NAME_cmp, x509_name_canon), for the libraries that predict what OpenSSL — and so
// PostgreSQL and libpq — makes of certificates and CRLs: pkg/chain pairs certificates
// with their issuers by it, pkg/crlscope compares distribution point names by it.
package x509name
