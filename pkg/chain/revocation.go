package chain

import (
	"crypto/x509"
	"encoding/asn1"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/pgcert/pgcert/pkg/crlscope"
)

// OpenSSL's CRL scores (x509_vfy.c): the CRL chosen for a certificate is the one with
// the highest score, the newest on a tie; only a score of crlScoreValid or more is a
// usable CRL, but a lower one is still chosen and then fails with the reason for its
// missing points.
const (
	crlScoreNoCritical = 0x100
	crlScoreScope      = 0x080
	crlScoreTime       = 0x040
	crlScoreIssuerName = 0x020
	crlScoreIssuerCert = 0x018
	crlScoreSamePath   = 0x008
	crlScoreAKID       = 0x004
)

// CRL reason code removeFromCRL: an entry with it (in a delta CRL) does not revoke.
const reasonRemoveFromCRL = 8

// checkRevocation mirrors OpenSSL's check_revocation with CRL_CHECK_ALL: every
// certificate of the chain, from the leaf up to and including the root, needs a CRL
// from its issuer (the root: from itself) that is current, signed by that issuer, and
// does not list it.
func (v *verifier) checkRevocation() error {
	if len(v.opts.CRLs) == 0 {
		return nil
	}
	for i := range v.chain {
		if err := v.checkCertCRL(i); err != nil {
			return err
		}
	}
	return nil
}

func (v *verifier) checkCertCRL(i int) error {
	x := v.chain[i]
	crlIssuer := x.Cert.Issuer.String()
	fail := func(r Reason) error {
		e := v.fail(r, i, x)
		e.CRLIssuer = crlIssuer
		return e
	}
	// OpenSSL's check_cert: CRLs are taken until they cover every revocation reason
	// together; one that adds none ends the search with "unable to get certificate
	// CRL".
	reasons := uint16(0)
	for reasons != crlscope.AllReasons {
		var best *x509.RevocationList
		bestScore, bestIssuer, bestReasons := 0, -1, reasons
		for _, crl := range v.opts.CRLs {
			score, issuer, covered := v.crlScore(crl, i, reasons)
			if score == 0 || score < bestScore {
				continue
			}
			if score == bestScore && best != nil && !crl.ThisUpdate.After(best.ThisUpdate) {
				continue
			}
			best, bestScore, bestIssuer, bestReasons = crl, score, issuer, covered
		}
		if best == nil {
			return fail(UnableToGetCRL)
		}
		issuer := v.chain[bestIssuer].Cert
		crlIssuer = issuer.Subject.String()
		if err := v.checkCRL(best, bestScore, issuer, x.Cert, fail); err != nil {
			return err
		}
		if bestReasons == reasons {
			return fail(UnableToGetCRL)
		}
		reasons = bestReasons
	}
	return nil
}

// checkCRL mirrors OpenSSL's check_crl and cert_crl for the CRL chosen for cert.
func (v *verifier) checkCRL(crl *x509.RevocationList, score int, issuer, cert *x509.Certificate, fail func(Reason) error) error {
	// OpenSSL 3.0's check_crl skips these two checks for a delta CRL, "because they
	// have already been done" when the delta was matched to its base — which, without
	// X509_V_FLAG_USE_DELTAS, never happens to a delta chosen as the CRL itself.
	if !isDeltaCRL(crl) {
		if kuReject(issuer, x509.KeyUsageCRLSign) {
			return fail(KeyUsageNoCRLSign)
		}
		if score&crlScoreScope == 0 {
			return fail(DifferentCRLScope)
		}
	}
	if crl.ThisUpdate.After(v.opts.Now) {
		return fail(CRLNotYetValid)
	}
	if !crl.NextUpdate.IsZero() && !v.opts.Now.Before(crl.NextUpdate) {
		return fail(CRLHasExpired)
	}
	if issuer.CheckSignature(crl.SignatureAlgorithm, crl.RawTBSRevocationList, crl.Signature) != nil {
		return fail(CRLSignatureFailure)
	}
	if crlHasUnhandledCritical(crl) {
		return fail(UnhandledCriticalCRLExtension)
	}
	// An entry with the reason removeFromCRL does not revoke.
	if entry := revokedEntry(crl, cert); entry != nil && entry.ReasonCode != reasonRemoveFromCRL {
		return fail(CertRevoked)
	}
	return nil
}

var oidCertificateIssuer = asn1.ObjectIdentifier{2, 5, 29, 29}

// revokedEntry mirrors OpenSSL's X509_CRL_get0_by_cert: the first entry with cert's
// serial number whose certificate issuer is cert's issuer, or nil. An entry's
// certificate issuer is the directory names of its certificateIssuer extension, or of
// the last such extension of an earlier entry (crl_set_issuers), or else the CRL's
// issuer — OpenSSL reads them so in every CRL, not only in indirect ones, so an entry
// naming another issuer revokes nothing here.
func revokedEntry(crl *x509.RevocationList, cert *x509.Certificate) *x509.RevocationListEntry {
	var issuers [][]byte
	stopped := false
	for k := range crl.RevokedCertificateEntries {
		entry := &crl.RevokedCertificateEntries[k]
		if !stopped {
			if e, ok := findExtension(entry.Extensions, oidCertificateIssuer); ok {
				names, ok := directoryNames(e.Value)
				if ok {
					issuers = names
				} else {
					// OpenSSL stops reading issuers at an undecodable one: it and the
					// entries after it keep none.
					issuers, stopped = nil, true
				}
			}
		}
		if entry.SerialNumber == nil || cert.SerialNumber == nil || entry.SerialNumber.Cmp(cert.SerialNumber) != 0 {
			continue
		}
		if issuers == nil {
			if sameName(cert.RawIssuer, crl.RawIssuer) {
				return entry
			}
			continue
		}
		for _, name := range issuers {
			if sameName(cert.RawIssuer, name) {
				return entry
			}
		}
	}
	return nil
}

