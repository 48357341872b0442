package ca_test

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// recorder keeps what a flow reports.
type recorder struct{ lines []string }

func (r *recorder) Infof(format string, args ...any) {
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
}
func (r *recorder) Warnf(format string, args ...any) {
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
}

func testCA(t *testing.T) *ca.CA {
	t.Helper()
	c, err := ca.Create(filepath.Join(t.TempDir(), "ca"), ca.CreateOptions{CommonName: "Test CA", Now: exampleNow, Days: 365})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func noSigner(t *testing.T) func() (ca.Signer, error) {
	return func() (ca.Signer, error) {
		t.Error("the signer was asked for")
		return nil, errors.New("no signer")
	}
}

func serverOptions(t *testing.T, c *ca.CA, dir string, rep ca.Reporter) ca.IssueServerOptions {
	return ca.IssueServerOptions{Hosts: []string{"db"}, CertPath: filepath.Join(dir, "server.crt"), KeyPath: filepath.Join(dir, "server.key"), Days: 30,
		Existing: noExisting, Overwrite: neverOverwrite, GenerateKey: newKey,
		Signer: func() (ca.Signer, error) { return exampleSigner(c), nil }, Reporter: rep, Now: exampleNowFunc}
}

func TestIssueServerRefusesExistingOutput(t *testing.T) {
	c, dir := testCA(t), t.TempDir()
	o := serverOptions(t, c, dir, &recorder{})
	if err := os.WriteFile(o.KeyPath, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	var asked []string
	o.Overwrite = func(paths []string) (bool, error) { asked = paths; return false, nil }
	o.Signer = noSigner(t)
	_, err := ca.IssueServer(o)
	var ee *fsutil.ExistsError
	if !errors.As(err, &ee) || ee.Path != o.KeyPath {
		t.Fatalf("err = %v, want an ExistsError for %s", err, o.KeyPath)
	}
	if len(asked) != 2 {
		t.Errorf("Overwrite asked about %v, want both outputs", asked)
	}
	if data, _ := os.ReadFile(o.KeyPath); string(data) != "mine" {
		t.Errorf("the existing key was replaced: %q", data)
	}
}

func TestIssueServerBadHostIsUsage(t *testing.T) {
	o := serverOptions(t, testCA(t), t.TempDir(), &recorder{})
	o.Hosts = []string{"a b"}
	o.Existing = func() (crypto.Signer, error) { t.Error("the key was read"); return nil, nil }
	_, err := ca.IssueServer(o)
	var ue *hint.UsageError
	if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), "--host: ") {
		t.Fatalf("err = %v, want a --host usage error", err)
	}
}

func TestIssueServerExistingKeyAndClamp(t *testing.T) {
	c, dir := testCA(t), t.TempDir()
	rep := &recorder{}
	o := serverOptions(t, c, dir, rep)
	key, _ := newKey()
	o.Existing = func() (crypto.Signer, error) { return key, nil }
	o.GenerateKey = func() (crypto.Signer, error) { t.Error("a key was made"); return nil, errors.New("no") }
	o.Days = 3650
	r, err := ca.IssueServer(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Files) != 1 || r.Files[0].Path != o.CertPath {
		t.Fatalf("files = %+v, want the certificate alone", r.Files)
	}
	if _, err := os.Lstat(o.KeyPath); err == nil {
		t.Error("a key file was written for an existing key")
	}
	if !r.Clamped || len(rep.lines) != 1 || !strings.Contains(rep.lines[0], "validity was cut to the CA's") {
		t.Errorf("clamped %v, reported %q", r.Clamped, rep.lines)
	}
	data, _ := os.ReadFile(o.CertPath)
	certs, err := chain.ParseCertificates(data)
	if err != nil || !keys.PublicKeysEqual(certs[0].PublicKey, key.Public()) {
		t.Errorf("the certificate is not for the existing key (%v)", err)
	}
}

func clientOptions(t *testing.T, c *ca.CA, rep ca.Reporter) ca.IssueClientOptions {
	return ca.IssueClientOptions{Role: "alice", Days: 30,
		Existing: noExisting, Overwrite: neverOverwrite, GenerateKey: newKey,
		Signer:    func() (ca.Signer, error) { return exampleSigner(c), nil },
		KeyFormat: func(bool) (keys.Format, error) { return keys.FormatPKCS8PEM, nil },
		Owner:     func(string) (ca.FileOwner, error) { return ca.FileOwner{}, nil },
		Mkdir:     func(dir string, _ ca.FileOwner) error { return os.MkdirAll(dir, 0o700) },
		Passphrase: func(string) ([]byte, error) {
			t.Error("a passphrase was asked for")
			return nil, errors.New("no")
		},
		Reporter: rep, Now: exampleNowFunc}
}

