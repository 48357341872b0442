package faults

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	victim := filepath.Join(base, "rootonly", "nologin")
	ca := ownersCA(t, o, base, data)
	asPostgres(t, "rm "+ca+"/index.txt && ln -s "+victim+" "+ca+"/index.txt")
	r := runNoHang(t, "renew", "-D", data, "--force")
	if _, err := os.Lstat(victim); err == nil {
		t.Errorf("root created %s through the CA directory of the data directory's owner:\n%s", victim, r)
	}
	out := r.Stdout + r.Stderr
	// Not --ca-dir: naming the CA directory would take root into it all the same.
	if r.Code != 1 || !strings.Contains(out, "pgcert-ca.conf") || !strings.Contains(out, "pgcert check -D "+data) || strings.Contains(out, "--ca-dir") {
		t.Errorf("want exit 1, naming the record and check -D, not --ca-dir:\n%s", r)
	}
}

// ownersCA has the database user make a CA directory of their own under base and
// bind data to it (pgcert init --new-ca, run as themselves, which writes
// pgcert-ca.conf and the CA's list); it returns the CA directory.
func ownersCA(t *testing.T, o dbOwner, base, data string) string {
	t.Helper()
	theirs := filepath.Join(base, "theirs")
	if err := os.Mkdir(theirs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, o.uid, o.gid); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(theirs, "ca")
	asPostgres(t, "HOME="+theirs+" "+pgcertBin+" init -D "+data+" --ca-dir "+ca+" --new-ca --force >/dev/null")
	return ca
}

// TestOwnersCAHints follows the hints of a refused run to the end: the data
// directory and its CA both belong to the database user, so root's renew -D is
// refused with a hint naming check -D; check's fix names the command that renews as
// that user, and that command, pasted, finds the CA and judges the certificate
// (new, so not due) instead of being refused.
func TestOwnersCAHints(t *testing.T) {
	o := requirePostgresUser(t)
	base, data := rootsafeDataDir(t, o)
	ownersCA(t, o, base, data)
	r := runNoHang(t, "renew", "-D", data, "--force")
	want := "pgcert check -D " + data
	if r.Code != 1 || !strings.Contains(r.Stderr, "hint: run pgcert as the data directory's owner, whose CA it is; the command: "+want) {
		t.Fatalf("want exit 1 and a hint naming %q:\n%s", want, r)
	}
	check := runNoHang(t, "check", "-D", data)
	fix := regexp.MustCompile(`fix: renew as postgres, whose CA it is [^\n]*: (runuser -u postgres -- pgcert renew -D \S+)\n`).FindStringSubmatch(check.Stdout)
	if fix == nil {
		t.Fatalf("check names no command that renews as postgres:\n%s", check)
	}
	pasted := strings.Replace(fix[1], " pgcert ", " "+pgcertBin+" ", 1)
	out, err := exec.Command("sh", "-c", pasted).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "nothing to do: server.crt expires in ") {
		t.Errorf("%s: %v\n%s", pasted, err, out)
	}
}
