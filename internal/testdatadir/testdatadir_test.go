package testdatadir_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// TestNewIsADataDirectory: what New makes is read as a PostgreSQL 15 data
// directory with its SSL files where postgresql.conf's defaults put them.
func TestNewIsADataDirectory(t *testing.T) {
	dir := testdatadir.New(t, testdatadir.NewPKI(t), nil)
	s, err := pgdata.ReadSetup(dir, keyperm.SystemLookup{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Dir.IsDataDir || s.Dir.Version.String() != "15" || s.Dir.VersionAssumed {
		t.Fatalf("data directory %+v", s.Dir)
	}
	for name, want := range map[string]os.FileMode{"server.crt": 0o644, "server.key": 0o600, "pg_hba.conf": 0o600, "global": os.ModeDir | 0o700} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Mode() != want {
			t.Errorf("%s: %v %v, want %v", name, fi.Mode(), err, want)
		}
	}
}

// TestNewRenewalKeyMatches: server.key holds the key of Old, and Old is due.
func TestNewRenewalKeyMatches(t *testing.T) {
	r := testdatadir.NewRenewal(t, nil)
	k, err := keys.Parse(r.Read(t, "server.key"), nil)
	if err != nil || !keys.PublicKeysEqual(k.Signer.Public(), r.Old.PublicKey) {
		t.Fatalf("server.key: %v", err)
	}
	if !r.Leaf(t, "server.crt").Equal(r.Old) || r.Old.NotAfter.After(testpki.Now.AddDate(0, 0, 30)) {
		t.Fatalf("server.crt %v until %v", r.Old.Subject, r.Old.NotAfter)
	}
	if _, err := os.Stat(r.Path("pg_hba.conf")); !os.IsNotExist(err) {
		t.Fatalf("pg_hba.conf without hba lines: %v", err)
	}
}
