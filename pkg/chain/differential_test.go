package chain

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// differentialSeeds is how many worlds TestVerifyDifferential builds, seeds 1 to n: a
// failure names its seed and prints the world, and `go test -run
// 'TestVerifyDifferential/seed=N$'` builds the same world again (with other keys and
// serial numbers, which no verdict depends on).
const differentialSeeds = 400

// TestVerifyDifferential builds small certificate worlds from seeded choices — chain
// length (a self-signed leaf, or a root and up to two intermediates, some self-issued),
// basic constraints, key usages, extended key usages, validity periods and their
// boundaries, key types, signature hashes, authority key identifiers, issuer names
// spelled otherwise, version 1 certificates, Netscape certificate types, critical
// extensions OpenSSL knows or not, what the peer sends and what the root
// file holds, CRLs of every kind OpenSSL treats apart (missing, expired, not yet
// valid, revoking, scoped by an issuing distribution point or by the reasons of a
// certificate's distribution point, delta, indirect, with
// critical or certificateIssuer entry extensions, from a namesake), purpose and
// security level — and requires Verify and `openssl verify` to give the same verdict
// for each: both accept, or both refuse with the same reason at the same depth.
//
// `openssl verify` is run as libpq and the server run OpenSSL: no partial chains, no
// extended CRL support, no strict mode; its flags differ from theirs only in how the
// files are given.
func TestVerifyDifferential(t *testing.T) {
	testenv.RequireOpenSSL(t)
	for seed := uint64(1); seed <= differentialSeeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			w := buildWorld(t, seed)
			opts := w.options()
			_, err := Verify(in(w.leaf()), opts)
			run := opensslVerify(t, in(w.leaf()), opts, w.crlDER...)
			var verr *VerifyError
			switch {
			case err == nil && run.ok:
			case err != nil && !errors.As(err, &verr):
				t.Fatalf("Verify: %v\n%s", err, w)
			case err == nil:
				t.Errorf("pgcert accepts, openssl verify says error %d (%s) at depth %d\n%s\n%s", run.reason, run.reason, run.depth, w, run.out)
			case run.ok:
				t.Errorf("openssl verify accepts, pgcert says %d (%s) at depth %d\n%s", verr.Reason, verr.Reason, verr.Depth, w)
			case verr.Reason != run.reason || verr.Depth != run.depth:
				t.Errorf("pgcert says %d (%s) at depth %d, openssl verify error %d (%s) at depth %d\n%s\n%s",
					verr.Reason, verr.Reason, verr.Depth, run.reason, run.reason, run.depth, w, run.out)
			}
		})
	}
}

// The choices a world is made of.
type (
	bcChoice       int
	validityChoice int
	keyChoice      int
	crlKind        int
	cdpChoice      int
)

const (
	bcCA bcChoice = iota
	bcNotCA
	bcAbsent
)

const (
	validNow validityChoice = iota
	validExpired
	validNotYet
	validFromNow  // notBefore is exactly now
	validUntilNow // notAfter is exactly now
)

const (
	keyP256 keyChoice = iota
	keyP384
	keyRSA1024
	keyEd25519
	keyP521
	keyRSA2048
)

const (
	crlCurrent crlKind = iota
	crlMissing
	crlExpired
	crlNotYet
	crlRevokesNext
	crlRevokesSelf
	crlOnlyUser
	crlOnlyCA
	crlURIPoint
	crlCritical
	crlDelta
	crlBrokenSignature
	crlRekeyed
	crlInvalidIDP
	crlIndirect
	crlSomeReasons
	crlCriticalEntry
	crlRemoveFromCRL
	crlURIPointOnlyUser
	crlStartsNow
	crlEndsNow
	crlSHA1
	crlRevokesNextOtherIssuer
	crlIssuerCarried
	crlIssuerSpelled
	crlWrongAKID
	crlDirNamePoint
	crlScopedDelta
	crlKinds // the number of kinds
)

const (
	cdpNone cdpChoice = iota
	cdpMatching
	cdpOther
)

var (
	bcNames       = []string{"CA:TRUE", "CA:FALSE", "no basicConstraints"}
	validityNames = []string{"valid", "expired", "not yet valid", "valid from exactly now", "valid until exactly now"}
	keyNames      = []string{"P-256", "P-384", "RSA 1024", "Ed25519", "P-521", "RSA 2048"}
	hashNames     = []string{"default", "SHA-1", "SHA-512", "SHA-256 with RSA-PSS (for RSA keys)"}
	crlNames      = []string{"current", "missing", "expired", "not yet valid", "revokes the certificate below",
		"revokes itself", "onlyContainsUserCerts", "onlyContainsCACerts", "URI distribution point", "critical unknown extension",
		"delta CRL", "broken signature", "from a re-keyed CA of the same name", "onlyContainsUserCerts and onlyContainsCACerts",
		"indirect", "onlySomeReasons", "critical unknown entry extension", "lists the certificate below as removeFromCRL",
		"URI distribution point and onlyContainsUserCerts", "thisUpdate exactly now", "nextUpdate exactly now", "signed with SHA-1",
		"revokes the certificate below, naming another certificate issuer", "revokes the certificate below after an entry naming another certificate issuer",
		"issuer name spelled otherwise", "with another authority key identifier", "directory name distribution point",
		"delta CRL with onlyContainsCACerts"}
	rootsNames = []string{"the root", "a re-keyed namesake of the root, then the root", "an expired copy of the root, then the root",
		"only the topmost CA below the root (a re-keyed namesake of the root when there is none)"}
	cdpNames = []string{"none", "the issuer CRL's URI", "another URI"}
)

