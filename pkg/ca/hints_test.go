package ca

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// hintsOf returns the hints of err, nil when it has none.
func hintsOf(err error) []string {
	var he *hint.Error
	if errors.As(err, &he) {
		return he.Hints
	}
	return nil
}

func TestIssueHint(t *testing.T) {
	c := &CA{Dir: "/ca/inter", Parent: &CA{Dir: "/ca/root dir"}}
	other := errors.New("other")
	if IssueHint(c, other) != other {
		t.Error("IssueHint changed an unrelated error")
	}
	h := hintsOf(IssueHint(c, &ExpiredError{}))
	if len(h) != 1 || !strings.Contains(h[0], "the CA in /ca/inter can no longer sign") {
		t.Errorf("expired: hints %q", h)
	}
	h = hintsOf(IssueHint(c, &RevokedCAError{}))
	if len(h) != 1 || !strings.HasSuffix(h[0], "pgcert ca issue intermediate --ca-dir '/ca/root dir' -o /ca/inter-new") {
		t.Errorf("revoked: hints %q", h)
	}
	h = hintsOf(IssueHint(nil, &RevokedCAError{}))
	if len(h) != 1 || !strings.Contains(h[0], "(pgcert ca init)") {
		t.Errorf("revoked, no CA: hints %q", h)
	}
}

func TestRevokeHint(t *testing.T) {
	if h := hintsOf(RevokeHint(&NotFoundError{})); len(h) != 1 || !strings.Contains(h[0], "pgcert ca list") {
		t.Errorf("not found: hints %q", h)
	}
	if h := hintsOf(RevokeHint(&AlreadyRevokedError{})); len(h) != 1 || !strings.HasPrefix(h[0], "nothing to do") {
		t.Errorf("already revoked: hints %q", h)
	}
	other := errors.New("other")
	if RevokeHint(other) != other {
		t.Error("RevokeHint changed an unrelated error")
	}
}

func TestCreateHint(t *testing.T) {
	err := CreateHint("/x/ca", ErrExists)
	if !errors.Is(err, ErrExists) || err.Error() != "/x/ca already holds a CA" || len(hintsOf(err)) != 1 {
		t.Errorf("exists: %v %q", err, hintsOf(err))
	}
	err = CreateHint("/x/ca", &NotEmptyError{Dir: "/x/ca", Name: "notes.txt"})
	if err.Error() != "/x/ca is not empty (it holds notes.txt) and holds no CA" {
		t.Errorf("not empty: %v", err)
	}
	err = CreateHint("/x/ca", &IncompleteError{Dir: "/x/ca", Name: KeyFile})
	if !strings.Contains(err.Error(), "a new CA would overwrite its key") {
		t.Errorf("incomplete: %v", err)
	}
}

func TestIntermediateHint(t *testing.T) {
	root, err := Create(filepath.Join(t.TempDir(), "root"), CreateOptions{CommonName: "Root", Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if IntermediateHint(root, "/n", nil) != nil {
		t.Error("nil error not kept nil")
	}
	if err := IntermediateHint(root, "/n", ErrExists); err.Error() != "/n already holds a CA" {
		t.Errorf("exists: %v", err)
	}
	if err := IntermediateHint(root, "/n", ErrRootPathLen); !strings.Contains(err.Error(), "the root CA Root has pathlen 0") {
		t.Errorf("pathlen: %v", err)
	}
	if h := hintsOf(IntermediateHint(root, "/n", &ExpiredError{})); len(h) != 1 || !strings.Contains(h[0], "can no longer sign") {
		t.Errorf("expired: hints %q", h)
	}
}

func TestNeedRootAndRefuseInDataDir(t *testing.T) {
	c, err := Create(filepath.Join(t.TempDir(), "ca"), CreateOptions{Intermediate: true, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := NeedRoot(c); err != nil {
		t.Errorf("NeedRoot with its root: %v", err)
	}
	c.Parent = nil
	if err := NeedRoot(c); err == nil || !strings.Contains(err.Error(), "root certificate is missing") {
		t.Errorf("NeedRoot without root: %v", err)
	}
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "PG_VERSION"), []byte("15\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(data, "ca")
	if err := RefuseInDataDir(in, "", false); err == nil || !strings.Contains(err.Error(), "inside the PostgreSQL data directory") {
		t.Errorf("RefuseInDataDir inside: %v", err)
	}
	if err := RefuseInDataDir(in, "", true); err != nil {
		t.Errorf("RefuseInDataDir with force: %v", err)
	}
	if err := RefuseInDataDir(t.TempDir(), "", false); err != nil {
		t.Errorf("RefuseInDataDir outside: %v", err)
	}
}

func TestSignHint(t *testing.T) {
	err := SignHint(nil, "db.csr", ErrNoRole)
	if err == nil || err.Error() != "db.csr: the request has no Common Name, so the certificate would name no role" {
		t.Errorf("no role: %v", err)
	}
	err = SignHint(&CA{Dir: "/ca"}, "db.csr", &selfsign.SpecError{Reason: "too long"})
	if !strings.HasPrefix(err.Error(), "db.csr: ") {
		t.Errorf("spec error not named as the request's: %v", err)
	}
	if h := hintsOf(err); len(h) != 1 || h[0] != "the request is refused; nothing was recorded" {
		t.Errorf("hints %q", h)
	}
	other := errors.New("disk full")
	if err := SignHint(&CA{Dir: "/ca"}, "db.csr", other); !errors.Is(err, other) || err.Error() != "disk full" {
		t.Errorf("other error: %v", err)
	}
}

func TestRefuseEdDSAAndNextAfterRevoke(t *testing.T) {
	if err := RefuseEdDSA(keys.TypeEd25519, false); err == nil || len(hintsOf(err)) != 2 {
		t.Errorf("Ed25519 without force: %v", err)
	}
	if RefuseEdDSA(keys.TypeEd25519, true) != nil || RefuseEdDSA(keys.TypeEC, false) != nil {
		t.Error("refused with force, or an EC key")
	}
	c, err := Create(filepath.Join(t.TempDir(), "ca"), CreateOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.NextAfterRevoke(); len(got) != 1 || !strings.HasSuffix(got[0], "pgcert crl gen --ca-dir "+c.Dir) {
		t.Errorf("no data directory: %q", got)
	}
	data := t.TempDir()
	if err := c.BindDataDir(data); err != nil {
		t.Fatal(err)
	}
	if got := c.NextAfterRevoke(); len(got) != 1 || got[0] != "the server refuses it once it has a new CRL: pgcert renew -D "+data+" --reload" {
		t.Errorf("one data directory: %q", got)
	}
}

func TestNotStepError(t *testing.T) {
	c, err := Create(filepath.Join(t.TempDir(), "ca"), CreateOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, DataDirFile), c.Record().Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	err = NotStepError(data, "https://ca:9000", "")
	if want := filepath.Join(data, DataDirFile) + " records the CA directory " + c.Dir + ", not the step-ca at https://ca:9000; nothing was written"; err.Error() != want {
		t.Errorf("init: %v, want %s", err, want)
	}
	if h := hintsOf(err); len(h) != 2 || !strings.HasSuffix(h[0], "--ca-dir "+c.Dir+" --force") {
		t.Errorf("init hints %q", h)
	}
	err = NotStepError(data, "https://ca:9000", "pgcert init -D D --ca-url U --new-ca --force")
	if h := hintsOf(err); len(h) != 2 || !strings.HasSuffix(h[1], ": pgcert init -D D --ca-url U --new-ca --force") || strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("renew: %v, hints %q", err, h)
	}
}
