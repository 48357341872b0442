package chain

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
)

// verifyCase is one verification: what the peer sends, what the verifier trusts, and
// OpenSSL's answer (reason 0: verified).
type verifyCase struct {
	leaf      *testpki.Cert
	untrusted []*testpki.Cert
	roots     []*testpki.Cert
	purpose   Purpose
	level     int
	crls      [][]byte
	reason    Reason
	depth     int
	chain     []*testpki.Cert // expected chain when verified
}

var day = 24 * time.Hour

func verifyCases(t *testing.T) map[string]verifyCase {
	now := testpki.Now
	cases := map[string]verifyCase{}

	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Inter")
	leaf := inter.Server(t, "db.example.com")
	cases["root inter leaf"] = verifyCase{leaf: leaf, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		chain: []*testpki.Cert{leaf, inter, root}}
	cases["intermediate in root file"] = verifyCase{leaf: leaf, roots: []*testpki.Cert{inter, root}, purpose: PurposeServer,
		chain: []*testpki.Cert{leaf, inter, root}}
	cases["missing intermediate"] = verifyCase{leaf: leaf, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: UnableToGetIssuerCertLocally, depth: 0}
	cases["root file holds only the intermediate"] = verifyCase{leaf: leaf, roots: []*testpki.Cert{inter}, purpose: PurposeServer,
		reason: UnableToGetIssuerCert, depth: 1}
	other := testpki.Root(t, "Other Root")
	cases["chain ends at an untrusted root"] = verifyCase{leaf: leaf, untrusted: []*testpki.Cert{inter, root}, roots: []*testpki.Cert{other}, purpose: PurposeServer,
		reason: SelfSignedCertInChain, depth: 2}
	cases["client certificate for a server"] = verifyCase{leaf: inter.Client(t, "alice"), untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: InvalidPurpose, depth: 0}
	cases["server certificate for a client"] = verifyCase{leaf: leaf, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeClient,
		reason: InvalidPurpose, depth: 0}
	client := inter.Client(t, "alice")
	cases["client certificate"] = verifyCase{leaf: client, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeClient,
		chain: []*testpki.Cert{client, inter, root}}
	noDigSig := testpki.Make(t, testpki.Template{CN: "db.example.com", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageCRLSign}, inter)
	cases["leaf key usage without digitalSignature"] = verifyCase{leaf: noDigSig, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: InvalidPurpose, depth: 0}
	cases["no purpose checks nothing"] = verifyCase{leaf: noDigSig, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root},
		chain: []*testpki.Cert{noDigSig, inter, root}}
	clientOnlyCA := testpki.Make(t, testpki.Template{CN: "Client CA", IsCA: true, MaxPath: -1, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, root)
	cases["intermediate limited to clientAuth"] = verifyCase{leaf: clientOnlyCA.Server(t, "db.example.com"), untrusted: []*testpki.Cert{clientOnlyCA}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: InvalidPurpose, depth: 1}
	critical := testpki.Make(t, testpki.Template{CN: "db.example.com", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{5, 0}}}}, inter)
	cases["unhandled critical extension"] = verifyCase{leaf: critical, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: UnhandledCriticalExtension, depth: 0}
	// Critical extensions OpenSSL knows and Go's x509 does not, or the other way round.
	for name, ext := range map[string]pkix.Extension{
		"netscape certificate type":                      {Id: oidNetscapeType, Value: []byte{3, 2, 6, 0x40}},
		"netscape certificate type with unused bits set": {Id: oidNetscapeType, Value: []byte{3, 2, 5, 0x64}},
		"ocsp no-check":                                  {Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}, Value: []byte{5, 0}},
		"subject alternative name of a directory name":   {Id: oidSubjectAltName, Value: []byte{0x30, 4, 0xa4, 2, 0x30, 0}},
	} {
		ext.Critical = true
		c := testpki.Make(t, testpki.Template{CN: "db.example.com", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, ExtraExtensions: []pkix.Extension{ext}}, inter)
		cases["critical "+name] = verifyCase{leaf: c, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
			chain: []*testpki.Cert{c, inter, root}}
	}
	issuerAltName := testpki.Make(t, testpki.Template{CN: "db.example.com", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 18}, Critical: true, Value: []byte{0x30, 3, 0x82, 1, 'x'}}}}, inter)
	cases["critical issuer alternative name"] = verifyCase{leaf: issuerAltName, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: UnhandledCriticalExtension, depth: 0}

	// Two intermediates deep, sent in the wrong order.
	i1 := root.Intermediate(t, "Inter 1")
	i2 := i1.Intermediate(t, "Inter 2")
	deep := i2.Server(t, "db.example.com")
	cases["two intermediates shuffled"] = verifyCase{leaf: deep, untrusted: []*testpki.Cert{i1, i2}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		chain: []*testpki.Cert{deep, i2, i1, root}}
	p0 := testpki.Make(t, testpki.Template{CN: "Pathlen 0", IsCA: true, MaxPath: 0}, root)
	p0sub := p0.Intermediate(t, "Under Pathlen 0")
	cases["pathlen exceeded"] = verifyCase{leaf: p0sub.Server(t, "db.example.com"), untrusted: []*testpki.Cert{p0, p0sub}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: PathLengthExceeded, depth: 2}
	p0leaf := p0.Server(t, "db.example.com")
	cases["pathlen 0 issuing a leaf"] = verifyCase{leaf: p0leaf, untrusted: []*testpki.Cert{p0}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		chain: []*testpki.Cert{p0leaf, p0, root}}

	// CA flags.
	noCA := testpki.Make(t, testpki.Template{CN: "Not A CA", IsCA: true, NoCAFlag: true, MaxPath: -1}, root)
	cases["intermediate with CA:FALSE"] = verifyCase{leaf: noCA.Server(t, "db.example.com"), untrusted: []*testpki.Cert{noCA}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: InvalidCA, depth: 1}
	noSign := testpki.Make(t, testpki.Template{CN: "No CertSign", IsCA: true, MaxPath: -1, NoCertSig: true}, root)
	cases["intermediate without keyCertSign"] = verifyCase{leaf: noSign.Server(t, "db.example.com"), untrusted: []*testpki.Cert{noSign}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: InvalidCA, depth: 1}
	noSignRoot := testpki.Make(t, testpki.Template{CN: "No CertSign Root", IsCA: true, MaxPath: -1, NoCertSig: true}, nil)
	cases["root without keyCertSign"] = verifyCase{leaf: noSignRoot.Server(t, "db.example.com"), roots: []*testpki.Cert{noSignRoot}, purpose: PurposeServer,
		reason: InvalidCA, depth: 1}

	// Self-signed leaves.
	self := testpki.Make(t, testpki.Template{CN: "db.example.com", DNS: []string{"db.example.com"}, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, nil)
	cases["self-signed leaf untrusted"] = verifyCase{leaf: self, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: DepthZeroSelfSignedCert, depth: 0}
	cases["self-signed leaf pinned in root file"] = verifyCase{leaf: self, roots: []*testpki.Cert{root, self}, purpose: PurposeServer,
		chain: []*testpki.Cert{self}}
	mimic := testpki.Make(t, testpki.Template{CN: "db.example.com", Key: self.Key, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, nil)
	cases["self-signed leaf with a different copy pinned"] = verifyCase{leaf: self, roots: []*testpki.Cert{mimic}, purpose: PurposeServer,
		reason: DepthZeroSelfSignedCert, depth: 0}

	// Validity, checked from the root down after everything else.
	expiredInter := testpki.Make(t, testpki.Template{CN: "Expired Inter", IsCA: true, MaxPath: -1, NotBefore: now.Add(-400 * day), NotAfter: now.Add(-day)}, root)
	cases["expired intermediate"] = verifyCase{leaf: expiredInter.Server(t, "db.example.com"), untrusted: []*testpki.Cert{expiredInter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: CertHasExpired, depth: 1}
	future := testpki.Make(t, testpki.Template{CN: "db.example.com", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, NotBefore: now.Add(day)}, inter)
	cases["leaf not yet valid"] = verifyCase{leaf: future, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: CertNotYetValid, depth: 0}
	oldRoot := testpki.Make(t, testpki.Template{CN: "Old Root", IsCA: true, MaxPath: -1, NotBefore: now.Add(-3650 * day), NotAfter: now.Add(-day)}, nil)
	expiredLeaf := testpki.Make(t, testpki.Template{CN: "db.example.com", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, NotAfter: now.Add(-time.Hour), NotBefore: now.Add(-day)}, oldRoot)
	cases["expired root reported before expired leaf"] = verifyCase{leaf: expiredLeaf, roots: []*testpki.Cert{oldRoot}, purpose: PurposeServer,
		reason: CertHasExpired, depth: 1}
	atExpiry := testpki.Make(t, testpki.Template{CN: "db.example.com", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, NotAfter: now}, inter)
	cases["expires exactly now"] = verifyCase{leaf: atExpiry, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: CertHasExpired, depth: 0}

	// Signatures.
	cases["leaf signature broken"] = verifyCase{leaf: leaf.BrokenSignature(t), untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: CertSignatureFailure, depth: 0}
	cases["intermediate signature broken"] = verifyCase{leaf: leaf, untrusted: []*testpki.Cert{inter.BrokenSignature(t)}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: CertSignatureFailure, depth: 1}
	imposter := root.Intermediate(t, "Inter")
	cases["intermediate re-keyed under the same name"] = verifyCase{leaf: leaf, untrusted: []*testpki.Cert{imposter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: UnableToGetIssuerCertLocally, depth: 0}

	// Cross-signing: I is signed by old root R1 and new root R2; R2 is cross-signed by R1.
	r1 := testpki.Root(t, "R1")
	r2 := testpki.Root(t, "R2")
	iR2 := r2.Intermediate(t, "I")
	iR1 := testpki.Make(t, testpki.Template{CN: "I", IsCA: true, MaxPath: -1, Key: iR2.Key}, r1)
	r2R1 := testpki.Make(t, testpki.Template{CN: "R2", IsCA: true, MaxPath: -1, Key: r2.Key}, r1)
	xleaf := iR2.Server(t, "db.example.com")
	cases["cross-signed to the old root"] = verifyCase{leaf: xleaf, untrusted: []*testpki.Cert{iR2, r2R1}, roots: []*testpki.Cert{r1}, purpose: PurposeServer,
		chain: []*testpki.Cert{xleaf, iR2, r2R1, r1}}
	cases["cross-signed to the new root"] = verifyCase{leaf: xleaf, untrusted: []*testpki.Cert{iR2, r2R1}, roots: []*testpki.Cert{r2}, purpose: PurposeServer,
		chain: []*testpki.Cert{xleaf, iR2, r2}}
	cases["cross-signed intermediate directly under the old root"] = verifyCase{leaf: xleaf, untrusted: []*testpki.Cert{iR1}, roots: []*testpki.Cert{r1}, purpose: PurposeServer,
		chain: []*testpki.Cert{xleaf, iR1, r1}}

	// A renewed intermediate: the expired copy comes first, the valid one is chosen.
	oldInter := testpki.Make(t, testpki.Template{CN: "Inter", Key: inter.Key, IsCA: true, MaxPath: -1, NotBefore: now.Add(-400 * day), NotAfter: now.Add(-day)}, root)
	cases["renewed intermediate preferred"] = verifyCase{leaf: leaf, untrusted: []*testpki.Cert{oldInter, inter}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		chain: []*testpki.Cert{leaf, inter, root}}

	// Security level: a 1024-bit RSA CA passes level 1 and fails level 2.
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	weak := testpki.Make(t, testpki.Template{CN: "Weak CA", IsCA: true, MaxPath: -1, Key: rsaKey}, root)
	weakLeaf := weak.Server(t, "db.example.com")
	cases["rsa 1024 ca at level 1"] = verifyCase{leaf: weakLeaf, untrusted: []*testpki.Cert{weak}, roots: []*testpki.Cert{root}, purpose: PurposeServer, level: 1,
		chain: []*testpki.Cert{weakLeaf, weak, root}}
	cases["rsa 1024 ca at the default level"] = verifyCase{leaf: weakLeaf, untrusted: []*testpki.Cert{weak}, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: CAKeyTooSmall, depth: 1}
	cases["rsa 1024 ca at level 2"] = verifyCase{leaf: weakLeaf, untrusted: []*testpki.Cert{weak}, roots: []*testpki.Cert{root}, purpose: PurposeServer, level: 2,
		reason: CAKeyTooSmall, depth: 1}
	weakLeafKey := testpki.Make(t, testpki.Template{CN: "db.example.com", Key: rsaKey, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, inter)
	cases["rsa 1024 leaf at level 2"] = verifyCase{leaf: weakLeafKey, untrusted: []*testpki.Cert{inter}, roots: []*testpki.Cert{root}, purpose: PurposeServer, level: 2,
		reason: EEKeyTooSmall, depth: 0}
	return cases
}

func TestVerifyAgreesWithOpenSSL(t *testing.T) {
	for name, tc := range verifyCases(t) {
		t.Run(name, func(t *testing.T) {
			checkVerify(t, tc)
		})
	}
}

func checkVerify(t *testing.T, tc verifyCase) {
	t.Helper()
	opts := VerifyOptions{Now: testpki.Now, Roots: ins(tc.roots...), Intermediates: ins(tc.untrusted...), Purpose: tc.purpose, SecurityLevel: tc.level}
	for _, der := range tc.crls {
		crl, err := x509.ParseRevocationList(der)
		if err != nil {
			t.Fatal(err)
		}
		opts.CRLs = append(opts.CRLs, crl)
	}
	chain, err := Verify(in(tc.leaf), opts)
	var verr *VerifyError
	switch {
	case tc.reason == 0 && err != nil:
		t.Errorf("Verify: %v, want success", err)
	case tc.reason != 0 && !errors.As(err, &verr):
		t.Errorf("Verify: %v, want %d (%s) at depth %d", err, tc.reason, tc.reason, tc.depth)
	case tc.reason != 0 && (verr.Reason != tc.reason || verr.Depth != tc.depth):
		t.Errorf("Verify: %d (%s) at depth %d, want %d (%s) at depth %d", verr.Reason, verr.Reason, verr.Depth, tc.reason, tc.reason, tc.depth)
	case tc.reason != 0 && verr.Cert.Cert != chain[verr.Depth].Cert:
		t.Errorf("VerifyError names %s, the chain has %s at depth %d", verr.Cert, chain[verr.Depth], verr.Depth)
	}
	if tc.reason == 0 && err == nil {
		if len(chain) != len(tc.chain) {
			t.Errorf("chain %v, want %v", chain, ins(tc.chain...))
		} else {
			for i := range chain {
				if chain[i].Cert != tc.chain[i].Cert {
					t.Errorf("chain[%d] = %s, want %s", i, chain[i], in(tc.chain[i]))
				}
			}
		}
	}

	run := opensslVerify(t, in(tc.leaf), opts, tc.crls...)
	switch {
	case tc.reason == 0 && !run.ok:
		t.Errorf("openssl verify refuses what pgcert accepts: %s", run.out)
	case tc.reason != 0 && run.ok:
		t.Errorf("openssl verify accepts what pgcert refuses (%s): %s", tc.reason, run.out)
	case tc.reason != 0 && (run.reason != tc.reason || run.depth != tc.depth):
		t.Errorf("openssl verify: error %d at depth %d, pgcert expects %d (%s) at depth %d:\n%s", run.reason, run.depth, tc.reason, tc.reason, tc.depth, run.out)
	}
}

// TestVerifyChainTooLong checks OpenSSL's depth limit on both sides: 100
// intermediates pass, 101 do not.
func TestVerifyChainTooLong(t *testing.T) {
	root := testpki.Root(t, "Root")
	ca := root
	var untrusted []*testpki.Cert
	for i := 0; i < maxVerifyDepth+1; i++ {
		ca = testpki.Make(t, testpki.Template{CN: "CA " + big.NewInt(int64(i)).String(), IsCA: true, MaxPath: -1}, ca)
		untrusted = append(untrusted, ca)
	}
	leaf := untrusted[maxVerifyDepth-1].Server(t, "db.example.com")
	chain := []*testpki.Cert{leaf}
	for i := maxVerifyDepth - 1; i >= 0; i-- {
		chain = append(chain, untrusted[i])
	}
	checkVerify(t, verifyCase{leaf: leaf, untrusted: untrusted[:maxVerifyDepth], roots: []*testpki.Cert{root}, purpose: PurposeServer,
		chain: append(chain, root)})
	checkVerify(t, verifyCase{leaf: ca.Server(t, "db.example.com"), untrusted: untrusted, roots: []*testpki.Cert{root}, purpose: PurposeServer,
		reason: CertChainTooLong, depth: maxVerifyDepth + 1})
}

func TestVerifyNeedsTime(t *testing.T) {
	root := testpki.Root(t, "Root")
	if _, err := Verify(in(root), VerifyOptions{}); !errors.Is(err, ErrNoTime) {
		t.Fatalf("Verify without Now: %v, want ErrNoTime", err)
	}
}

func TestReasonAlert(t *testing.T) {
	for r, want := range map[Reason]string{
		UnableToGetIssuerCertLocally: "tlsv1 alert unknown ca",
		UnableToGetCRL:               "tlsv1 alert unknown ca",
		CertHasExpired:               "sslv3 alert certificate expired",
		CRLHasExpired:                "sslv3 alert certificate expired",
		CertRevoked:                  "sslv3 alert certificate revoked",
		InvalidPurpose:               "sslv3 alert unsupported certificate",
		CertSignatureFailure:         "tlsv1 alert decrypt error",
		UnhandledCriticalExtension:   "sslv3 alert certificate unknown",
	} {
		if got := r.Alert(); got != want {
			t.Errorf("%s: Alert() = %q, want %q", r, got, want)
		}
	}
}
