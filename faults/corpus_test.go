package faults

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
)

// A kind is what a command expects in a file it reads.
type kind string

const (
	kindKey   kind = "key"   // a private key
	kindCert  kind = "cert"  // a certificate or bundle
	kindCSR   kind = "csr"   // a certificate request
	kindCRL   kind = "crl"   // one or more CRLs
	kindIndex kind = "index" // an openssl ca index.txt
	kindConf  kind = "conf"  // postgresql.conf
	kindHBA   kind = "hba"   // pg_hba.conf
)

// pemTypes is the PEM block type of each kind, for inputs that dress garbage up as
// the right kind.
var pemTypes = map[kind]string{
	kindKey: "PRIVATE KEY", kindCert: "CERTIFICATE", kindCSR: "CERTIFICATE REQUEST", kindCRL: "X509 CRL",
	kindIndex: "CERTIFICATE", kindConf: "CERTIFICATE", kindHBA: "CERTIFICATE",
}

// sizeLimits is the size each kind's parser refuses beyond (pkg/keys.MaxInputSize,
// pkg/chain.MaxBundleSize, pkg/selfsign.MaxRequestSize, pkg/ca.MaxIndexLine for one
// line, internal/cmdutil's maxInputSize for every file read whole). A CRL's limit is
// the general one: "huge" covers it.
var sizeLimits = map[kind]int{
	kindKey: 1 << 20, kindCert: 16 << 20, kindCSR: 1 << 20, kindIndex: 1 << 20,
}

// hugeSize is beyond every limit: 256 MiB is the most pgcert reads of any file.
const hugeSize = 300 << 20

// badInput is one damaged or hostile file.
type badInput struct {
	name string
	data []byte
	// size, when set, makes the file this long and sparse (all zero bytes) instead.
	size int64
	// wellFormed marks a file that is valid in its format, only absurd or untrusted
	// (a 100 KB subject, a CRL of another CA): a command that only describes or
	// checks what it is given may accept it.
	wellFormed bool
	// valid marks a file that is merely unusual and right (an empty index is a new
	// CA's): any command may accept it and do its work.
	valid bool
}

// goodSamples returns a valid file of each kind, from the world.
func goodSamples(t testing.TB, w string) map[kind][]byte {
	t.Helper()
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(w, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	return map[kind][]byte{
		kindKey: read("plain.key"), kindCert: read("srv/server.crt"), kindCSR: read("server.req"),
		kindCRL: read("ca/crl.pem"), kindIndex: read("ca/index.txt"), kindConf: read("pgdata/postgresql.conf"),
		kindHBA: read("pgdata/pg_hba.conf"),
	}
}

// corpus returns the bad inputs for a file of kind k: the same damage for every
// kind, and the hostile files particular to it.
func corpus(t testing.TB, w string, k kind) []badInput {
	t.Helper()
	good := goodSamples(t, w)
	g := good[k]
	typ := pemTypes[k]
	rng := mrand.New(mrand.NewPCG(1, uint64(len(k))))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	junkDER := make([]byte, 300)
	copy(junkDER, random)
	other := kindCert
	if k == kindCert || k == kindIndex || k == kindConf || k == kindHBA {
		other = kindKey
	}
	in := []badInput{
		// An empty index is a new CA's; an empty postgresql.conf or pg_hba.conf
		// is valid too (the defaults; no connections).
		{name: "empty", valid: k == kindIndex || k == kindConf || k == kindHBA},
		// An index cut in a line is what an interrupted append leaves: repaired.
		{name: "truncated", data: g[:len(g)/2], valid: k == kindIndex},
		{name: "header-only", data: []byte("-----BEGIN " + typ + "-----\n")},
		{name: "wrong-pem-type", data: good[other]},
		{name: "unknown-pem-type", data: []byte("-----BEGIN WHATEVER-----\nAAAA\n-----END WHATEVER-----\n")},
		{name: "base64-garbage", data: []byte("-----BEGIN " + typ + "-----\n%%not*base64@@\n-----END " + typ + "-----\n")},
		{name: "junk-der", data: pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: junkDER})},
		{name: "random-bytes", data: random},
		{name: "huge", size: hugeSize},
	}
	if limit, ok := sizeLimits[k]; ok {
		// A valid file with text after it, one byte over the limit.
		over := append(append([]byte(nil), g...), bytes.Repeat([]byte("#"), limit+1-len(g))...)
		if k == kindIndex {
			over = append(append([]byte(nil), g...), append(bytes.Repeat([]byte("x"), limit+1), '\n')...)
		}
		in = append(in, badInput{name: "over-the-limit", data: over})
	}
	switch k {
	case kindCert:
		in = append(in, absurdCerts(t)...)
	case kindCSR:
		in = append(in, badCSRs(t, w)...)
	case kindCRL:
		in = append(in, foreignCRLs(t)...)
	case kindIndex:
		line := strings.TrimSuffix(strings.SplitN(string(g), "\n", 2)[0], "\n")
		f := strings.Split(line, "\t")
		in = append(in,
			badInput{name: "index-bad-status", data: []byte("X" + line[1:] + "\n")},
			badInput{name: "index-few-fields", data: []byte(strings.Join(f[:3], "\t") + "\n")},
			badInput{name: "index-bad-date", data: []byte(f[0] + "\t991399999999Z\t" + strings.Join(f[2:], "\t") + "\n")},
			badInput{name: "index-bad-serial", data: []byte(strings.Join(f[:3], "\t") + "\tnot-hex\t" + strings.Join(f[4:], "\t") + "\n")},
			badInput{name: "index-empty-line", data: []byte(line + "\n\n" + line + "\n")},
			// A NUL byte in a subject: openssl reads the line up to it, pgcert the
			// whole line; either way a line that parses.
			badInput{name: "index-nul", data: []byte(line + "\x00\n"), valid: true},
		)
	case kindConf:
		in = append(in,
			badInput{name: "conf-unterminated-quote", data: []byte("ssl = on\nssl_cert_file = 'server.crt\nssl_key_file = 'server.key'\n")},
			badInput{name: "conf-include-itself", data: []byte("include 'postgresql.conf'\nssl = on\n")},
			badInput{name: "conf-include-missing", data: []byte("include 'nowhere.conf'\nssl = on\n")},
			badInput{name: "conf-bad-escape", data: []byte("ssl = on\nssl_ca_file = 'a\\\n")},
			badInput{name: "conf-nul", data: []byte("ssl = on\x00\nssl_cert_file = '\x00'\n")},
		)
	case kindHBA:
		in = append(in,
			badInput{name: "hba-unterminated-quote", data: []byte("hostssl all \"alice all cert\n")},
			badInput{name: "hba-long-token", data: []byte("hostssl all " + strings.Repeat("a", 100000) + " all cert\n")},
			badInput{name: "hba-include-itself", data: []byte("include pg_hba.conf\n")},
		)
	}
	return in
}