// worldCert is one certificate's choices and, once made, the certificate.
type worldCert struct {
	name     string
	bc       bcChoice
	pathLen  int // -1: none
	ku       x509.KeyUsage
	eku      []x509.ExtKeyUsage
	validity validityChoice
	key      keyChoice
	cdp      cdpChoice
	critical bool   // carries a critical extension OpenSSL does not know
	ns       int    // Netscape certificate type bits; -1: none
	nsCrit   bool   // the Netscape certificate type is critical
	known    int    // a critical extension OpenSSL knows: index in knownCriticalNames, 0 for none
	v1       bool   // a version 1 certificate, without extensions, as `openssl x509 -req` wrote them before 3.0
	cdpDN    int    // a CRL distribution point named by the directory name of its issuer's CRL, spelled as spellingNames[cdpDN-1]; 0: none
	reasons  []byte // the reasons field (BIT STRING content) of the URI distribution point; nil: none
	akid     akidChoice
	spelling int // how the issuer's name is spelled in this certificate: index in spellingNames
	hash     int // signature hash: index in hashNames
	made     *testpki.Cert
}

// worldCRL is one CRL a CA of the world issued.
type worldCRL struct {
	issuer int // index in world.certs
	kind   crlKind
	older  bool // issued a little earlier than the CA's other CRL
}

// world is a chain, leaf first and root last, with what the verifier is given.
type world struct {
	seed          uint64
	certs         []*worldCert
	crls          []worldCRL
	crlDER        [][]byte
	purpose       Purpose
	level         int
	interInRoots  bool
	staleCopy     int // index of an intermediate also sent as an expired copy; 0: none
	staleMade     *testpki.Cert
	imposter      int // index of an intermediate whose re-keyed namesake is sent first; 0: none
	imposterMade  *testpki.Cert
	sendRoot      bool
	roots         rootsChoice
	extraRoot     *testpki.Cert
	untrustedPerm []int
}

// rootsChoice is what the root file holds.
type rootsChoice int

const (
	rootsRoot rootsChoice = iota
	rootsNamesakeFirst
	rootsExpiredCopyFirst
	rootsTopCAOnly
)

func (w *world) leaf() *testpki.Cert { return w.certs[0].made }

func (w *world) options() VerifyOptions {
	opts := VerifyOptions{Now: testpki.Now, Purpose: w.purpose, SecurityLevel: w.level}
	root := w.certs[len(w.certs)-1].made
	switch w.roots {
	case rootsRoot:
		opts.Roots = ins(root)
	case rootsNamesakeFirst, rootsExpiredCopyFirst:
		opts.Roots = ins(w.extraRoot, root)
	case rootsTopCAOnly:
		opts.Roots = ins(w.extraRoot)
		if len(w.certs) > 2 {
			opts.Roots = ins(w.certs[len(w.certs)-2].made)
		}
	}
	for _, i := range w.untrustedPerm {
		opts.Intermediates = append(opts.Intermediates, in(w.certs[i].made))
		if w.interInRoots {
			opts.Roots = append(opts.Roots, in(w.certs[i].made))
		}
	}
	if w.staleMade != nil {
		opts.Intermediates = append(ins(w.staleMade), opts.Intermediates...)
	}
	if w.imposterMade != nil {
		opts.Intermediates = append(ins(w.imposterMade), opts.Intermediates...)
	}
	if w.sendRoot {
		opts.Intermediates = append(opts.Intermediates, in(root))
	}
	for _, der := range w.crlDER {
		crl, err := x509.ParseRevocationList(der)
		if err != nil {
			panic(err)
		}
		opts.CRLs = append(opts.CRLs, crl)
	}
	return opts
}

