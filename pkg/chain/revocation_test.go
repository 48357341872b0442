package chain

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// TestRevocationAgreesWithOpenSSL checks CRL_CHECK|CRL_CHECK_ALL, the mode libpq and
// the server switch on as soon as a CRL is configured, against `openssl verify
// -crl_check_all`.
func TestRevocationAgreesWithOpenSSL(t *testing.T) {
	now := testpki.Now
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Inter")
	leaf := inter.Client(t, "alice")
	week := now.Add(7 * day)
	interCRL := inter.CRL(t, 1, now.Add(-day), week)
	rootCRL := root.CRL(t, 1, now.Add(-day), week)
	base := verifyCase{leaf: leaf, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeClient}
	with := func(crls [][]byte, reason Reason, depth int) verifyCase {
		tc := base
		tc.crls, tc.reason, tc.depth = crls, reason, depth
		if reason == 0 {
			tc.chain = []*testpki.Cert{leaf, inter, root}
		}
		return tc
	}
	imposter := root.Intermediate(t, "Inter")
	other := testpki.Root(t, "Other")
	noCRLSign := testpki.Make(t, testpki.Template{CN: "No CRLSign", IsCA: true, MaxPath: -1, KeyUsage: x509.KeyUsageCertSign}, root)
	bob := noCRLSign.Client(t, "bob")
	critical := crlWithExtension(t, inter, pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 2}, Critical: true, Value: []byte{5, 0}})
	onlyCA := crlWithExtension(t, inter, idpExtension(t, false, true))
	onlyUser := crlWithExtension(t, inter, idpExtension(t, true, false))
	// A distribution point named by a directory name, not a URI: the CRL serves
	// the certificates whose CRL distribution points name the same directory name.
	point := []byte(root.Cert.RawSubject)
	dnPointCRL := crlWithExtension(t, inter, pkix.Extension{Id: oidIssuingDP, Critical: true, Value: dirNamePoint(point, false)})
	dnPointLeaf := testpki.Make(t, testpki.Template{CN: "erin", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 31}, Value: dirNamePoint(point, true)}}}, inter)
	reasonsLeaf := func(reasons []byte) *testpki.Cert {
		return testpki.Make(t, testpki.Template{CN: "grace", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
			ExtraExtensions: []pkix.Extension{cdpWithReasons("http://crl.example.com/inter.crl", reasons)}}, inter)
	}
	someReasons, allReasons := reasonsLeaf([]byte{6, 0x40}), reasonsLeaf([]byte{7, 0x7f, 0x80})
	uriPointCRL := crlWithExtension(t, inter, uriIDPExtension("http://crl.example.com/inter.crl"))
	pointLeaf := func(dn []byte) *testpki.Cert {
		return testpki.Make(t, testpki.Template{CN: "frank", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
			ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 31}, Value: dirNamePoint(dn, true)}}}, inter)
	}
	upperPointLeaf, spacedPointLeaf := pointLeaf(spellName("Root", 1)), pointLeaf(spellName("Root", 2))

	cases := map[string]verifyCase{
		"crls for every ca":        with([][]byte{interCRL, rootCRL}, 0, 0),
		"leaf revoked":             with([][]byte{inter.CRL(t, 2, now.Add(-day), week, testpki.Revoked{Cert: leaf.Cert}), rootCRL}, CertRevoked, 0),
		"intermediate revoked":     with([][]byte{interCRL, root.CRL(t, 2, now.Add(-day), week, testpki.Revoked{Cert: inter.Cert})}, CertRevoked, 1),
		"root crl missing":         with([][]byte{interCRL}, UnableToGetCRL, 1),
		"intermediate crl missing": with([][]byte{rootCRL}, UnableToGetCRL, 0),
		"intermediate crl expired": with([][]byte{inter.CRL(t, 1, now.Add(-8*day), now.Add(-day)), rootCRL}, CRLHasExpired, 0),
		"root crl expired":         with([][]byte{interCRL, root.CRL(t, 1, now.Add(-8*day), now.Add(-day))}, CRLHasExpired, 1),
		"crl not yet valid":        with([][]byte{inter.CRL(t, 1, now.Add(day), week), rootCRL}, CRLNotYetValid, 0),
		"crl from a re-keyed ca":   with([][]byte{imposter.CRL(t, 1, now.Add(-day), week), rootCRL}, UnableToGetCRL, 0),
		"newest crl wins": with([][]byte{interCRL, inter.CRL(t, 2, now.Add(-day/2), week, testpki.Revoked{Cert: leaf.Cert}), rootCRL},
			CertRevoked, 0),
		"current crl beats expired one":    with([][]byte{inter.CRL(t, 3, now.Add(-day/2), now.Add(-time.Second)), interCRL, rootCRL}, 0, 0),
		"removeFromCRL does not revoke":    with([][]byte{inter.CRL(t, 2, now.Add(-day), week, testpki.Revoked{Cert: leaf.Cert, Reason: reasonRemoveFromCRL}), rootCRL}, 0, 0),
		"unhandled critical crl extension": with([][]byte{critical, rootCRL}, UnhandledCriticalCRLExtension, 0),
		"crl only for ca certificates":     with([][]byte{onlyCA, rootCRL}, DifferentCRLScope, 0),
		"crl only for user certificates":   with([][]byte{onlyUser, rootCRL}, 0, 0),
		"dp named by a directory name": {leaf: dnPointLeaf, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeClient,
			crls: [][]byte{dnPointCRL, rootCRL}, chain: []*testpki.Cert{dnPointLeaf, inter, root}},
		"dp named by another directory name": {leaf: inter.Client(t, "dave"), untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeClient,
			crls: [][]byte{dnPointCRL, rootCRL}, reason: DifferentCRLScope, depth: 0},
		// Directory names compare as X509_NAME_cmp compares them: canonical forms.
		"dp directory name spelled in upper case": {leaf: upperPointLeaf, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeClient,
			crls: [][]byte{dnPointCRL, rootCRL}, chain: []*testpki.Cert{upperPointLeaf, inter, root}},
		"dp directory name with extra spaces": {leaf: spacedPointLeaf, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeClient,
			crls: [][]byte{dnPointCRL, rootCRL}, chain: []*testpki.Cert{spacedPointLeaf, inter, root}},
		"undecodable issuing dp": with([][]byte{crlWithExtension(t, inter, pkix.Extension{Id: oidIssuingDP, Critical: true, Value: []byte{5, 0}}), rootCRL}, 0, 0),
		"broken crl signature":   with([][]byte{brokenCRL(interCRL), rootCRL}, CRLSignatureFailure, 0),
		"issuer without cRLSign": {leaf: noCRLSign.Client(t, "bob"), untrusted: []*testpki.Cert{noCRLSign}, roots: []*testpki.Cert{root}, purpose: PurposeClient,
			crls: [][]byte{crlIgnoringKeyUsage(t, noCRLSign), rootCRL}, reason: KeyUsageNoCRLSign, depth: 0},
		// OpenSSL 3.0 without extended CRL support takes a delta CRL for a full one and
		// skips, for a delta, the cRLSign and scope checks.
		"delta crl taken for the full crl": with([][]byte{deltaCRL(t, inter), rootCRL}, 0, 0),
		"delta crl revokes":                with([][]byte{deltaCRL(t, inter, testpki.Revoked{Cert: leaf.Cert}), rootCRL}, CertRevoked, 0),
		"delta crl from an issuer without cRLSign": {leaf: bob, untrusted: []*testpki.Cert{noCRLSign}, roots: []*testpki.Cert{root}, purpose: PurposeClient,
			crls: [][]byte{deltaCRL(t, noCRLSign), rootCRL}, chain: []*testpki.Cert{bob, noCRLSign, root}},
		// OpenSSL reads an entry's certificateIssuer extension in every CRL, and carries
		// it over to the entries after it: an entry naming another CA revokes nothing.
		"entry naming another certificate issuer": with([][]byte{entriesCRL(t, inter, revokedBy(leaf, other, true)), rootCRL}, 0, 0),
		"certificate issuer carried to later entries": with([][]byte{entriesCRL(t, inter, revokedBy(inter, other, false),
			x509.RevocationListEntry{SerialNumber: leaf.Cert.SerialNumber, RevocationTime: now.Add(-day)}), rootCRL}, 0, 0),
		"entry naming the crl's own issuer": with([][]byte{entriesCRL(t, inter, revokedBy(leaf, inter, false)), rootCRL}, CertRevoked, 0),
		"undecodable certificate issuer ends the carrying": with([][]byte{entriesCRL(t, inter, revokedBy(inter, other, false),
			x509.RevocationListEntry{SerialNumber: big.NewInt(2), RevocationTime: now.Add(-day), ExtraExtensions: []pkix.Extension{{Id: oidCertificateIssuer, Value: []byte{5, 0}}}},
			x509.RevocationListEntry{SerialNumber: leaf.Cert.SerialNumber, RevocationTime: now.Add(-day)}), rootCRL}, CertRevoked, 0),
		// OpenSSL takes CRLs until they cover every revocation reason: a certificate
		// whose distribution point names only some reasons is left wanting a CRL for the
		// others, and so is one whose only CRL is a delta outside its scope (whose scope
		// is not checked, and which so covers nothing).
		"dp with only some reasons":               {leaf: someReasons, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeClient, crls: [][]byte{interCRL, rootCRL}, reason: UnableToGetCRL, depth: 0},
		"dp with only some reasons, matching idp": {leaf: someReasons, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeClient, crls: [][]byte{uriPointCRL, rootCRL}, reason: UnableToGetCRL, depth: 0},
		"dp with every reason, matching idp": {leaf: allReasons, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeClient, crls: [][]byte{uriPointCRL, rootCRL},
			chain: []*testpki.Cert{allReasons, inter, root}},
		"delta crl out of scope":           with([][]byte{scopedDeltaCRL(t, inter, idpExtension(t, false, true)), rootCRL}, UnableToGetCRL, 0),
		"delta crl out of scope, full crl": with([][]byte{scopedDeltaCRL(t, inter, idpExtension(t, false, true)), interCRL, rootCRL}, 0, 0),
		"revocation checked before expiry": {leaf: testpki.Make(t, testpki.Template{CN: "carol", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, NotBefore: now.Add(-9 * day), NotAfter: now.Add(-day)}, inter),
			untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeClient, crls: [][]byte{rootCRL}, reason: UnableToGetCRL, depth: 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { checkVerify(t, tc) })
	}
}

