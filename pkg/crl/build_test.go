package crl

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

// rsaCA returns an RSA root; the key is made once because RSA key generation is slow.
func rsaCA(t testing.TB) *testpki.Cert {
	t.Helper()
	rsaOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return testpki.Make(t, testpki.Template{CN: "RSA CRL CA", IsCA: true, MaxPath: -1, Key: rsaKey}, nil)
}

func params(ca *testpki.Cert, number int64) Params {
	return Params{
		Issuer:     ca.Cert,
		Signer:     ca.Key,
		Number:     big.NewInt(number),
		ThisUpdate: testpki.Now,
		NextUpdate: testpki.Now.Add(DefaultDays * 24 * time.Hour),
	}
}

// allKinds lists entries of every kind: every reason, serial 0, serials with the top
// bit set, a 20-byte serial, an invalidity date and a hold instruction.
func allKinds() []Entry {
	at := testpki.Now.Add(-time.Hour)
	es := []Entry{
		{Serial: nil, RevocationTime: at},
		{Serial: []byte{0x80}, RevocationTime: at, Reason: 1},
		{Serial: []byte{0x7f}, RevocationTime: at, Reason: 4},
		{Serial: []byte{0x00, 0xff, 0x01}, RevocationTime: at, Reason: 5},
		{Serial: bytes.Repeat([]byte{0xfe}, 20), RevocationTime: at, Reason: 2},
		{Serial: bytes.Repeat([]byte{0x7e}, 20), RevocationTime: at, Reason: 3},
		{Serial: []byte{1, 0, 0, 0, 0, 0, 0, 0, 1}, RevocationTime: at, Reason: 1, InvalidityDate: at.Add(-24 * time.Hour)},
		{Serial: []byte{1, 0, 0, 0, 0, 0, 0, 0, 2}, RevocationTime: at.Add(-1 * time.Minute), Reason: 6, HoldInstruction: asn1.ObjectIdentifier{1, 2, 840, 10040, 2, 2}},
		{Serial: []byte{2}, RevocationTime: time.Date(1999, 1, 2, 3, 4, 5, 0, time.UTC), Reason: 8},
		{Serial: []byte{3}, RevocationTime: at, Reason: 9},
		{Serial: []byte{4}, RevocationTime: at, Reason: 10},
		{Serial: []byte{5}, RevocationTime: at, Reason: 6},
	}
	return es
}