func (w *world) String() string {
	var b strings.Builder
	purpose := map[Purpose]string{PurposeAny: "any", PurposeServer: "sslserver", PurposeClient: "sslclient"}[w.purpose]
	fmt.Fprintf(&b, "world seed=%d: purpose %s, security level %d, root file holds %s", w.seed, purpose, w.level, rootsNames[w.roots])
	if w.interInRoots {
		b.WriteString(", intermediates also in the root file")
	}
	b.WriteString("\n")
	for i, c := range w.certs {
		pathLen := "none"
		if c.pathLen >= 0 {
			pathLen = fmt.Sprint(c.pathLen)
		}
		fmt.Fprintf(&b, "  depth %d %q: %s pathlen %s, keyUsage %s, EKU %s, %s, %s key, %s hash, CDP %s", i, c.name,
			bcNames[c.bc], pathLen, kuString(c.ku), ekuString(c.eku), validityNames[c.validity], keyNames[c.key], hashNames[c.hash], cdpNames[c.cdp])
		if c.v1 {
			b.WriteString(", VERSION 1: none of the extensions above")
		}
		if c.cdpDN != 0 {
			b.WriteString(", CDP the directory name of the issuer's CRL spelled " + spellingNames[c.cdpDN-1])
		}
		if c.reasons != nil {
			fmt.Fprintf(&b, ", CDP reasons %x", c.reasons)
		}
		if c.critical {
			b.WriteString(", critical unknown extension")
		}
		if c.ns >= 0 {
			fmt.Fprintf(&b, ", Netscape certificate type %#02x (critical %v)", c.ns, c.nsCrit)
		}
		if c.known != 0 {
			b.WriteString(", critical " + knownCriticalNames[c.known])
		}
		if c.akid != akidDefault {
			b.WriteString(", authority key identifier " + akidNames[c.akid])
		}
		if c.spelling != 0 {
			b.WriteString(", issuer name spelled " + spellingNames[c.spelling])
		}
		b.WriteString("\n")
	}
	if w.staleMade != nil {
		fmt.Fprintf(&b, "  also sent, first: an expired copy of %q\n", w.certs[w.staleCopy].name)
	}
	if w.imposterMade != nil {
		fmt.Fprintf(&b, "  also sent, first: a re-keyed %q from the same issuer\n", w.certs[w.imposter].name)
	}
	if w.sendRoot {
		b.WriteString("  the root is sent too\n")
	}
	if len(w.crls) == 0 {
		b.WriteString("  no CRLs (no CRL checks)\n")
	}
	for _, crl := range w.crls {
		older := ""
		if crl.older {
			older = " (older)"
		}
		fmt.Fprintf(&b, "  CRL of %q: %s%s\n", w.certs[crl.issuer].name, crlNames[crl.kind], older)
	}
	return b.String()
}