func TestIssueClientRefusesDataDir(t *testing.T) {
	c := testCA(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "PG_VERSION"), []byte("15\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := clientOptions(t, c, &recorder{})
	o.Dir = filepath.Join(data, "alice")
	o.Overwrite = func([]string) (bool, error) { t.Error("Overwrite was asked"); return false, nil }
	_, err := ca.IssueClient(o)
	if err == nil || !strings.Contains(err.Error(), "is inside the data directory") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Lstat(o.Dir); err == nil {
		t.Error("the bundle directory was made")
	}
}

func TestIssueClientP12Encrypts(t *testing.T) {
	c := testCA(t)
	o := clientOptions(t, c, &recorder{})
	o.Bundle.P12 = true
	var keyPath string
	o.Passphrase = func(p string) ([]byte, error) { keyPath = p; return []byte("secret phrase"), nil }
	var encrypted bool
	o.KeyFormat = func(e bool) (keys.Format, error) { encrypted = e; return keys.FormatPKCS8PEM, nil }
	b, err := ca.IssueClient(o)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(c.Dir, ca.ClientsDir, "alice", ca.ClientKeyFile)
	if !encrypted || keyPath != want {
		t.Errorf("encrypted %v, passphrase asked for %q, want %q", encrypted, keyPath, want)
	}
	pem, err := os.ReadFile(want)
	if err != nil || !bytes.Contains(pem, []byte("ENCRYPTED PRIVATE KEY")) {
		t.Errorf("postgresql.key is not encrypted: %v", err)
	}
	if len(b.Files) != 4 {
		t.Errorf("%d files, want 4 with postgresql.p12", len(b.Files))
	}
}

func TestIssueClientRoleDir(t *testing.T) {
	o := clientOptions(t, testCA(t), &recorder{})
	o.Role = ".."
	_, err := ca.IssueClient(o)
	var ue *hint.UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want a usage error", err)
	}
}

func TestWriteClientBundleMkdirFails(t *testing.T) {
	c := testCA(t)
	is, key := issue(c, selfsign.ClientLeaf, "bob", selfsign.SANs{})
	_, err := c.WriteClientBundle(is, key, ca.ClientBundleOptions{Role: "bob", Dir: "/nonexistent/bob"}, ca.BundleWrite{
		Mkdir: func(string, ca.FileOwner) error { return errors.New("permission denied") }, Reporter: &recorder{}})
	var he *hint.Error
	if !errors.As(err, &he) || err.Error() != "creating /nonexistent/bob: permission denied" {
		t.Fatalf("err = %v", err)
	}
}