// crlWithExtension makes an empty CRL from ca carrying ext.
func crlWithExtension(t *testing.T, ca *testpki.Cert, ext pkix.Extension) []byte {
	t.Helper()
	der, err := x509.CreateRevocationList(randReader{}, &x509.RevocationList{
		Number: bigOne, ThisUpdate: testpki.Now.Add(-day), NextUpdate: testpki.Now.Add(7 * day), ExtraExtensions: []pkix.Extension{ext},
	}, ca.Cert, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// crlIgnoringKeyUsage makes an empty CRL from a CA whose key usage forbids it, which
// Go's x509 refuses to do: Go is handed a copy of the CA that claims cRLSign.
func crlIgnoringKeyUsage(t *testing.T, ca *testpki.Cert) []byte {
	t.Helper()
	claimed := *ca.Cert
	claimed.KeyUsage |= x509.KeyUsageCRLSign
	return (&testpki.Cert{Cert: &claimed, Key: ca.Key}).CRL(t, 1, testpki.Now.Add(-day), testpki.Now.Add(7*day))
}

// deltaCRL makes a CRL from ca, listing revoked, with a delta CRL indicator naming
// base CRL number 1, whatever ca's key usage says.
func deltaCRL(t *testing.T, ca *testpki.Cert, revoked ...testpki.Revoked) []byte {
	t.Helper()
	claimed := *ca.Cert
	claimed.KeyUsage |= x509.KeyUsageCRLSign
	list := &x509.RevocationList{Number: big.NewInt(2), ThisUpdate: testpki.Now.Add(-day), NextUpdate: testpki.Now.Add(7 * day),
		ExtraExtensions: []pkix.Extension{{Id: oidDeltaCRL, Critical: true, Value: []byte{2, 1, 1}}}}
	for _, r := range revoked {
		list.RevokedCertificateEntries = append(list.RevokedCertificateEntries, x509.RevocationListEntry{SerialNumber: r.Cert.SerialNumber, RevocationTime: list.ThisUpdate})
	}
	der, err := x509.CreateRevocationList(randReader{}, list, &claimed, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// entriesCRL makes a CRL from ca listing entries.
func entriesCRL(t *testing.T, ca *testpki.Cert, entries ...x509.RevocationListEntry) []byte {
	t.Helper()
	der, err := x509.CreateRevocationList(randReader{}, &x509.RevocationList{Number: big.NewInt(2), ThisUpdate: testpki.Now.Add(-day),
		NextUpdate: testpki.Now.Add(7 * day), RevokedCertificateEntries: entries}, ca.Cert, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// revokedBy is an entry revoking c whose certificateIssuer extension names issuer's
// subject.
func revokedBy(c, issuer *testpki.Cert, critical bool) x509.RevocationListEntry {
	return x509.RevocationListEntry{SerialNumber: c.Cert.SerialNumber, RevocationTime: testpki.Now.Add(-day),
		ExtraExtensions: []pkix.Extension{certificateIssuerExtension(issuer.Cert.RawSubject, critical)}}
}

// certificateIssuerExtension is a CRL entry's certificateIssuer extension naming the
// directory name dn.
func certificateIssuerExtension(dn []byte, critical bool) pkix.Extension {
	return pkix.Extension{Id: oidCertificateIssuer, Critical: critical,
		Value: mustMarshal([]asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: dn}})}
}

// scopedDeltaCRL is an empty delta CRL from ca carrying ext.
func scopedDeltaCRL(t *testing.T, ca *testpki.Cert, ext pkix.Extension) []byte {
	t.Helper()
	der, err := x509.CreateRevocationList(randReader{}, &x509.RevocationList{Number: bigOne, ThisUpdate: testpki.Now.Add(-day), NextUpdate: testpki.Now.Add(7 * day),
		ExtraExtensions: []pkix.Extension{ext, {Id: oidDeltaCRL, Critical: true, Value: []byte{2, 1, 1}}}}, ca.Cert, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// cdpWithReasons is a CRL distribution points extension of one point, the URI uri,
// with the reasons field reasons (the content of its BIT STRING) unless nil.
func cdpWithReasons(uri string, reasons []byte) pkix.Extension {
	full := mustMarshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true,
		Bytes: mustMarshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 6, Bytes: []byte(uri)})})
	point := mustMarshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: full})
	if reasons != nil {
		point = append(point, mustMarshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, Bytes: reasons})...)
	}
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 31},
		Value: mustMarshal([]asn1.RawValue{{Tag: asn1.TagSequence, IsCompound: true, Bytes: point}})}
}

// idpExtension is an issuingDistributionPoint with only the "only contains" flags.
func idpExtension(t *testing.T, onlyUser, onlyCA bool) pkix.Extension {
	t.Helper()
	var fields []asn1.RawValue
	if onlyUser {
		fields = append(fields, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, Bytes: []byte{0xff}})
	}
	if onlyCA {
		fields = append(fields, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 2, Bytes: []byte{0xff}})
	}
	der, err := asn1.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return pkix.Extension{Id: oidIssuingDP, Critical: true, Value: der}
}

// brokenCRL flips a byte near the end of the CRL's signature.
func brokenCRL(der []byte) []byte {
	out := append([]byte(nil), der...)
	out[len(out)-3] ^= 1
	return out
}

// dirNamePoint is a distribution point whose full name is the directory name dn:
// as an issuingDistributionPoint, or as a CRL distribution points extension of one
// point when cdp.
func dirNamePoint(dn []byte, cdp bool) []byte {
	var b cryptobyte.Builder
	point := func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(4).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { b.AddBytes(dn) })
			})
		})
	}
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		if cdp {
			b.AddASN1(cbasn1.SEQUENCE, point)
		} else {
			point(b)
		}
	})
	return b.BytesOrPanic()
}
