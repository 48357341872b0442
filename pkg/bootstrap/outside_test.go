package bootstrap_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// TestCheckConfigureOutside: run as root on a data directory of another user,
// whose postgresql.auto.conf points hba_file at a file of root's elsewhere,
// configuring is refused for that file and its backup, and NewPlan refuses before
// the CA issues anything; allowed by the admin, it is not.
func TestCheckConfigureOutside(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to give the data directory to another user")
	}
	dir, dd, c, err := fixture(false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	hba := filepath.Join(dir, "elsewhere", "a.conf")
	if err := os.Mkdir(filepath.Dir(hba), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hba, []byte("local all all peer\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dd.Dir, pgdata.AutoConfFileName), []byte("hba_file = '"+hba+"'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dd.Dir, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	cfg, err := bootstrap.CheckConfigurable(dd)
	if err != nil {
		t.Fatal(err)
	}
	err = bootstrap.CheckConfigureOutside(dd, cfg, nil, nil)
	var oe *bootstrap.OutsideError
	if !errors.As(err, &oe) || !errors.Is(err, fsutil.ErrOutside) || !slices.Equal(oe.Paths, []string{hba, hba + bootstrap.BackupSuffix}) {
		t.Fatalf("want an OutsideError naming %s and its backup, got %v", hba, err)
	}
	o := options(dir, dd, c)
	o.Configure, o.Config = true, cfg
	if _, err := bootstrap.NewPlan(o); !errors.As(err, &oe) {
		t.Errorf("NewPlan: want an OutsideError, got %v", err)
	}
	if err := bootstrap.CheckConfigureOutside(dd, cfg, []string{hba}, nil); err != nil {
		t.Errorf("allowed: %v", err)
	}
}

// TestConfigureLinkPlantedAfterCheck: run as root on a data directory of another
// user, the outside rule passes pg_hba.conf, a file of the data directory's own;
// the owner then swaps it for a link to a file of root's (here: while the CA
// issues, between NewPlan and Apply). Apply must not edit root's file, nor make a
// backup beside it: pg_hba.conf's contents are the owner's to choose, and would
// land in root's file.
func TestConfigureLinkPlantedAfterCheck(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to give the data directory to another user")
	}
	dir, dd, c, err := fixture(false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	victim := filepath.Join(dir, "rootonly", "profile")
	if err := os.Mkdir(filepath.Dir(victim), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(victim, []byte("# root's\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	hba := filepath.Join(dd.Dir, "pg_hba.conf")
	if err := os.WriteFile(hba, []byte("local all all peer\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dd.Dir, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	cfg, err := bootstrap.CheckConfigurable(dd)
	if err != nil {
		t.Fatal(err)
	}
	o := options(dir, dd, c)
	o.Configure, o.Config = true, cfg
	plan, err := bootstrap.NewPlan(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(hba); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, hba); err != nil {
		t.Fatal(err)
	}
	_, err = plan.Apply()
	var oe *bootstrap.OutsideError
	if !errors.As(err, &oe) || !slices.Contains(oe.Paths, victim) {
		t.Errorf("want an OutsideError naming %s, got %v", victim, err)
	}
	if data, _ := os.ReadFile(victim); string(data) != "# root's\n" {
		t.Errorf("root's file was edited: %q", data)
	}
	if _, err := os.Lstat(victim + bootstrap.BackupSuffix); err == nil {
		t.Errorf("a backup was made beside root's file")
	}
}
