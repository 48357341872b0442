package stepca_test

import (
	"context"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/stepca"
)

func TestConnect(t *testing.T) {
	f := newFakeCA(t)
	ctx := context.Background()
	rootPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.root.Raw})
	files := map[string][]byte{"root.crt": rootPEM, "empty.crt": []byte("nothing\n")}
	read := func(p string) ([]byte, error) {
		if d, ok := files[p]; ok {
			return d, nil
		}
		return nil, os.ErrNotExist
	}
	rec := &ca.StepRecord{URL: f.srv.URL, RootSHA256: stepca.Fingerprint(f.root), Provisioner: provName}

	// The record alone names the CA and its root.
	c, err := stepca.Connect(ctx, stepca.ConnectOptions{Record: rec, ReadFile: read})
	if err != nil || c.URL != f.srv.URL || !c.Root.Equal(f.root) {
		t.Fatalf("from the record: %v, %v", c, err)
	}
	// A root file is trusted as given.
	if c, err = stepca.Connect(ctx, stepca.ConnectOptions{URL: f.srv.URL, RootFile: "root.crt", ReadFile: read}); err != nil || !c.Root.Equal(f.root) {
		t.Fatalf("with --ca-root: %v, %v", c, err)
	}
	// A file without a certificate is refused with a hint.
	_, err = stepca.Connect(ctx, stepca.ConnectOptions{URL: f.srv.URL, RootFile: "empty.crt", ReadFile: read})
	var he *hint.Error
	if !errors.As(err, &he) || !strings.Contains(err.Error(), "--ca-root empty.crt holds no certificate") {
		t.Fatalf("empty root file: %v", err)
	}
	// Another URL does not inherit the record's root: a usage error.
	_, err = stepca.Connect(ctx, stepca.ConnectOptions{URL: "https://other.example:9000", Record: rec, ReadFile: read})
	var ue *hint.UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("another URL: %v", err)
	}
	// The client's errors get their hints.
	_, err = stepca.Connect(ctx, stepca.ConnectOptions{URL: f.srv.URL, Fingerprint: strings.Repeat("ab", 32), ReadFile: read})
	if !errors.As(err, &he) || !strings.Contains(strings.Join(he.Hints, "\n"), "--ca-fingerprint") {
		t.Fatalf("wrong fingerprint: %v", err)
	}
}

func TestOpenProvisioner(t *testing.T) {
	_, c, _, done := exampleCA()
	defer done()
	ctx := context.Background()
	var asked string
	pass := func(name string) ([]byte, error) { asked = name; return []byte(provPass), nil }
	p, err := c.OpenProvisioner(ctx, "", &ca.StepRecord{Provisioner: provName}, pass)
	if err != nil || p == nil || asked != provName {
		t.Fatalf("from the record: %v, %v, asked %q", p, err, asked)
	}
	asked = ""
	if _, err := c.OpenProvisioner(ctx, "", nil, pass); err == nil || asked != "" {
		t.Fatalf("no name: %v, asked %q", err, asked)
	}
	if _, err := c.OpenProvisioner(ctx, "nobody", nil, pass); err == nil || !strings.Contains(err.Error(), "nobody") {
		t.Fatalf("unknown provisioner: %v", err)
	}
}
