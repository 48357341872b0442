package rotate_test

import (
	"crypto"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/rotate"
	"github.com/pgcert/pgcert/pkg/stepca"
)

func TestNewStepRemote(t *testing.T) {
	dir := t.TempDir()
	noKey := func(string) (crypto.Signer, error) { t.Fatal("no key is loaded"); return nil, nil }

	// Nothing names a step-ca: no remote, no error.
	r, err := rotate.NewStepRemote(rotate.StepRemoteOptions{DataDir: dir, LoadKey: noKey})
	if r != nil || err != nil {
		t.Fatalf("unbound, no --ca-url: %v, %v", r, err)
	}

	// A record of a CA directory: --ca-url is refused with the init that moves it.
	record := filepath.Join(dir, ca.DataDirFile)
	if err := os.WriteFile(record, ca.DataDirRecord{CADir: "/srv/ca", CASHA256: strings.Repeat("ef", 32)}.Marshal(), 0o600); err != nil {
		t.Fatal(err)
	}
	if r, err = rotate.NewStepRemote(rotate.StepRemoteOptions{DataDir: dir, LoadKey: noKey}); r != nil || err != nil {
		t.Fatalf("CA directory, no --ca-url: %v, %v", r, err)
	}
	_, err = rotate.NewStepRemote(rotate.StepRemoteOptions{DataDir: dir, Provisioner: "admin", LoadKey: noKey,
		Connect: stepca.ConnectOptions{URL: "https://ca.example:9000", Fingerprint: strings.Repeat("ab", 32)}})
	var he *hint.Error
	want := "pgcert init -D " + dir + " --ca-url https://ca.example:9000 --ca-fingerprint " + strings.Repeat("ab", 32) + " --provisioner admin --new-ca --force"
	if !errors.As(err, &he) || !strings.Contains(strings.Join(he.Hints, "\n"), want) {
		t.Fatalf("CA directory, --ca-url: %v, want a hint with %q", err, want)
	}

	// A step-ca record: its address and root are used (here unreachable).
	rec := ca.StepRecord{URL: "https://127.0.0.1:1", RootSHA256: strings.Repeat("cd", 32), Provisioner: "admin"}
	if err := os.WriteFile(record, rec.Marshal(), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = rotate.NewStepRemote(rotate.StepRemoteOptions{DataDir: dir, LoadKey: noKey})
	var ue *stepca.UnreachableError
	if !errors.As(err, &ue) || !strings.HasPrefix(ue.URL, "https://127.0.0.1:1/") || !errors.As(err, &he) {
		t.Fatalf("step-ca record: %v, want the record's step-ca unreachable, with a hint", err)
	}
}
