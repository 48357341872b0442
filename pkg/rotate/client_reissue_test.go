package rotate

import (
	"crypto"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// ReissueClient keeps the bundle's key unless told to rekey, and takes the
// validity asked for.
func TestReissueClient(t *testing.T) {
	now := time.Now()
	base := t.TempDir()
	c, err := ca.Create(filepath.Join(base, "ca"), ca.CreateOptions{Now: now.AddDate(0, 0, -1)})
	if err != nil {
		t.Fatal(err)
	}
	key, err := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC})
	if err != nil {
		t.Fatal(err)
	}
	is, err := c.Issue(ca.Request{Profile: selfsign.ClientLeaf, Subject: pkix.Name{CommonName: "alice"}.ToRDNSequence(),
		PublicKey: key.Public(), Days: 30, Now: now.AddDate(0, 0, -1)})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "alice")
	keyPEM, err := keys.MarshalPKCS8PEM(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, clientCertName), ca.PEM(is.Cert), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, clientKeyName), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	generated := 0
	gen := func(o keys.GenerateOptions) (crypto.Signer, error) { generated++; return keys.Generate(o) }

	r, err := ReissueClient(c, ReissueOptions{Role: "alice", Dir: dir, Days: 7, Now: now, Generate: gen})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rekeyed || generated != 0 || !keys.PublicKeysEqual(r.Key.Public(), key.Public()) || !r.Old.Equal(is.Cert) {
		t.Errorf("kept key: rekeyed %v, generated %d", r.Rekeyed, generated)
	}
	if d := r.Issued.Cert.NotAfter.Sub(now); d < 6*24*time.Hour || d > 8*24*time.Hour {
		t.Errorf("--days 7 gave a certificate valid for %v", d)
	}
	r, err = ReissueClient(c, ReissueOptions{Role: "alice", Dir: dir, Rekey: true, Now: now, Generate: gen})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Rekeyed || generated != 1 || keys.PublicKeysEqual(r.Key.Public(), key.Public()) {
		t.Errorf("rekey: rekeyed %v, generated %d", r.Rekeyed, generated)
	}
	if d := r.Issued.Cert.NotAfter.Sub(r.Issued.Cert.NotBefore); d < 29*24*time.Hour || d > 31*24*time.Hour {
		t.Errorf("the current validity (30 days) was not kept: %v", d)
	}
}

// warnings is a ca.Reporter that keeps the warnings.
type warnings []string

func (w *warnings) Infof(string, ...any) {}
func (w *warnings) Warnf(format string, args ...any) {
	*w = append(*w, fmt.Sprintf(format, args...))
}

// RenewClient writes the bundle in CA_DIR/clients/ROLE and revokes the old
// certificate.
func TestRenewClientRevokesOld(t *testing.T) {
	now := time.Now()
	c, err := ca.Create(filepath.Join(t.TempDir(), "ca"), ca.CreateOptions{Now: now.AddDate(0, 0, -1)})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC})
	old, err := c.Issue(ca.Request{Profile: selfsign.ClientLeaf, Subject: pkix.Name{CommonName: "alice"}.ToRDNSequence(),
		PublicKey: key.Public(), Days: 30, Now: now.AddDate(0, 0, -1)})
	if err != nil {
		t.Fatal(err)
	}
	var w warnings
	opened := ""
	o := RenewClientOptions{Role: "alice", RevokeOld: true,
		CA:       &ca.DirSigner{Dir: func() (string, error) { return c.Dir, nil }, OpenCA: func(dir string) (*ca.CA, error) { opened = dir; return c, nil }},
		Write:    ca.BundleWrite{Force: true, Mkdir: func(d string, _ ca.FileOwner) error { return os.MkdirAll(d, 0o700) }, Reporter: &w},
		Generate: func(o keys.GenerateOptions) (crypto.Signer, error) { return keys.Generate(o) },
		Now:      func() time.Time { return now }}
	r, err := RenewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	if opened != c.Dir || r.Dir != filepath.Join(c.Dir, ca.ClientsDir, "alice") || !r.OldRevoked || r.OldSerial != ca.SerialHex(old.Cert.SerialNumber.Bytes()) || len(w) != 0 {
		t.Fatalf("renewal %+v, warnings %q", r.BundleRenewal, w)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, clientKeyName)); err != nil {
		t.Errorf("no key written: %v", err)
	}
	var ar *ca.AlreadyRevokedError
	if _, err := c.Revoke(old.Cert.SerialNumber, ca.ReasonSuperseded, now); !errors.As(err, &ar) {
		t.Errorf("the old certificate was not revoked: revoking it again gave %v", err)
	}
}