func mustBuild(t testing.TB, p Params, entries []Entry) []byte {
	t.Helper()
	der, err := Build(p, slices.Values(entries))
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestBuildParsesAndVerifies(t *testing.T) {
	cas := map[string]*testpki.Cert{"ecdsa": testpki.Root(t, "ECDSA CRL CA"), "rsa": rsaCA(t)}
	for name, ca := range cas {
		for _, n := range []int{0, 1, len(allKinds())} {
			t.Run(name, func(t *testing.T) {
				entries := allKinds()[:n]
				shuffled := slices.Clone(entries)
				mrand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				der := mustBuild(t, params(ca, 7), shuffled)
				crl, err := x509.ParseRevocationList(der)
				if err != nil {
					t.Fatal(err)
				}
				if err := crl.CheckSignatureFrom(ca.Cert); err != nil {
					t.Fatal(err)
				}
				if crl.Number.Int64() != 7 || !crl.ThisUpdate.Equal(testpki.Now) || !crl.NextUpdate.Equal(testpki.Now.Add(DefaultDays*24*time.Hour)) ||
					!bytes.Equal(crl.AuthorityKeyId, ca.Cert.SubjectKeyId) || !bytes.Equal(crl.RawIssuer, ca.Cert.RawSubject) {
					t.Errorf("header: number %v this %v next %v akid %x", crl.Number, crl.ThisUpdate, crl.NextUpdate, crl.AuthorityKeyId)
				}
				if len(crl.RevokedCertificateEntries) != n {
					t.Fatalf("%d entries, want %d", len(crl.RevokedCertificateEntries), n)
				}
				want := map[string]Entry{}
				for _, e := range entries {
					want[new(big.Int).SetBytes(e.Serial).String()] = e
				}
				var prev *big.Int
				for _, got := range crl.RevokedCertificateEntries {
					if prev != nil && prev.Cmp(got.SerialNumber) >= 0 {
						t.Errorf("entries not sorted: %v then %v", prev, got.SerialNumber)
					}
					prev = got.SerialNumber
					e, ok := want[got.SerialNumber.String()]
					if !ok {
						t.Errorf("unexpected serial %v", got.SerialNumber)
						continue
					}
					if got.ReasonCode != e.Reason || !got.RevocationTime.Equal(e.RevocationTime) {
						t.Errorf("serial %v: reason %d at %v, want %d at %v", got.SerialNumber, got.ReasonCode, got.RevocationTime, e.Reason, e.RevocationTime)
					}
					wantExts := 0
					if e.Reason != 0 {
						wantExts++
					}
					if !e.InvalidityDate.IsZero() {
						wantExts++
					}
					if e.HoldInstruction != nil {
						wantExts++
					}
					if len(got.Extensions) != wantExts {
						t.Errorf("serial %v: %d extensions, want %d", got.SerialNumber, len(got.Extensions), wantExts)
					}
				}
				verifyWithOpenSSL(t, ca, der)
			})
		}
	}
}

// verifyWithOpenSSL checks that openssl crl verifies the signature of der against ca.
func verifyWithOpenSSL(t *testing.T, ca *testpki.Cert, der []byte) {
	t.Helper()
	testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	crlFile := filepath.Join(dir, "crl.der")
	if err := os.WriteFile(caFile, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(crlFile, der, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("openssl", "crl", "-inform", "DER", "-in", crlFile, "-CAfile", caFile, "-noout").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "verify OK") {
		t.Fatalf("openssl crl: %v\n%s", err, out)
	}
}

// With entries in serial order and no extension Go does not write, the TBSCertList must
// be byte for byte what crypto/x509 makes.
func TestBuildMatchesCryptoX509(t *testing.T) {
	ca := testpki.Root(t, "Compare CA")
	var entries []Entry
	var goEntries []x509.RevocationListEntry
	for i, e := range allKinds() {
		if e.HoldInstruction != nil || !e.InvalidityDate.IsZero() {
			continue
		}
		e.Serial = big.NewInt(int64(1000 + i)).Bytes()
		entries = append(entries, e)
		goEntries = append(goEntries, x509.RevocationListEntry{SerialNumber: new(big.Int).SetBytes(e.Serial), RevocationTime: e.RevocationTime, ReasonCode: e.Reason})
	}
	for _, n := range []int{0, len(entries)} {
		p := params(ca, 1<<40)
		ours, err := x509.ParseRevocationList(mustBuild(t, p, entries[:n]))
		if err != nil {
			t.Fatal(err)
		}
		goDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
			Number: p.Number, ThisUpdate: p.ThisUpdate, NextUpdate: p.NextUpdate, RevokedCertificateEntries: goEntries[:n],
		}, ca.Cert, ca.Key)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := x509.ParseRevocationList(goDER)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours.RawTBSRevocationList, theirs.RawTBSRevocationList) {
			t.Errorf("%d entries: TBS differs\nours   %x\ntheirs %x", n, ours.RawTBSRevocationList, theirs.RawTBSRevocationList)
		}
	}
}

func TestSignatureAlgorithms(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	rsaRoot := rsaCA(t)
	tests := []struct {
		name string
		key  crypto.Signer
		alg  x509.SignatureAlgorithm
		want x509.SignatureAlgorithm
	}{
		{"p256", nil, 0, x509.ECDSAWithSHA256},
		{"p256 sha384", nil, x509.ECDSAWithSHA384, x509.ECDSAWithSHA384},
		{"p384", p384, 0, x509.ECDSAWithSHA384},
		{"p521", p521, 0, x509.ECDSAWithSHA512},
		{"rsa", rsaKey, 0, x509.SHA256WithRSA},
		{"rsa sha512", rsaKey, x509.SHA512WithRSA, x509.SHA512WithRSA},
		{"rsa pss256", rsaKey, x509.SHA256WithRSAPSS, x509.SHA256WithRSAPSS},
		{"rsa pss384", rsaKey, x509.SHA384WithRSAPSS, x509.SHA384WithRSAPSS},
		{"rsa pss512", rsaKey, x509.SHA512WithRSAPSS, x509.SHA512WithRSAPSS},
		{"ed25519", edKey, 0, x509.PureEd25519},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ca *testpki.Cert
			if tt.key == rsaKey {
				ca = rsaRoot
			} else {
				ca = testpki.Make(t, testpki.Template{CN: tt.name, IsCA: true, MaxPath: -1, Key: tt.key}, nil)
			}
			p := params(ca, 1)
			p.SignatureAlgorithm = tt.alg
			der := mustBuild(t, p, allKinds())
			crl, err := x509.ParseRevocationList(der)
			if err != nil {
				t.Fatal(err)
			}
			if crl.SignatureAlgorithm != tt.want {
				t.Errorf("algorithm %v, want %v", crl.SignatureAlgorithm, tt.want)
			}
			if err := crl.CheckSignatureFrom(ca.Cert); err != nil {
				t.Fatal(err)
			}
			verifyWithOpenSSL(t, ca, der)
		})
	}
	ca := testpki.Root(t, "mismatch")
	p := params(ca, 1)
	p.SignatureAlgorithm = x509.SHA256WithRSA
	if _, err := Build(p, slices.Values([]Entry(nil))); !errors.Is(err, ErrUnsupportedKey) {
		t.Errorf("RSA algorithm with an ECDSA key: %v", err)
	}
}

