package ca

import (
	"bytes"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCreateIntermediateUnderRoot(t *testing.T) {
	first := newCA(t, CreateOptions{Intermediate: true, CommonName: "Root", IntermediateCommonName: "Server CA", IntermediateDays: 30})
	if got := first.Cert.NotAfter.Sub(first.Cert.NotBefore).Hours() / 24; got < 29 || got > 31 {
		t.Errorf("IntermediateDays 30: the intermediate lasts %.1f days", got)
	}
	root := IntermediateRoot(first)
	dir := filepath.Join(t.TempDir(), "clients")
	n, err := CreateIntermediate(root, dir, IntermediateOptions{CommonName: "Client CA", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Cert.CheckSignatureFrom(root.Cert); err != nil || n.Cert.MaxPathLen != 0 || !n.Cert.MaxPathLenZero {
		t.Fatalf("new intermediate: %v, pathlen %d", err, n.Cert.MaxPathLen)
	}
	o, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if o.Parent == nil || o.Parent.Dir != root.Dir || !bytes.Equal(o.Root().Raw, root.Cert.Raw) {
		t.Fatalf("Open(%s): parent %+v, want the root in %s", dir, o.Parent, root.Dir)
	}
	// The root's one database lists both intermediates.
	var cns []string
	for _, e := range readIndexFile(t, root.Dir) {
		cns = append(cns, string(e.Subject))
	}
	if len(cns) != 2 {
		t.Errorf("the root's index: %q, want both intermediates", cns)
	}
	if err := o.Unlock(nil); err != nil {
		t.Fatal(err)
	}
	is := issueClient(t, o, "alice")
	if _, err := is.Cert.Verify(x509.VerifyOptions{Roots: pool(root.Cert), Intermediates: pool(n.Cert), CurrentTime: testNow,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("a client certificate of the new CA: %v", err)
	}
	// A plain Create never writes a new root through the link.
	if err := os.Remove(filepath.Join(dir, CertFile)); err != nil {
		t.Fatal(err)
	}
	var ie *IncompleteError
	if _, err := Create(dir, CreateOptions{Now: testNow, Intermediate: true}); !errors.As(err, &ie) {
		t.Errorf("Create over a linked root: %v, want *IncompleteError", err)
	}
	if _, err := Open(first.Dir); err != nil {
		t.Errorf("the first CA after the refusals: %v", err)
	}
}

func TestCreateIntermediateRefusals(t *testing.T) {
	leafOnly := newCA(t, CreateOptions{CommonName: "Root"})
	if _, err := CreateIntermediate(leafOnly, t.TempDir(), IntermediateOptions{CommonName: "X", Now: testNow}); !errors.Is(err, ErrRootPathLen) {
		t.Errorf("under a pathlen 0 root: %v", err)
	}
	c := newCA(t, CreateOptions{Intermediate: true, CommonName: "Root"})
	if _, err := CreateIntermediate(c, t.TempDir(), IntermediateOptions{CommonName: "X", Now: testNow}); err == nil {
		t.Error("an intermediate as the root was accepted")
	}
	if _, err := CreateIntermediate(c.Parent, t.TempDir(), IntermediateOptions{CommonName: "Root", Now: testNow}); err == nil {
		t.Error("the root's own name was accepted")
	}
	busy := t.TempDir()
	os.WriteFile(filepath.Join(busy, "notes.txt"), nil, 0o600)
	var ne *NotEmptyError
	if _, err := CreateIntermediate(c.Parent, busy, IntermediateOptions{CommonName: "X", Now: testNow}); !errors.As(err, &ne) {
		t.Errorf("a directory with other files: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(busy, RootDir)); err == nil {
		t.Error("a refused CreateIntermediate left a root link")
	}
}

func pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}