func kuString(ku x509.KeyUsage) string {
	if ku == 0 {
		return "absent"
	}
	var names []string
	for bit, name := range map[x509.KeyUsage]string{x509.KeyUsageDigitalSignature: "digitalSignature", x509.KeyUsageKeyEncipherment: "keyEncipherment",
		x509.KeyUsageKeyAgreement: "keyAgreement", x509.KeyUsageCertSign: "keyCertSign", x509.KeyUsageCRLSign: "cRLSign"} {
		if ku&bit != 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}

func ekuString(eku []x509.ExtKeyUsage) string {
	if eku == nil {
		return "absent"
	}
	var names []string
	for _, u := range eku {
		names = append(names, map[x509.ExtKeyUsage]string{x509.ExtKeyUsageServerAuth: "serverAuth", x509.ExtKeyUsageClientAuth: "clientAuth",
			x509.ExtKeyUsageAny: "anyExtendedKeyUsage", x509.ExtKeyUsageCodeSigning: "codeSigning",
			x509.ExtKeyUsageNetscapeServerGatedCrypto: "nsSGC", x509.ExtKeyUsageMicrosoftServerGatedCrypto: "msSGC"}[u])
	}
	return strings.Join(names, ",")
}

// buildWorld makes the world of seed. Each world picks how wild it is: in a calm one
// most certificates are as a CA would make them, so that the checks late in OpenSSL's
// order (CRLs, signatures, validity) are reached; in a wild one the first error is
// usually early.
func buildWorld(t *testing.T, seed uint64) *world {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	rate := []float64{0.04, 0.12, 0.3}[r.IntN(3)]
	odd := func() bool { return r.Float64() < rate }
	// oddEither is odd() || odd(), written out: two draws, the second only when the
	// first is false, so that a seed's world stays what it was.
	oddEither := func() bool {
		if odd() {
			return true
		}
		return odd()
	}
	w := &world{seed: seed, purpose: []Purpose{PurposeServer, PurposeClient, PurposeServer, PurposeClient, PurposeAny}[r.IntN(5)]}
	switch n := r.IntN(10); {
	case n < 7:
		w.level = 0
	case n < 9:
		w.level = 2
	default:
		w.level = -1
	}
	inters := r.IntN(3)
	if r.IntN(25) == 0 {
		inters = -1 // a self-signed leaf
	}
	// Leaf first.
	leaf := &worldCert{name: "leaf", bc: bcAbsent, pathLen: -1, ku: x509.KeyUsageDigitalSignature}
	switch w.purpose {
	case PurposeClient:
		leaf.eku = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	default:
		leaf.eku = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	if odd() {
		leaf.bc = []bcChoice{bcCA, bcNotCA}[r.IntN(2)]
	}
	if odd() {
		leaf.ku = []x509.KeyUsage{0, x509.KeyUsageKeyEncipherment, x509.KeyUsageKeyAgreement, x509.KeyUsageCRLSign,
			x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}[r.IntN(5)]
	}
	if odd() {
		leaf.eku = [][]x509.ExtKeyUsage{nil, {x509.ExtKeyUsageServerAuth}, {x509.ExtKeyUsageClientAuth},
			{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, {x509.ExtKeyUsageAny}, {x509.ExtKeyUsageCodeSigning},
			{x509.ExtKeyUsageNetscapeServerGatedCrypto}, {x509.ExtKeyUsageMicrosoftServerGatedCrypto}}[r.IntN(8)]
	}
	w.certs = append(w.certs, leaf)
	for i := 0; i <= inters; i++ {
		c := &worldCert{name: fmt.Sprintf("Inter %d", inters-i), bc: bcCA, pathLen: -1, ku: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
		if i == inters {
			c.name = "Root"
		}
		if i > 0 && r.Float64() < rate/3 {
			// Self-issued: named as its issuer, as when a CA is re-keyed.
			w.certs[len(w.certs)-1].name = c.name
		}
		if odd() {
			c.bc = []bcChoice{bcNotCA, bcAbsent}[r.IntN(2)]
		}
		if c.bc == bcCA && odd() {
			c.pathLen = r.IntN(2)
		}
		if odd() {
			c.ku = []x509.KeyUsage{0, x509.KeyUsageCertSign, x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
				x509.KeyUsageDigitalSignature}[r.IntN(4)]
		}
		if odd() {
			c.eku = [][]x509.ExtKeyUsage{{x509.ExtKeyUsageServerAuth}, {x509.ExtKeyUsageClientAuth},
				{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, {x509.ExtKeyUsageAny},
				{x509.ExtKeyUsageNetscapeServerGatedCrypto}, {x509.ExtKeyUsageMicrosoftServerGatedCrypto}}[r.IntN(6)]
		}
		w.certs = append(w.certs, c)
	}
	for i, c := range w.certs {
		if odd() {
			c.validity = validityChoice(1 + r.IntN(4))
		}
		switch n := r.IntN(100); {
		case n < 3:
			c.key = keyRSA1024
		case n < 5:
			c.key = keyEd25519
		case n < 7:
			c.key = keyP521
		case n < 9:
			c.key = keyRSA2048
		case n < 20:
			c.key = keyP384
		}
		c.critical = r.Float64() < rate/4
		c.ns = -1
		if r.Float64() < rate/3 {
			c.ns = []int{0x80, 0x40, 0xc0, 0x20, 0x04, 0x07, 0x01, 0x00}[r.IntN(8)]
			c.nsCrit = r.IntN(2) == 0
		}
		if r.Float64() < rate/3 {
			c.known = 1 + r.IntN(len(knownCriticalNames)-1)
		}
		c.v1 = r.Float64() < rate/3
		if r.Float64() < rate/3 {
			c.cdp = cdpOther
			c.reasons = [][]byte{{6, 0x40}, {7, 0x7f, 0x80}, {1, 0x02}, {0}}[r.IntN(4)]
		}
		if r.Float64() < rate/2 {
			c.akid = akidChoice(1 + r.IntN(int(akidChoices)-1))
		}
		if i < len(w.certs)-1 && r.Float64() < rate/2 {
			c.spelling = 1 + r.IntN(len(spellingNames)-1)
		}
		if r.Float64() < rate/3 {
			c.hash = 1 + r.IntN(len(hashNames)-1)
		}
	}
	if r.IntN(2) == 0 {
		for i := min(1, len(w.certs)-1); i < len(w.certs); i++ {
			below := max(i-1, 0)
			kind := crlCurrent
			if oddEither() {
				kind = crlKind(1 + r.IntN(int(crlKinds)-1))
			}
			if kind == crlRevokesSelf && i != len(w.certs)-1 {
				kind = crlRevokesNext
			}
			if kind != crlMissing {
				w.crls = append(w.crls, worldCRL{issuer: i, kind: kind})
			}
			if kind == crlDirNamePoint && r.IntN(4) != 0 {
				w.certs[below].cdpDN = 1 + r.IntN(len(spellingNames))
			}
			if kind == crlURIPoint || kind == crlURIPointOnlyUser {
				w.certs[below].cdp = cdpMatching
				if oddEither() {
					w.certs[below].cdp = []cdpChoice{cdpNone, cdpOther}[r.IntN(2)]
				}
				if r.Float64() < rate {
					w.certs[below].reasons = [][]byte{{6, 0x40}, {7, 0x7f, 0x80}, {1, 0x02}}[r.IntN(3)]
				}
				if i == len(w.certs)-1 && r.IntN(2) == 0 {
					w.certs[i].cdp = cdpMatching
				}
			}
			if r.Float64() < rate {
				w.crls = append(w.crls, worldCRL{issuer: i, kind: crlKind(r.IntN(int(crlKinds))), older: true})
			}
		}
	}
	w.interInRoots = inters > 0 && r.IntN(20) == 0
	if inters > 0 && r.IntN(20) == 0 {
		w.staleCopy = 1 + r.IntN(inters)
	}
	if inters > 0 && r.IntN(20) == 0 {
		w.imposter = 1 + r.IntN(inters)
	}
	w.sendRoot = r.IntN(5) == 0
	for _, k := range r.Perm(max(inters, 0)) {
		w.untrustedPerm = append(w.untrustedPerm, k+1)
	}
	if r.IntN(5) == 0 {
		w.roots = rootsChoice(1 + r.IntN(3))
	}
	w.make(t)
	return w
}

// make creates the certificates, root first, and the CRLs.
func (w *world) make(t *testing.T) {
	t.Helper()
	var parent *testpki.Cert
	for i := len(w.certs) - 1; i >= 0; i-- {
		c := w.certs[i]
		c.made = makeWorldCert(t, c, w.crlURI(i+1), parent, nil)
		if i == w.staleCopy && i > 0 {
			stale := *c
			stale.validity = validExpired
			w.staleMade = makeWorldCert(t, &stale, w.crlURI(i+1), parent, c.made.Key)
		}
		if i == w.imposter && i > 0 {
			w.imposterMade = makeWorldCert(t, c, w.crlURI(i+1), parent, nil)
		}
		parent = c.made
	}
	root := w.certs[len(w.certs)-1]
	switch w.roots {
	case rootsNamesakeFirst, rootsTopCAOnly:
		w.extraRoot = makeWorldCert(t, &worldCert{name: root.name, bc: bcCA, pathLen: -1, ku: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}, "", nil, nil)
	case rootsExpiredCopyFirst:
		stale := *root
		stale.validity = validExpired
		w.extraRoot = makeWorldCert(t, &stale, w.crlURI(len(w.certs)), nil, root.made.Key)
	}
	for _, crl := range w.crls {
		w.crlDER = append(w.crlDER, w.makeCRL(t, crl))
	}
}

// pointOf is the last part of a CRL URI, which names the CA.
func pointOf(uri string) string { return uri[strings.LastIndex(uri, "/")+1:] }

// crlURI is the distribution point URI of the CRL of the CA at index i.
func (w *world) crlURI(i int) string {
	if i >= len(w.certs) {
		i = len(w.certs) - 1
	}
	return "http://crl.example.com/" + strings.ReplaceAll(w.certs[i].name, " ", "") + ".crl"
}

func makeWorldCert(t *testing.T, c *worldCert, issuerURI string, parent *testpki.Cert, key crypto.Signer) *testpki.Cert {
	t.Helper()
	if key == nil {
		key = worldKey(t, c.key)
	}
	now := testpki.Now
	notBefore, notAfter := now.Add(-time.Hour), now.Add(365*day)
	switch c.validity {
	case validExpired:
		notBefore, notAfter = now.Add(-400*day), now.Add(-day)
	case validNotYet:
		notBefore = now.Add(day)
	case validFromNow:
		notBefore = now
	case validUntilNow:
		notAfter = now
	}
	pubDER, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	skid := sha256.Sum256(pubDER)
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(int64(rand.Uint32())),
		Subject:      pkix.Name{CommonName: c.name},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		SubjectKeyId: skid[:20],
		KeyUsage:     c.ku,
		ExtKeyUsage:  c.eku,
		MaxPathLen:   -1,
	}
	if c.bc != bcAbsent {
		tpl.BasicConstraintsValid = true
		tpl.IsCA = c.bc == bcCA
		if c.pathLen >= 0 {
			tpl.MaxPathLen, tpl.MaxPathLenZero = c.pathLen, c.pathLen == 0
		}
	}
	if c.akid != akidDefault && c.akid != akidNone {
		akidIssuer := tpl // self-signed
		if parent != nil {
			akidIssuer = parent.Cert
		} else {
			tpl.RawIssuer = mustMarshal(tpl.Subject.ToRDNSequence())
		}
		tpl.ExtraExtensions = append(tpl.ExtraExtensions, akidExtension(c.akid, akidIssuer))
	}
	if c.critical {
		tpl.ExtraExtensions = append(tpl.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{5, 0}})
	}
	if c.ns >= 0 {
		tpl.ExtraExtensions = append(tpl.ExtraExtensions, pkix.Extension{Id: oidNetscapeType, Critical: c.nsCrit, Value: []byte{3, 2, 0, byte(c.ns)}})
	}
	if c.known != 0 {
		tpl.ExtraExtensions = append(tpl.ExtraExtensions, knownCritical[c.known])
	}
	if c.cdpDN != 0 {
		tpl.ExtraExtensions = append(tpl.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 31},
			Value: dirNamePoint(spellName("Point "+pointOf(issuerURI), c.cdpDN-1), true)})
	}
	cdpURI := ""
	switch c.cdp {
	case cdpMatching:
		cdpURI = issuerURI
	case cdpOther:
		cdpURI = "http://crl.example.com/other.crl"
	}
	switch {
	case c.cdpDN != 0: // one CRL distribution points extension only
	case cdpURI != "" && c.reasons != nil:
		tpl.ExtraExtensions = append(tpl.ExtraExtensions, cdpWithReasons(cdpURI, c.reasons))
	case cdpURI != "":
		tpl.CRLDistributionPoints = []string{cdpURI}
	}
	issuer, signer := tpl, key
	if parent != nil {
		issuer, signer = parent.Cert, parent.Key
		if c.akid == akidNone || c.spelling != 0 {
			// Go takes the authority key identifier from the issuer's subject key
			// identifier, and the issuer name from its raw subject.
			bare := *parent.Cert
			if c.akid == akidNone {
				bare.SubjectKeyId = nil
			}
			if c.spelling != 0 {
				bare.RawSubject = spellName(parent.Cert.Subject.CommonName, c.spelling)
			}
			issuer = &bare
		}
	}
	tpl.SignatureAlgorithm = signatureAlgorithm(signer, c.hash)
	der, err := x509.CreateCertificate(randReader{}, tpl, issuer, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	if c.v1 {
		der = versionOne(t, der, signer)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testpki.Cert{Cert: cert, Key: key}
}

// versionOne re-signs the certificate der as a version 1 certificate: the same
// serial, names, validity and key, no extensions.
func versionOne(t *testing.T, der []byte, signer crypto.Signer) []byte {
	t.Helper()
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	in := cryptobyte.String(cert.RawTBSCertificate)
	var tbs, serial, sigAlg, issuer, validity, subject, spki cryptobyte.String
	if !in.ReadASN1(&tbs, cbasn1.SEQUENCE) || !tbs.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!tbs.ReadASN1Element(&serial, cbasn1.INTEGER) || !tbs.ReadASN1Element(&sigAlg, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) || !tbs.ReadASN1Element(&validity, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&subject, cbasn1.SEQUENCE) || !tbs.ReadASN1Element(&spki, cbasn1.SEQUENCE) {
		t.Fatal("cannot read the TBSCertificate")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, f := range []cryptobyte.String{serial, sigAlg, issuer, validity, subject, spki} {
			b.AddBytes(f)
		}
	})
	newTBS := b.BytesOrPanic()
	var hash crypto.Hash
	switch cert.SignatureAlgorithm {
	case x509.ECDSAWithSHA1, x509.SHA1WithRSA:
		hash = crypto.SHA1
	case x509.ECDSAWithSHA256, x509.SHA256WithRSA:
		hash = crypto.SHA256
	case x509.ECDSAWithSHA384, x509.SHA384WithRSA:
		hash = crypto.SHA384
	case x509.ECDSAWithSHA512, x509.SHA512WithRSA:
		hash = crypto.SHA512
	}
	var opts crypto.SignerOpts = hash
	if cert.SignatureAlgorithm == x509.SHA256WithRSAPSS {
		hash = crypto.SHA256
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: hash}
	}
	signed := newTBS
	if hash != 0 {
		h := hash.New()
		h.Write(newTBS)
		signed = h.Sum(nil)
	}
	sig, err := signer.Sign(randReader{}, signed, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out cryptobyte.Builder
	out.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(newTBS)
		b.AddBytes(sigAlg)
		b.AddASN1BitString(sig)
	})
	return out.BytesOrPanic()
}

