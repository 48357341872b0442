package cli

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func TestParseSerial(t *testing.T) {
	for in, want := range map[string]string{"0A1B": "a1b", "0a:1b": "a1b", "0x0A1B": "a1b", " 3a 1f ": "3a1f"} {
		n, err := parseSerial(in)
		if err != nil || n.Text(16) != want {
			t.Errorf("parseSerial(%q) = %v, %v", in, n, err)
		}
	}
	for _, in := range []string{"", "zz", "-01", "0x"} {
		if _, err := parseSerial(in); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("parseSerial(%q): %v", in, err)
		}
	}
}

// TestEncryptedCAAsksOnce: an existing CA with an encrypted root and intermediate
// (one passphrase, as pgcert makes them) is unlocked with a single prompt.
func TestEncryptedCAAsksOnce(t *testing.T) {
	dir := t.TempDir()
	caDir := filepath.Join(dir, "ca")
	f, _, errOut, _ := testFactory(t)
	f.Getenv = func(k string) (string, bool) {
		if k == "CA_PASS" {
			return "ca passphrase", true
		}
		return "", false
	}
	if code := runCmd(f, "ca", "init", "--ca-dir", caDir, "--intermediate", "--passout", "env:CA_PASS"); code != 0 {
		t.Fatalf("ca init: exit %d\n%s", code, errOut)
	}
	f, out, errOut, fake := testFactory(t, "ca passphrase")
	if code := runCmd(f, "init", "-D", filepath.Join(dir, "pgdata"), "--ca-dir", caDir, "--client", "alice", "--json"); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, errOut)
	}
	if len(fake.Asked) != 1 || !strings.Contains(fake.Asked[0], "ca.key") {
		t.Fatalf("asked %q", fake.Asked)
	}
	var r initReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.CA.Created || !r.CA.KeyEncrypted || len(r.CRLs) != 2 || len(r.Clients) != 1 {
		t.Fatalf("report: %+v", r)
	}
	// The fixed clock of the test factory is the issue time.
	if want := testpki.Now.AddDate(0, 0, selfsign.DefaultServerDays).Format(time.RFC3339); r.Server.NotAfter != want {
		t.Errorf("server not_after %s", r.Server.NotAfter)
	}
}

// TestInitRefusesBeforeIssuing: a refused init (existing files, no --force) issues
// nothing, so the CA's index does not grow.
func TestInitRefusesBeforeIssuing(t *testing.T) {
	dir := t.TempDir()
	pgdata, caDir := filepath.Join(dir, "pgdata"), filepath.Join(dir, "ca")
	f, _, errOut, _ := testFactory(t)
	if code := runCmd(f, "init", "-D", pgdata, "--ca-dir", caDir); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, errOut)
	}
	before, _ := os.ReadFile(filepath.Join(caDir, "index.txt"))
	f, _, errOut, _ = testFactory(t)
	if code := runCmd(f, "init", "-D", pgdata, "--ca-dir", caDir, "--client", "bob"); code != cmdutil.ExitFailure {
		t.Fatalf("second init: exit %d", code)
	}
	if !strings.Contains(errOut.String(), "server.key already exists") || !strings.Contains(errOut.String(), "nothing was written") {
		t.Errorf("stderr %q", errOut)
	}
	after, _ := os.ReadFile(filepath.Join(caDir, "index.txt"))
	if string(before) != string(after) {
		t.Error("a refused init issued certificates")
	}
	if _, err := os.Stat(filepath.Join(caDir, "clients", "bob")); err == nil {
		t.Error("a refused init made a client directory")
	}
}

func TestCaRevokeArgs(t *testing.T) {
	for _, args := range [][]string{
		{"ca", "revoke"},
		{"ca", "revoke", "01", "02"},
		{"ca", "revoke", "01", "--cert", "x.crt"},
		{"ca", "sign", "req.csr", "--profile", "admin"},
		{"ca", "issue", "client", "--user", ""},
		{"init", "-D", "x", "--client", "a", "--client", "a"},
		{"init", "-D", "x", "--host", "bad host"},
		{"init", "-D", "x", "--client", "../evil"},
		{"ca", "issue", "client", "--user", ".."},
	} {
		f, _, errOut, _ := testFactory(t)
		f.Getenv = func(k string) (string, bool) {
			if k == "PGCERT_CA_DIR" {
				return t.TempDir(), true
			}
			return "", false
		}
		if code := runCmd(f, args...); code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, cmdutil.ExitUsage, errOut)
		}
	}
}