func TestSignErrors(t *testing.T) {
	ca := testpki.Root(t, "Errors CA")
	other := testpki.Root(t, "Other CA")
	noCRLSign := testpki.Make(t, testpki.Template{CN: "no crl sign", IsCA: true, MaxPath: -1, NoCertSig: true}, nil)
	noCRLSign.Cert.KeyUsage = x509.KeyUsageCertSign
	noSKID := testpki.Root(t, "no skid")
	noSKID.Cert.SubjectKeyId = nil
	at := testpki.Now.Add(-time.Hour)
	tests := []struct {
		name    string
		modify  func(*Params)
		entries []Entry
		want    error
		msg     string
	}{
		{"key mismatch", func(p *Params) { p.Signer = other.Key }, nil, ErrKeyMismatch, ""},
		{"no cRLSign", func(p *Params) { p.Issuer, p.Signer = noCRLSign.Cert, noCRLSign.Key }, nil, ErrNotCRLSigner, ""},
		{"no skid", func(p *Params) { p.Issuer, p.Signer = noSKID.Cert, noSKID.Key }, nil, ErrNoSubjectKeyID, ""},
		{"no issuer", func(p *Params) { p.Issuer = nil }, nil, nil, "needs an Issuer"},
		{"no number", func(p *Params) { p.Number = nil }, nil, nil, "CRL number"},
		{"negative number", func(p *Params) { p.Number = big.NewInt(-1) }, nil, nil, "CRL number"},
		{"21-octet number", func(p *Params) { p.Number = new(big.Int).Lsh(big.NewInt(1), 159) }, nil, nil, "CRL number"},
		{"next before this", func(p *Params) { p.NextUpdate = p.ThisUpdate }, nil, nil, "not after thisUpdate"},
		{"no this update", func(p *Params) { p.ThisUpdate = time.Time{} }, nil, nil, "not after thisUpdate"},
		{"revoked after this update", nil, []Entry{{Serial: []byte{1}, RevocationTime: testpki.Now.Add(time.Second)}}, nil, "after thisUpdate"},
		{"duplicate", nil, []Entry{{Serial: []byte{1}, RevocationTime: at}, {Serial: []byte{2}, RevocationTime: at}, {Serial: []byte{0, 1}, RevocationTime: at}}, &DuplicateSerialError{}, "01 is listed twice"},
		{"long duplicate", nil, []Entry{{Serial: bytes.Repeat([]byte{9}, 20), RevocationTime: at}, {Serial: []byte{2}, RevocationTime: at}, {Serial: bytes.Repeat([]byte{9}, 20), RevocationTime: at}}, &DuplicateSerialError{}, "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := params(ca, 1)
			if tt.modify != nil {
				tt.modify(&p)
			}
			_, err := Build(p, slices.Values(tt.entries))
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil {
				var dup *DuplicateSerialError
				if _, isDup := tt.want.(*DuplicateSerialError); isDup {
					if !errors.As(err, &dup) {
						t.Fatalf("error %v, want *DuplicateSerialError", err)
					}
				} else if !errors.Is(err, tt.want) {
					t.Fatalf("error %v, want %v", err, tt.want)
				}
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "crl: ") {
				t.Errorf("message %q, want it to contain %q", err, tt.msg)
			}
		})
	}
}

