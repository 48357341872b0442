package faults

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecordNamingOwnersCA: the database user makes a CA directory of their own,
// binds their data directory to it (pgcert init --new-ca, run as themselves, which
// writes pgcert-ca.conf and the CA's list), and makes the CA's index.txt a link to a
// file that does not exist yet in a directory only root may write. renew -D run as
// root without --ca-dir finds the CA from the data directory's record: it must not
// follow it to a CA directory its owner could write, where root would create, or
// append to, whatever index.txt leads to.
func TestRecordNamingOwnersCA(t *testing.T) {
	o := requirePostgresUser(t)
	base, data := rootsafeDataDir(t, o)
	theirs := filepath.Join(base, "theirs")
	if err := os.Mkdir(theirs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, o.uid, o.gid); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(base, "rootonly", "nologin")
	ca := filepath.Join(theirs, "ca")
	asPostgres(t, "HOME="+theirs+" "+pgcertBin+" init -D "+data+" --ca-dir "+ca+" --new-ca --force >/dev/null && "+
		"rm "+ca+"/index.txt && ln -s "+victim+" "+ca+"/index.txt")
	r := runNoHang(t, "renew", "-D", data, "--force")
	if _, err := os.Lstat(victim); err == nil {
		t.Errorf("root created %s through the CA directory of the data directory's owner:\n%s", victim, r)
	}
	out := r.Stdout + r.Stderr
	if r.Code != 1 || !strings.Contains(out, "pgcert-ca.conf") || !strings.Contains(out, "--ca-dir") {
		t.Errorf("want exit 1, naming the record and --ca-dir:\n%s", r)
	}
}
