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