func TestSignCSRNoRoleBeforeSigner(t *testing.T) {
	key, _ := newKey()
	der, err := selfsign.NewRequest(key, nil, selfsign.SANs{DNS: []string{"db"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ca.SignCSR(ca.SignCSROptions{ReadFile: func(string) ([]byte, error) { return der, nil }, KeyError: noKeyError, RequestFile: "x.req", Profile: selfsign.ClientLeaf, Output: "-",
		Signer: noSigner(t), Reporter: &recorder{}, Now: exampleNowFunc})
	if err == nil || !strings.HasPrefix(err.Error(), "x.req: the request has no Common Name") {
		t.Fatalf("err = %v", err)
	}
}

func TestSignCSRWritesChain(t *testing.T) {
	c, cleanup := exampleCA(true)
	defer cleanup()
	key, _ := newKey()
	subject, _ := selfsign.ParseSubject("/CN=db")
	der, _ := selfsign.NewRequest(key, subject, selfsign.SANs{DNS: []string{"db"}}, nil)
	out := filepath.Join(t.TempDir(), "db.crt")
	s, err := ca.SignCSR(ca.SignCSROptions{ReadFile: func(string) ([]byte, error) { return der, nil }, KeyError: noKeyError, RequestFile: "db.req", Profile: selfsign.ServerLeaf, Output: out,
		Overwrite: neverOverwrite, Signer: func() (ca.Signer, error) { return exampleSigner(c), nil }, Reporter: &recorder{}, Now: exampleNowFunc})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	if !bytes.Equal(data, s.PEM) || strings.Count(string(data), "BEGIN CERTIFICATE") != 2 {
		t.Errorf("the file is not the certificate and its intermediate")
	}
	if len(s.Files) != 1 || s.Files[0].Path != out {
		t.Errorf("files = %+v", s.Files)
	}
}

func TestListNotesAndRows(t *testing.T) {
	c := testCA(t)
	open := func() (*ca.CA, error) { return c, nil }
	var buf bytes.Buffer
	note, err := ca.List(&buf, ca.ListOptions{OpenCA: open, Now: exampleNow})
	if err != nil || note != "the CA in "+c.Dir+" has issued no certificate yet" {
		t.Fatalf("empty CA: %q, %v", note, err)
	}
	issue(c, selfsign.ClientLeaf, "alice", selfsign.SANs{})
	buf.Reset()
	note, err = ca.List(&buf, ca.ListOptions{CN: "al*", OpenCA: open, Now: exampleNow})
	if err != nil || note != "" || !strings.Contains(buf.String(), "/CN=alice") {
		t.Fatalf("listing %q, note %q, %v", buf.String(), note, err)
	}
	note, err = ca.List(&buf, ca.ListOptions{CN: "bob", OpenCA: open, Now: exampleNow})
	if err != nil || note != "no certificate of the CA in "+c.Dir+" matches" {
		t.Fatalf("no match: %q, %v", note, err)
	}
	_, err = ca.List(&buf, ca.ListOptions{CN: "[", OpenCA: func() (*ca.CA, error) { t.Error("the CA was opened"); return c, nil }})
	var ue *hint.UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("a bad pattern: %v", err)
	}
}

func TestNewRefusalsBeforePassphrase(t *testing.T) {
	long := strings.Repeat("x", 60)
	_, err := ca.New(ca.NewOptions{Dir: filepath.Join(t.TempDir(), "ca"), Encrypt: true,
		Create:     ca.CreateOptions{CommonName: long, Intermediate: true, Now: exampleNow},
		Passphrase: func(string) ([]byte, error) { t.Error("a passphrase was asked for"); return nil, errors.New("no") }})
	var ue *hint.UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--intermediate-cn NAME") {
		t.Fatalf("a long default intermediate name: %v", err)
	}
	_, err = ca.New(ca.NewOptions{Dir: filepath.Join(t.TempDir(), "ca"), Create: ca.CreateOptions{Key: keys.GenerateOptions{Type: keys.TypeEd25519}}})
	if err == nil || !strings.Contains(err.Error(), "refusing an Ed25519 CA key") {
		t.Fatalf("an Ed25519 CA: %v", err)
	}
}

func TestNewEncryptsAndShowsRSAProgress(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	var asked, shown string
	stopped := false
	c, err := ca.New(ca.NewOptions{Dir: dir, Encrypt: true,
		Create:     ca.CreateOptions{CommonName: "T", Key: keys.GenerateOptions{Type: keys.TypeRSA, Bits: 2048}, Now: exampleNow},
		Passphrase: func(p string) ([]byte, error) { asked = p; return []byte("secret phrase"), nil },
		Progress:   func(msg string) func() { shown = msg; return func() { stopped = true } }})
	if err != nil {
		t.Fatal(err)
	}
	if asked != filepath.Join(dir, ca.KeyFile) || shown != "generating RSA 2048 CA keys" || !stopped {
		t.Errorf("passphrase asked for %q, progress %q (stopped %v)", asked, shown, stopped)
	}
	if enc, err := c.KeyEncrypted(); !enc || err != nil {
		t.Errorf("the key is not encrypted: %v", err)
	}
}

func TestAddIntermediateUnlocksRootOnly(t *testing.T) {
	c, cleanup := exampleCA(true)
	defer cleanup()
	var unlocked *ca.CA
	n, root, err := ca.AddIntermediate(ca.AddIntermediateOptions{Dir: filepath.Join(t.TempDir(), "second"), CommonName: "Second", Days: 30,
		OpenCA: func() (*ca.CA, error) { return c, nil },
		Unlock: func(r *ca.CA) error { unlocked = r; return nil },
		Now:    exampleNowFunc})
	if err != nil {
		t.Fatal(err)
	}
	if unlocked != root || root.Cert.Subject.CommonName != "Example CA" || n.Cert.Subject.CommonName != "Second" {
		t.Errorf("unlocked %v, root %s, new %s", unlocked, root.Cert.Subject, n.Cert.Subject)
	}
}

func noKeyError(string, error) error { return nil }

func TestSignCSRJSONToStdoutIsUsage(t *testing.T) {
	_, err := ca.SignCSR(ca.SignCSROptions{RequestFile: "x.req", Output: "-", JSON: true,
		ReadFile: func(string) ([]byte, error) { t.Error("the request was read"); return nil, errors.New("no") }})
	var ue *hint.UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want a usage error", err)
	}
}

func TestSignCSRNotARequest(t *testing.T) {
	_, err := ca.SignCSR(ca.SignCSROptions{RequestFile: "x.req", Output: "-", KeyError: noKeyError, Signer: noSigner(t),
		ReadFile: func(string) ([]byte, error) { return []byte("hello"), nil }})
	var he *hint.Error
	if !errors.As(err, &he) || !strings.HasPrefix(err.Error(), "x.req: ") || len(he.Hints) != 1 {
		t.Fatalf("err = %v", err)
	}
}

func TestDirSignerUnlockFails(t *testing.T) {
	c := testCA(t)
	dirs := 0
	s := &ca.DirSigner{Dir: func() (string, error) { dirs++; return c.Dir, nil }, OpenCA: func(string) (*ca.CA, error) { return c, nil },
		Unlock: func(*ca.CA) error { return errors.New("wrong passphrase") }}
	if _, err := s.Home(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(); err == nil || err.Error() != "wrong passphrase" || dirs != 1 {
		t.Fatalf("Open: %v (Dir asked %d times)", err, dirs)
	}
}