func worldKey(t *testing.T, k keyChoice) crypto.Signer {
	t.Helper()
	var key crypto.Signer
	var err error
	switch k {
	case keyP384:
		key, err = ecdsa.GenerateKey(elliptic.P384(), randReader{})
	case keyRSA1024:
		key, err = rsa.GenerateKey(randReader{}, 1024)
	case keyP521:
		key, err = ecdsa.GenerateKey(elliptic.P521(), randReader{})
	case keyRSA2048:
		key, err = rsa.GenerateKey(randReader{}, 2048)
	case keyEd25519:
		_, key, err = ed25519.GenerateKey(randReader{})
	default:
		key, err = ecdsa.GenerateKey(elliptic.P256(), randReader{})
	}
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// makeCRL makes crl, signed by its issuer whatever the issuer's key usage says (Go's
// x509 refuses a CA without cRLSign; OpenSSL reports that itself).
func (w *world) makeCRL(t *testing.T, crl worldCRL) []byte {
	t.Helper()
	ca := w.certs[crl.issuer].made
	claimed := *ca.Cert
	claimed.KeyUsage |= x509.KeyUsageCRLSign
	if claimed.SubjectKeyId == nil {
		claimed.SubjectKeyId = []byte{7, 7, 7, 7} // Go's x509 wants one; a version 1 CA has none
	}
	now := testpki.Now
	list := &x509.RevocationList{Number: big.NewInt(2), ThisUpdate: now.Add(-day), NextUpdate: now.Add(7 * day)}
	if crl.older {
		list.Number, list.ThisUpdate = big.NewInt(1), now.Add(-2*day)
	}
	revoke := func(c *x509.Certificate) {
		list.RevokedCertificateEntries = append(list.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: list.ThisUpdate})
	}
	switch crl.kind {
	case crlExpired:
		list.ThisUpdate, list.NextUpdate = list.ThisUpdate.Add(-7*day), now.Add(-day)
	case crlNotYet:
		list.ThisUpdate, list.NextUpdate = now.Add(day), now.Add(8*day)
	case crlRevokesNext:
		revoke(w.certs[max(crl.issuer-1, 0)].made.Cert)
	case crlRevokesSelf:
		revoke(ca.Cert)
	case crlOnlyUser:
		list.ExtraExtensions = append(list.ExtraExtensions, idpExtension(t, true, false))
	case crlOnlyCA:
		list.ExtraExtensions = append(list.ExtraExtensions, idpExtension(t, false, true))
	case crlURIPoint:
		list.ExtraExtensions = append(list.ExtraExtensions, uriIDPExtension(w.crlURI(crl.issuer)))
	case crlCritical:
		list.ExtraExtensions = append(list.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 2}, Critical: true, Value: []byte{5, 0}})
	case crlDelta:
		list.ExtraExtensions = append(list.ExtraExtensions, pkix.Extension{Id: oidDeltaCRL, Critical: true, Value: mustMarshal(1)})
	case crlInvalidIDP:
		list.ExtraExtensions = append(list.ExtraExtensions, idpExtension(t, true, true))
	case crlIndirect:
		list.ExtraExtensions = append(list.ExtraExtensions, rawIDPExtension(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 4, Bytes: []byte{0xff}}))
	case crlSomeReasons:
		list.ExtraExtensions = append(list.ExtraExtensions, rawIDPExtension(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 3, Bytes: []byte{7, 0x80}}))
	case crlCriticalEntry:
		list.RevokedCertificateEntries = append(list.RevokedCertificateEntries, x509.RevocationListEntry{
			SerialNumber: big.NewInt(7), RevocationTime: list.ThisUpdate,
			ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 3}, Critical: true, Value: []byte{5, 0}}}})
	case crlRemoveFromCRL:
		revoke(w.certs[max(crl.issuer-1, 0)].made.Cert)
		list.RevokedCertificateEntries[0].ReasonCode = reasonRemoveFromCRL
	case crlURIPointOnlyUser:
		list.ExtraExtensions = append(list.ExtraExtensions, rawIDPExtension(uriDistributionPoint(w.crlURI(crl.issuer)),
			asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, Bytes: []byte{0xff}}))
	case crlStartsNow:
		list.ThisUpdate = now
	case crlEndsNow:
		list.NextUpdate = now
	case crlSHA1:
		list.SignatureAlgorithm = signatureAlgorithm(ca.Key, 1)
	case crlRevokesNextOtherIssuer:
		revoke(w.certs[max(crl.issuer-1, 0)].made.Cert)
		list.RevokedCertificateEntries[0].ExtraExtensions = []pkix.Extension{certificateIssuerExtension([]byte{0x30, 0}, false)}
	case crlIssuerCarried:
		list.RevokedCertificateEntries = append(list.RevokedCertificateEntries, x509.RevocationListEntry{SerialNumber: big.NewInt(7), RevocationTime: list.ThisUpdate,
			ExtraExtensions: []pkix.Extension{certificateIssuerExtension([]byte{0x30, 0}, true)}})
		revoke(w.certs[max(crl.issuer-1, 0)].made.Cert)
	case crlScopedDelta:
		list.ExtraExtensions = append(list.ExtraExtensions, idpExtension(t, false, true),
			pkix.Extension{Id: oidDeltaCRL, Critical: true, Value: mustMarshal(1)})
	case crlDirNamePoint:
		list.ExtraExtensions = append(list.ExtraExtensions, pkix.Extension{Id: oidIssuingDP, Critical: true,
			Value: dirNamePoint(spellName("Point "+pointOf(w.crlURI(crl.issuer)), 0), false)})
	case crlIssuerSpelled:
		claimed.RawSubject = spellName(ca.Cert.Subject.CommonName, 1+int(crl.issuer*7+int(w.seed))%(len(spellingNames)-1))
	case crlWrongAKID:
		claimed.SubjectKeyId = []byte{9, 9, 9, 9}
	case crlRekeyed:
		key := worldKey(t, keyP256)
		claimed = x509.Certificate{RawSubject: ca.Cert.RawSubject, SubjectKeyId: []byte{1, 2, 3, 4}, KeyUsage: x509.KeyUsageCRLSign}
		der, err := x509.CreateRevocationList(randReader{}, list, &claimed, key)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	der, err := x509.CreateRevocationList(randReader{}, list, &claimed, ca.Key)
	if crl.kind == crlBrokenSignature {
		der = brokenCRL(der)
	}
	if err != nil {
		t.Fatal(err)
	}
	return der
}