// directoryNames returns the directory names (DER Names) among the GeneralNames der.
func directoryNames(der []byte) ([][]byte, bool) {
	in := cryptobyte.String(der)
	var names cryptobyte.String
	if !in.ReadASN1(&names, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, false
	}
	out := [][]byte{}
	for !names.Empty() {
		var v cryptobyte.String
		var tag cbasn1.Tag
		if !names.ReadAnyASN1(&v, &tag) {
			return nil, false
		}
		if tag == cbasn1.Tag(4).ContextSpecific().Constructed() {
			var name cryptobyte.String
			if !v.ReadASN1Element(&name, cbasn1.SEQUENCE) {
				return nil, false
			}
			out = append(out, name)
		}
	}
	return out, true
}

// crlScore mirrors OpenSSL's get_crl_score for the certificate at depth i, of which
// CRLs already taken cover reasons, and returns the index in the chain of the
// certificate that issued the CRL and the reasons covered with it.
func (v *verifier) crlScore(crl *x509.RevocationList, i int, reasons uint16) (int, int, uint16) {
	x := v.chain[i].Cert
	if idp := crlscope.ParseIDP(crl); idp != nil && idp.Unusable() != "" {
		return 0, -1, reasons
	}
	// A delta CRL is scored as a full one: OpenSSL 3.0's get_crl_score sets delta
	// CRLs aside only with extended CRL support, which neither libpq nor the server
	// turn on (later OpenSSL releases reject them here always).
	if !sameName(x.RawIssuer, crl.RawIssuer) {
		return 0, -1, reasons
	}
	score := crlScoreIssuerName
	if !crlHasUnhandledCritical(crl) {
		score |= crlScoreNoCritical
	}
	if !crl.ThisUpdate.After(v.opts.Now) && (crl.NextUpdate.IsZero() || v.opts.Now.Before(crl.NextUpdate)) {
		score |= crlScoreTime
	}
	issuer := v.crlIssuerInChain(crl, i, &score)
	if issuer < 0 {
		return 0, -1, reasons
	}
	// The CRL's issuer name is the certificate's (checked above), which is what
	// crlscope.Check and Reasons assume. A CRL in scope that covers no reason not
	// yet covered is not a candidate.
	if crlscope.Check(crl, x) == nil {
		covered := crlscope.Reasons(crl, x)
		if covered&^reasons == 0 {
			return 0, -1, reasons
		}
		score |= crlScoreScope
		reasons |= covered
	}
	return score, issuer, reasons
}

// crlIssuerInChain mirrors OpenSSL's crl_akid_check: the CRL's issuer is the
// certificate's issuer (the next one up, or the root itself) when the CRL's authority
// key identifier fits it, or else a certificate further up the chain with the CRL's
// issuer name and key identifier.
func (v *verifier) crlIssuerInChain(crl *x509.RevocationList, i int, score *int) int {
	akid := parseAuthorityKeyID(crl.Extensions)
	idx := i
	if idx != len(v.chain)-1 {
		idx++
	}
	if akidMatches(v.chain[idx].Cert, akid) {
		*score |= crlScoreAKID | crlScoreIssuerCert
		return idx
	}
	for idx++; idx < len(v.chain); idx++ {
		c := v.chain[idx].Cert
		if sameName(c.RawSubject, crl.RawIssuer) && akidMatches(c, akid) {
			*score |= crlScoreAKID | crlScoreSamePath
			return idx
		}
	}
	return -1
}

// crlHasUnhandledCritical mirrors OpenSSL's EXFLAG_CRITICAL for CRLs: a critical
// extension other than the issuing distribution point, authority key identifier and
// delta CRL indicator, or a critical entry extension other than the certificate issuer.
func crlHasUnhandledCritical(crl *x509.RevocationList) bool {
	for _, e := range crl.Extensions {
		if e.Critical && !e.Id.Equal(oidIssuingDP) && !e.Id.Equal(oidAuthorityKeyID) && !e.Id.Equal(oidDeltaCRL) {
			return true
		}
	}
	for _, entry := range crl.RevokedCertificateEntries {
		for _, e := range entry.Extensions {
			if e.Critical && !e.Id.Equal(oidCertificateIssuer) {
				return true
			}
		}
	}
	return false
}

// isDeltaCRL reports whether crl carries a delta CRL indicator (OpenSSL's
// base_crl_number).
func isDeltaCRL(crl *x509.RevocationList) bool {
	for _, e := range crl.Extensions {
		if e.Id.Equal(oidDeltaCRL) {
			return true
		}
	}
	return false
}
