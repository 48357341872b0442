package bootstrap_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
)

func TestMkdirOwnedGivesEachNewDirectory(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give directories away")
	}
	base := t.TempDir()
	dir := filepath.Join(base, "a", "b")
	if err := bootstrap.MkdirOwned(dir, true, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(base, "a"), dir} {
		var st syscall.Stat_t
		if err := syscall.Lstat(d, &st); err != nil || st.Uid != 65534 || st.Mode&0o777 != 0o700 {
			t.Errorf("%s: uid %d mode %o (%v)", d, st.Uid, st.Mode&0o777, err)
		}
	}
	var st syscall.Stat_t
	if err := syscall.Lstat(base, &st); err != nil || st.Uid == 65534 {
		t.Errorf("the existing parent was given away: uid %d (%v)", st.Uid, err)
	}
}

func TestRefuseExistingNamesALinkTarget(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "server.crt")
	if err := os.Symlink("/etc/elsewhere", link); err != nil {
		t.Fatal(err)
	}
	var e *fsutil.ExistsError
	if err := bootstrap.RefuseExisting(false, link); !errors.As(err, &e) || e.Path != link || e.LinkTarget != "/etc/elsewhere" {
		t.Fatalf("err = %#v", err)
	}
}