var knownCriticalNames = []string{"", "OCSP no-check", "policy constraints", "subject alternative name of a directory name",
	"certificate policies", "inhibit any policy"}

// knownCritical are critical extensions OpenSSL knows, some of which Go's x509 does
// not, by index in knownCriticalNames.
var knownCritical = []pkix.Extension{{},
	{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}, Critical: true, Value: []byte{5, 0}},
	{Id: asn1.ObjectIdentifier{2, 5, 29, 36}, Critical: true, Value: []byte{0x30, 3, 0x81, 1, 0}},
	{Id: oidSubjectAltName, Critical: true, Value: []byte{0x30, 4, 0xa4, 2, 0x30, 0}},
	{Id: asn1.ObjectIdentifier{2, 5, 29, 32}, Critical: true, Value: []byte{0x30, 6, 0x30, 4, 6, 2, 0x55, 0x1d}},
	{Id: asn1.ObjectIdentifier{2, 5, 29, 54}, Critical: true, Value: []byte{2, 1, 0}},
}

// akidChoice is how a certificate's authority key identifier is written.
type akidChoice int

const (
	akidDefault akidChoice = iota // the issuer's key identifier, as Go writes it
	akidNone
	akidWrongKeyID
	akidIssuerSerial      // key identifier, issuer's issuer name and issuer's serial, all right
	akidWrongSerial       // as akidIssuerSerial, with another serial number
	akidWrongIssuer       // as akidIssuerSerial, with another issuer name
	akidSerialOnlyNoKeyID // the issuer's issuer name and serial without a key identifier
	akidChoices
)