// absurdCerts makes certificates with absurd field sizes, and one whose signature
// does not verify.
func absurdCerts(t testing.TB) []badInput {
	t.Helper()
	root := testpki.Root(t, "Absurd Root")
	bigSubject := testpki.Make(t, testpki.Template{
		Subject: &pkix.Name{CommonName: strings.Repeat("s", 100<<10)},
		EKU:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, root)
	var sans []testpki.SAN
	for i := range 10000 {
		sans = append(sans, testpki.DNS(fmt.Sprintf("host%d.example.com", i)))
	}
	manySANs := testpki.Make(t, testpki.Template{CN: "many", SANs: sans, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, root)
	broken := root.Server(t, "db.example.com").BrokenSignature(t)
	return []badInput{
		{name: "cert-subject-100k", data: testpki.Bundle(bigSubject, root), wellFormed: true},
		{name: "cert-10000-sans", data: testpki.Bundle(manySANs, root), wellFormed: true},
		{name: "cert-bad-signature", data: testpki.Bundle(broken, root), wellFormed: true},
	}
}

// badCSRs makes certificate requests with a bad signature and with absurd fields, for
// the world's req.key, so that a command given the request and that key goes as far
// as it can with them.
func badCSRs(t testing.TB, w string) []badInput {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(w, "req.key"))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(data)
	if blk == nil {
		t.Fatal("req.key: no PEM block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	key := parsed.(*ecdsa.PrivateKey)
	sign := func(tpl *x509.CertificateRequest) []byte {
		der, err := x509.CreateCertificateRequest(rand.Reader, tpl, key)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	good := sign(&x509.CertificateRequest{Subject: pkix.Name{CommonName: "db.example.com"}, DNSNames: []string{"db.example.com"}})
	badSig := append([]byte(nil), good...)
	badSig[len(badSig)-3] ^= 1
	var dns []string
	for i := range 10000 {
		dns = append(dns, fmt.Sprintf("host%d.example.com", i))
	}
	enc := func(der []byte) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
	}
	return []badInput{
		{name: "csr-bad-signature", data: enc(badSig), wellFormed: true},
		{name: "csr-subject-100k", data: enc(sign(&x509.CertificateRequest{Subject: pkix.Name{CommonName: strings.Repeat("s", 100<<10)}, DNSNames: []string{"db.example.com"}})), wellFormed: true},
		{name: "csr-10000-sans", data: enc(sign(&x509.CertificateRequest{Subject: pkix.Name{CommonName: "many"}, DNSNames: dns, IPAddresses: []net.IP{net.IPv4(10, 0, 0, 1)}})), wellFormed: true},
		// A 50 KB critical extension the request asks for: a CA copies none but
		// the names, so signing it is right.
		{name: "csr-odd-extension", data: enc(sign(&x509.CertificateRequest{Subject: pkix.Name{CommonName: "db.example.com"}, DNSNames: []string{"db.example.com"},
			ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 2, 3, 4}, Critical: true, Value: bytes.Repeat([]byte{0}, 50000)}}})), valid: true},
	}
}

// foreignCRLs makes a CRL signed by a CA other than the world's intermediate but with
// its name, and one with a broken signature.
func foreignCRLs(t testing.TB) []badInput {
	t.Helper()
	other := testpki.Root(t, "Faults Root Intermediate")
	now := time.Now()
	foreign := other.CRLPEM(t, 7, now.Add(-time.Hour), now.Add(24*time.Hour))
	der := other.CRL(t, 8, now.Add(-time.Hour), now.Add(24*time.Hour))
	der[len(der)-3] ^= 1
	broken := pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
	return []badInput{
		{name: "crl-other-ca", data: foreign, wellFormed: true},
		{name: "crl-bad-signature", data: broken, wellFormed: true},
	}
}
