package keyperm

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/pkg/hint"
)

func TestFixRefusesWithTheAllowingCommand(t *testing.T) {
	data, rootDir, _, db := scopeWorld(t)
	secret := filepath.Join(rootDir, "secret")
	writeFile(t, secret, 0o644)
	if err := os.Symlink(secret, filepath.Join(data, "server.key")); err != nil {
		t.Fatal(err)
	}
	rep := &Report{}
	cmd := FixCommand{DataDir: data}
	err := rep.Fix(FixOptions{
		Targets: []Target{{Name: "server.key", Path: filepath.Join(data, "server.key"), Kind: FileServerKey}},
		ID:      db, Actor: Process(), Scope: Scope{DataDir: data, Owner: db}, Lookup: SystemLookup{},
		Command: cmd,
	})
	var he *hint.Error
	if !errors.As(err, &he) || !strings.HasSuffix(err.Error(), "; no file was changed") {
		t.Fatalf("Fix = %v", err)
	}
	want := "if you checked the file and mean it to change: pgcert perms fix -D " + data + " --allow-outside " + secret
	if len(he.Hints) != 1 || he.Hints[0] != want {
		t.Errorf("hints %q, want %q", he.Hints, want)
	}
	if len(cmd.AllowOutside) != 0 || len(rep.Changes) != 0 {
		t.Errorf("command changed to %v, changes %v", cmd, rep.Changes)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(secret, &st); err != nil || st.Mode&0o777 != 0o644 {
		t.Fatalf("the file was changed: mode %o (%v)", st.Mode&0o777, err)
	}
}
