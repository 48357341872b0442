package ca

import (
	"bytes"
	"crypto/rand"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// fixedDraw is the first 20 bytes a colliding random source returns: the serial
// selfsign.RandomSerial makes of them (its top bit is clear already).
var fixedDraw = bytes.Repeat([]byte{0x5a}, 20)

// colliding returns a random source whose first serial draw is always fixedDraw,
// and which is random after it.
func colliding() io.Reader {
	return io.MultiReader(bytes.NewReader(fixedDraw), rand.Reader)
}

func clientRequest(t *testing.T, role string, rnd io.Reader) Request {
	t.Helper()
	return Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN(role), PublicKey: testpki.NewKey(t).Public(),
		Now: testNow, Rand: rnd}
}

// TestSerialCollisionRetried issues a certificate whose first serial draw is one the
// CA has already used: the CA must draw again rather than issue a second
// certificate under the same serial (which would make revoking one revoke both).
func TestSerialCollisionRetried(t *testing.T) {
	c := newCA(t, CreateOptions{})
	taken := new(big.Int).SetBytes(fixedDraw)
	first, err := c.Issue(clientRequest(t, "first", colliding()))
	if err != nil {
		t.Fatal(err)
	}
	if first.Cert.SerialNumber.Cmp(taken) != 0 {
		t.Fatalf("the first certificate has serial %x, want the fixed draw %x", first.Cert.SerialNumber, taken)
	}
	second, err := c.Issue(clientRequest(t, "second", colliding()))
	if err != nil {
		t.Fatalf("a colliding draw must be drawn again: %v", err)
	}
	if second.Cert.SerialNumber.Cmp(taken) == 0 {
		t.Fatalf("the second certificate reuses serial %x", taken)
	}
	checkDistinctSerials(t, c, 2)
}

// TestSerialCollisionInBatch: two requests of one IssueAll drawing the same serial
// get two serials, though neither is in the index yet.
func TestSerialCollisionInBatch(t *testing.T) {
	c := newCA(t, CreateOptions{})
	out, err := c.IssueAll([]Request{clientRequest(t, "a", colliding()), clientRequest(t, "b", colliding())})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Cert.SerialNumber.Cmp(out[1].Cert.SerialNumber) == 0 {
		t.Fatalf("both certificates of the batch have serial %x", out[0].Cert.SerialNumber)
	}
	checkDistinctSerials(t, c, 2)
}

// TestSerialCollisionWithCopy: a copy in newcerts/ that the index does not list
// (kept, since it is older than the index) still holds its serial.
func TestSerialCollisionWithCopy(t *testing.T) {
	c := newCA(t, CreateOptions{})
	taken := new(big.Int).SetBytes(fixedDraw)
	copyPath := c.CertFilePath(taken)
	if err := os.WriteFile(copyPath, []byte("a certificate issued by another tool\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(copyPath, old, old)
	is, err := c.Issue(clientRequest(t, "c", colliding()))
	if err != nil {
		t.Fatal(err)
	}
	if is.Cert.SerialNumber.Cmp(taken) == 0 {
		t.Fatalf("issued serial %x over an existing copy %s", taken, copyPath)
	}
	if data, _ := os.ReadFile(copyPath); string(data) != "a certificate issued by another tool\n" {
		t.Errorf("%s was changed: %q", copyPath, data)
	}
}

// TestSerialSourceRepeating: a source that repeats one serial forever is an error,
// not an endless loop nor a reused serial.
func TestSerialSourceRepeating(t *testing.T) {
	c := newCA(t, CreateOptions{})
	if _, err := c.Issue(clientRequest(t, "first", colliding())); err != nil {
		t.Fatal(err)
	}
	_, err := c.Issue(clientRequest(t, "again", repeating{}))
	if err == nil {
		t.Fatal("issued with a source that repeats a used serial")
	}
	checkDistinctSerials(t, c, 1)
}

// repeating returns fixedDraw again and again.
type repeating struct{}

func (repeating) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = fixedDraw[i%len(fixedDraw)]
	}
	return len(p), nil
}

// checkDistinctSerials checks that the index lists n certificates with n serials,
// each with its copy in newcerts/.
func checkDistinctSerials(t *testing.T, c *CA, n int) {
	t.Helper()
	entries := readIndexFile(t, c.Dir)
	seen := map[string]bool{}
	for _, e := range entries {
		s := SerialHex(e.Serial)
		if seen[s] {
			t.Errorf("serial %s listed twice in the index", s)
		}
		seen[s] = true
		if _, err := os.Stat(filepath.Join(c.Dir, "newcerts", s+".pem")); err != nil {
			t.Errorf("no copy of %s: %v", s, err)
		}
	}
	if len(entries) != n {
		t.Errorf("the index lists %d certificates, want %d", len(entries), n)
	}
}