var akidNames = []string{"default", "absent", "with another key identifier", "with issuer and serial", "with another serial",
	"with another issuer name", "with issuer and serial only"}

// akidExtension is the authority key identifier choice describes for a certificate
// issued by issuer.
func akidExtension(choice akidChoice, issuer *x509.Certificate) pkix.Extension {
	keyID := issuer.SubjectKeyId
	name, serial := issuer.RawIssuer, new(big.Int).Set(issuer.SerialNumber)
	withName := true
	switch choice {
	case akidWrongKeyID:
		keyID, withName = []byte{1, 2, 3, 4, 5, 6, 7, 8}, false
	case akidWrongSerial:
		serial.Add(serial, big.NewInt(1))
	case akidWrongIssuer:
		name = mustMarshal(pkix.Name{CommonName: "Someone Else"}.ToRDNSequence())
	case akidSerialOnlyNoKeyID:
		keyID = nil
	}
	var fields []asn1.RawValue
	if keyID != nil {
		fields = append(fields, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, Bytes: keyID})
	}
	if withName {
		fields = append(fields,
			asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, IsCompound: true, Bytes: mustMarshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: name})},
			asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 2, Bytes: mustMarshal(serial)[2:]})
	}
	return pkix.Extension{Id: oidAuthorityKeyID, Value: mustMarshal(fields)}
}

