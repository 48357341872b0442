package keyperm

import (
	"os"
	"path/filepath"
	"testing"
)

// TestTargetRules: each kind of target is judged and planned by its own rule, so a
// key readable by the group fails as a key and passes as a certificate.
func TestTargetRules(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	me := Process()
	for kind, wantOK := range map[string]bool{
		FileServerKey: false, FileClientKey: false, FileServerCert: true, FileRootCert: true, FileCRL: true, FileCRLDirEntry: true,
	} {
		tg := Target{Name: "f", Path: path, Kind: kind}
		fi := tg.Stat()
		if r := tg.Judge(fi, me); r.OK != wantOK {
			t.Errorf("%s: ok %v, want %v (%s)", kind, r.OK, wantOK, r.Message)
		}
		if fx := tg.Plan(fi, me, me); fx.Needed == wantOK {
			t.Errorf("%s: fix needed %v for a file that passes %v", kind, fx.Needed, wantOK)
		}
	}
}

// TestPlanFixesNeedRoot: a change only root can make is set apart, and then the
// scope is not consulted.
func TestPlanFixesNeedRoot(t *testing.T) {
	// A directory the stranger may search: t.TempDir's parent is private.
	dir, err := os.MkdirTemp("", "keyperm")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	path := filepath.Join(dir, "server.key")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	fi := Stat(path)
	stranger := Identity{Name: "stranger", UID: fi.UID + 1, GID: fi.GID + 1}
	plan := Scope{}.PlanFixes([]Target{{Name: "server.key", Path: path, Kind: FileServerKey}}, stranger, stranger)
	if len(plan.NeedRoot) != 1 || len(plan.Todo) != 0 || len(plan.Refused) != 0 {
		t.Errorf("plan %+v, want the change set apart as root's", plan)
	}
}