// TestCaIssueClientRefusesDataDir: a client bundle written inside a data directory
// (directly, below it, or through a link) would put the client's key on every replica
// and in every backup, so ca issue client -o refuses it before issuing anything, as
// init --clients-dir does.
func TestCaIssueClientRefusesDataDir(t *testing.T) {
	dir := t.TempDir()
	pgdata, caDir := filepath.Join(dir, "pgdata"), filepath.Join(dir, "ca")
	os.MkdirAll(pgdata, 0o700)
	os.WriteFile(filepath.Join(pgdata, "PG_VERSION"), []byte("15\n"), 0o600)
	os.Symlink(pgdata, filepath.Join(dir, "link"))
	f, _, errOut, _ := testFactory(t)
	if code := runCmd(f, "ca", "init", "--ca-dir", caDir); code != 0 {
		t.Fatalf("ca init: exit %d\n%s", code, errOut)
	}
	for _, out := range []string{pgdata, filepath.Join(pgdata, "clients", "alice"), filepath.Join(dir, "link", "alice")} {
		f, _, errOut, _ := testFactory(t)
		code := runCmd(f, "ca", "issue", "client", "--ca-dir", caDir, "--user", "alice", "-o", out)
		want := "the client bundle directory " + out + " is inside the data directory "
		if code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), want) || !strings.Contains(errOut.String(), "outside the data directory with -o") {
			t.Errorf("-o %s: exit %d\n%s", out, code, errOut)
		}
	}
	if index, _ := os.ReadFile(filepath.Join(caDir, "index.txt")); len(index) != 0 {
		t.Errorf("a refused issue recorded a certificate:\n%s", index)
	}
	if _, err := os.Stat(filepath.Join(pgdata, "clients")); err == nil {
		t.Error("a refused issue made a directory in the data directory")
	}
	f, _, errOut, _ = testFactory(t)
	if code := runCmd(f, "ca", "issue", "client", "--ca-dir", caDir, "--user", "alice", "-o", filepath.Join(dir, "alice")); code != 0 {
		t.Errorf("-o outside the data directory: exit %d\n%s", code, errOut)
	}
}

// TestCASerialsReadAlike: every serial the CA commands print, in text and JSON, is
// written one way, openssl's -serial form (upper-case hex, no colons), which names
// the copy in newcerts/ and which ca revoke takes back.
func TestCASerialsReadAlike(t *testing.T) {
	caDir := filepath.Join(t.TempDir(), "ca")
	run := func(args ...string) string {
		t.Helper()
		f, out, errOut, _ := testFactory(t)
		if code := runCmd(f, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
		return out.String()
	}
	var initRep struct{ Root struct{ Serial, File string } }
	json.Unmarshal([]byte(run("ca", "init", "--ca-dir", caDir, "--json")), &initRep)
	var issued struct{ Serial, Dir string }
	json.Unmarshal([]byte(run("ca", "issue", "client", "--ca-dir", caDir, "--user", "alice", "--json")), &issued)
	cert := firstCert(t, filepath.Join(issued.Dir, "postgresql.crt"))
	root := firstCert(t, initRep.Root.File)
	for _, c := range []struct {
		got  string
		want []byte
	}{{issued.Serial, cert.SerialNumber.Bytes()}, {initRep.Root.Serial, root.SerialNumber.Bytes()}} {
		if c.got != strings.ToUpper(hex.EncodeToString(c.want)) {
			t.Errorf("serial %q, want %X", c.got, c.want)
		}
	}
	list := run("ca", "list", "--ca-dir", caDir)
	if !strings.Contains(list, " "+issued.Serial+" ") {
		t.Errorf("ca list does not show %s:\n%s", issued.Serial, list)
	}
	var listed struct {
		Certificates []struct{ Serial, File string }
	}
	json.Unmarshal([]byte(run("ca", "list", "--ca-dir", caDir, "--json")), &listed)
	if len(listed.Certificates) != 1 || listed.Certificates[0].Serial != issued.Serial ||
		filepath.Base(listed.Certificates[0].File) != issued.Serial+".pem" {
		t.Errorf("ca list --json: %+v, want serial %s", listed, issued.Serial)
	}
	var revoked struct{ Serial string }
	json.Unmarshal([]byte(run("ca", "revoke", "--ca-dir", caDir, issued.Serial, "--json")), &revoked)
	if revoked.Serial != issued.Serial {
		t.Errorf("ca revoke reports %q, want %s", revoked.Serial, issued.Serial)
	}
}