func TestAddErrors(t *testing.T) {
	at := testpki.Now
	for name, e := range map[string]Entry{
		"no time":         {Serial: []byte{1}},
		"reason 7":        {Serial: []byte{1}, RevocationTime: at, Reason: 7},
		"reason 11":       {Serial: []byte{1}, RevocationTime: at, Reason: 11},
		"negative reason": {Serial: []byte{1}, RevocationTime: at, Reason: -1},
		"hold without 6":  {Serial: []byte{1}, RevocationTime: at, Reason: 1, HoldInstruction: asn1.ObjectIdentifier{1, 2, 3}},
		"long serial":     {Serial: bytes.Repeat([]byte{1}, MaxSerialLen+1), RevocationTime: at},
		"year 10000":      {Serial: []byte{1}, RevocationTime: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		b := NewBuilder()
		if err := b.Add(e); err == nil || !strings.HasPrefix(err.Error(), "crl: entry 1") {
			t.Errorf("%s: %v", name, err)
		}
		if b.Len() != 0 {
			t.Errorf("%s: entry added anyway", name)
		}
	}
}

// WriteTo, WritePEM, DER and PEM must agree, including for CRLs spanning several
// chunks and entries added out of order.
func TestSignedOutputs(t *testing.T) {
	ca := testpki.Root(t, "Outputs CA")
	for _, shuffle := range []bool{false, true} {
		b := NewBuilder()
		n := 3*chunkSize/40 + 17
		serials := make([]int, n)
		for i := range serials {
			serials[i] = i + 1
		}
		if shuffle {
			mrand.Shuffle(n, func(i, j int) { serials[i], serials[j] = serials[j], serials[i] })
		}
		for _, s := range serials {
			if err := b.Add(Entry{Serial: big.NewInt(int64(s) << 40).Bytes(), RevocationTime: testpki.Now, Reason: s % 6}); err != nil {
				t.Fatal(err)
			}
		}
		if len(b.chunks) < 3 {
			t.Fatalf("only %d chunks", len(b.chunks))
		}
		s, err := b.Sign(params(ca, 2))
		if err != nil {
			t.Fatal(err)
		}
		der := s.DER()
		if len(der) != s.Len() {
			t.Fatalf("DER is %d bytes, Len says %d", len(der), s.Len())
		}
		var w bytes.Buffer
		if n, err := s.WriteTo(&w); err != nil || n != int64(len(der)) || !bytes.Equal(w.Bytes(), der) {
			t.Fatalf("WriteTo: %d, %v, equal %v", n, err, bytes.Equal(w.Bytes(), der))
		}
		w.Reset()
		wantPEM := pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
		if n, err := s.WritePEM(&w); err != nil || n != int64(len(wantPEM)) || !bytes.Equal(w.Bytes(), wantPEM) {
			t.Fatalf("WritePEM: %d, %v, equal %v", n, err, bytes.Equal(w.Bytes(), wantPEM))
		}
		if !bytes.Equal(s.PEM(), wantPEM) {
			t.Fatal("PEM differs")
		}
		crl, err := x509.ParseRevocationList(der)
		if err != nil {
			t.Fatal(err)
		}
		if err := crl.CheckSignatureFrom(ca.Cert); err != nil {
			t.Fatal(err)
		}
		if len(crl.RevokedCertificateEntries) != n || s.Entries != n {
			t.Fatalf("%d entries", len(crl.RevokedCertificateEntries))
		}
		for i, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(big.NewInt(int64(i+1)<<40)) != 0 {
				t.Fatalf("entry %d: serial %v", i, e.SerialNumber)
			}
		}
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after < len(p) {
		return 0, errors.New("disk full")
	}
	f.after -= len(p)
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	ca := testpki.Root(t, "Write CA")
	b := NewBuilder()
	for i := range 50000 {
		b.Add(Entry{Serial: big.NewInt(int64(i + 1)).Bytes(), RevocationTime: testpki.Now})
	}
	s, err := b.Sign(params(ca, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteTo(&failWriter{after: 1000}); err == nil {
		t.Error("WriteTo hid a write error")
	}
	if _, err := s.WritePEM(&failWriter{after: 1000}); err == nil {
		t.Error("WritePEM hid a write error")
	}
}

// Serials whose first bytes are equal tie on the sort key and must be ordered by
// their remaining bytes.
func TestSortTiedSerials(t *testing.T) {
	ca := testpki.Root(t, "Sort CA")
	var want []*big.Int
	for i := range 300 {
		s := append(bytes.Repeat([]byte{0x11}, 7), byte(i>>8), byte(i), 0x42)
		want = append(want, new(big.Int).SetBytes(s))
	}
	for i := range 50 {
		want = append(want, big.NewInt(int64(i*7919+1)))
	}
	slices.SortFunc(want, func(a, b *big.Int) int { return a.Cmp(b) })
	entries := make([]Entry, len(want))
	for i, n := range want {
		entries[i] = Entry{Serial: n.Bytes(), RevocationTime: testpki.Now}
	}
	mrand.Shuffle(len(entries), func(i, j int) { entries[i], entries[j] = entries[j], entries[i] })
	crl := parsed(t, mustBuild(t, params(ca, 1), entries))
	for i, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(want[i]) != 0 {
			t.Fatalf("entry %d: %x, want %x", i, e.SerialNumber, want[i])
		}
	}
}
