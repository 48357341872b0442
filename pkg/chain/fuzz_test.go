package chain

import (
	"bytes"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// FuzzParseCertificates feeds the bundle reader arbitrary files, and whatever it reads
// on to the path builder, the trust bundle builder and the host matcher, which all
// read fields of outside certificates.
func FuzzParseCertificates(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.pem"))
	if err != nil {
		f.Fatal(err)
	}
	files = append(files, filepath.Join("testdata", "root.der"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	root := testpki.Root(f, "Fuzz Root")
	leaf := root.Server(f, "db.example.com", "127.0.0.1")
	f.Add(leaf.Cert.Raw)
	f.Add(append(append([]byte("text before\n"), testpki.Bundle(leaf, root)...), "text after\n"...))
	f.Add(append(root.KeyPEM(f), leaf.PEM()...))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(append([]byte{}, root.Cert.Raw...), 0x30, 0x00)}))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"))
	f.Add([]byte{0x30, 0x82, 0x01})

	f.Fuzz(func(t *testing.T, data []byte) {
		certs, err := ParseCertificates(data)
		if err != nil {
			if certs != nil {
				t.Fatal("certificates returned with an error")
			}
			return
		}
		if len(certs) == 0 {
			t.Fatal("no certificates and no error")
		}
		var again []byte
		for _, c := range certs {
			again = append(again, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
		}
		back, err := ParseCertificates(again)
		if err != nil || len(back) != len(certs) {
			t.Fatalf("re-encoded certificates do not read back: %v", err)
		}
		for i := range back {
			if !bytes.Equal(back[i].Raw, certs[i].Raw) {
				t.Fatalf("certificate %d changed on re-encoding", i)
			}
		}
		inputs := Inputs("fuzz.pem", certs)
		if p, err := Build(inputs, BuildOptions{Now: testpki.Now}); err == nil && len(p.Certs) == 0 {
			t.Fatal("Build returned an empty path")
		}
		if r, err := BuildRoots(inputs, RootsOptions{Now: testpki.Now, AllowLeaf: true}); err == nil {
			if got, err := ParseCertificates(r.PEM()); err != nil || len(got) != len(r.Certs) {
				t.Fatalf("a trust bundle does not read back: %v", err)
			}
		}
		for _, c := range certs {
			_ = MatchHost(c, "db.example.com")
			_ = MatchHost(c, "127.0.0.1")
			_, _ = Verify(Input{Cert: c}, VerifyOptions{Now: testpki.Now, Roots: inputs, Purpose: PurposeServer})
		}
	})
}

// FuzzHostAddresses checks libpq's address parsers on arbitrary host strings: an
// address they accept prints back to itself.
func FuzzHostAddresses(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "127.1", "0x7f.1", "010.1", "1.2.3.4 x", "::1", "::ffff:1.2.3.4",
		"1:2:3:4:5:6:7:8", "1::", "fe80::1%eth0", "", "*.example.com", "db.example.com"} {
		f.Add(s)
	}
	ca := testpki.Root(f, "Fuzz CA")
	cert := testpki.HostCase{CNs: []string{"*.example.com"}, SANs: []testpki.SAN{testpki.DNS("db.example.com"), testpki.IP("127.0.0.1"), testpki.IP("::1")}}.Make(f, ca).Cert
	f.Fuzz(func(t *testing.T, host string) {
		if a, ok := inetAton(host); ok {
			if b, ok := inetAton(ntop4(a[:])); !ok || a != b {
				t.Fatalf("inetAton(%q) = %v, which prints as %q", host, a, ntop4(a[:]))
			}
		}
		if a, ok := inetPton6(host); ok {
			if b, ok := inetPton6(ntop6(a[:])); !ok || a != b {
				t.Fatalf("inetPton6(%q) = %x, which prints as %q", host, a, ntop6(a[:]))
			}
		}
		_ = MatchHost(cert, host)
	})
}