var spellingNames = []string{"as in the issuer", "in upper case", "with extra spaces", "as a PrintableString", "as a BMPString",
	"as a T61String", "as an IA5String", "with another letter"}

// spellName is the Name CN=cn spelled as spelling (an index in spellingNames) says:
// all but the last name the same CA to OpenSSL's X509_NAME_cmp.
func spellName(cn string, spelling int) []byte {
	tag, value := asn1.TagUTF8String, []byte(cn)
	switch spelling {
	case 1:
		value = []byte(strings.ToUpper(cn))
	case 2:
		value = []byte("  " + strings.ReplaceAll(cn, " ", "   ") + " ")
	case 3:
		tag = asn1.TagPrintableString
	case 4:
		tag, value = asn1.TagBMPString, nil
		for _, r := range cn {
			value = append(value, byte(r>>8), byte(r))
		}
	case 5:
		tag = asn1.TagT61String
	case 6:
		tag = asn1.TagIA5String
	case 7:
		value = []byte(cn + "x")
	}
	atv := mustMarshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: append(mustMarshal(asn1.ObjectIdentifier{2, 5, 4, 3}),
		mustMarshal(asn1.RawValue{Tag: tag, Bytes: value})...)})
	return mustMarshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: mustMarshal(asn1.RawValue{Tag: asn1.TagSet, IsCompound: true, Bytes: atv})})
}

// uriIDPExtension is a critical issuing distribution point whose full name is uri.
func uriIDPExtension(uri string) pkix.Extension {
	return rawIDPExtension(uriDistributionPoint(uri))
}

// uriDistributionPoint is an issuing distribution point's distributionPoint field
// whose full name is uri.
func uriDistributionPoint(uri string) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: mustMarshal(
		asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: mustMarshal(
			asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 6, Bytes: []byte(uri)})})}
}

// rawIDPExtension is a critical issuing distribution point of fields.
func rawIDPExtension(fields ...asn1.RawValue) pkix.Extension {
	return pkix.Extension{Id: oidIssuingDP, Critical: true, Value: mustMarshal(fields)}
}

// signatureAlgorithm is the algorithm signer signs with for hash (an index in
// hashNames); 0 leaves Go's choice.
func signatureAlgorithm(signer crypto.Signer, hash int) x509.SignatureAlgorithm {
	switch signer.Public().(type) {
	case *ecdsa.PublicKey:
		return []x509.SignatureAlgorithm{0, x509.ECDSAWithSHA1, x509.ECDSAWithSHA512, 0}[hash]
	case *rsa.PublicKey:
		return []x509.SignatureAlgorithm{0, x509.SHA1WithRSA, x509.SHA512WithRSA, x509.SHA256WithRSAPSS}[hash]
	}
	return 0
}

func mustMarshal(v any) []byte {
	der, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return der
}
