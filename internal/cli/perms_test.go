package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// fakeUsers is a keyperm.Lookup that knows one database user "pg", who is the test's
// own user (so that the test's files are its own), with the given primary group.
type fakeUsers struct {
	pg keyperm.Identity
}

func newFakeUsers() fakeUsers {
	id := keyperm.Process()
	id.Name, id.GroupName = "pg", "pggroup"
	return fakeUsers{pg: id}
}

func (u fakeUsers) LookupUser(name string) (keyperm.Identity, error) {
	if name == "pg" {
		return u.pg, nil
	}
	return keyperm.Identity{}, errors.New("no such user")
}

func (u fakeUsers) LookupUID(uid uint32) (keyperm.Identity, error) {
	if uid == u.pg.UID {
		return u.pg, nil
	}
	return keyperm.Identity{}, errors.New("no such user")
}

func (u fakeUsers) GroupName(gid uint32) (string, error) {
	if gid == u.pg.GID {
		return u.pg.GroupName, nil
	}
	return "", errors.New("no such group")
}

// runPerms runs `pgcert perms check|fix` through the command, with the fake users and
// the given actor.
func runPerms(t *testing.T, actor keyperm.Identity, json bool, args ...string) (string, string, int) {
	t.Helper()
	f, out, errOut, _ := testFactory(t)
	f.Global.JSON = json
	var cmd *cobra.Command
	run := func(opts *permsOptions) error {
		opts.lookup, opts.actor = newFakeUsers(), actor
		return permsRun(opts)
	}
	switch args[0] {
	case "check":
		cmd = newPermsCheckCmd(f, run)
	case "fix":
		cmd = newPermsFixCmd(f, run)
	}
	cmd.SetArgs(args[1:])
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	if err != nil && isCobraUsageError(err) {
		err = &hint.UsageError{Err: err}
	}
	code := f.Report(err)
	return out.String(), errOut.String(), code
}

func keyFile(t *testing.T, dir, name string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("-----BEGIN PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func modeOf(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestPermsUsage(t *testing.T) {
	me := keyperm.Process()
	for _, args := range [][]string{
		{"check"},
		{"check", "-D", "/x", "server.key"},
		{"check", "-D", "/x", "--client"},
		{"check", "server.key"},
		{"fix", "--owner", "nobody-at-all", "server.key"},
		{"check", "--no-such-flag", "server.key"},
	} {
		if _, errOut, code := runPerms(t, me, false, args...); code != cmdutil.ExitUsage || !strings.HasPrefix(errOut, "pgcert: error: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

func TestPermsCheckAndFixKeys(t *testing.T) {
	me := keyperm.Process()
	dir := t.TempDir()
	key := keyFile(t, dir, "server.key", 0o644)

	out, _, code := runPerms(t, me, false, "check", "--owner", "pg", key)
	want := fmt.Sprintf("error  %s: private key file \"%s\" has group or world access\n       DETAIL: %s\n       fix: chmod 0600 %s\n", key, key, keyperm.ServerKeyDetail, key)
	if code != cmdutil.ExitFailure || out != want {
		t.Fatalf("check: exit %d\n%s\nwant\n%s", code, out, want)
	}

	out, _, code = runPerms(t, me, false, "fix", "--owner", "pg", key)
	if code != cmdutil.ExitOK || out != fmt.Sprintf("%s: chmod 0600 %s (was 0644)\n", key, key) || modeOf(t, key) != 0o600 {
		t.Fatalf("fix: exit %d, %q, mode %04o", code, out, modeOf(t, key))
	}
	out, _, code = runPerms(t, me, false, "fix", "--owner", "pg", key)
	if code != cmdutil.ExitOK || out != "nothing to change\n" {
		t.Errorf("second fix: exit %d, %q", code, out)
	}
	out, _, code = runPerms(t, me, false, "check", "--owner", "pg", key)
	if code != cmdutil.ExitOK || out != "ok     "+key+"\n" {
		t.Errorf("check after fix: exit %d, %q", code, out)
	}

	// A link is fixed at its target, and the link stays a link.
	target := keyFile(t, dir, "real.key", 0o640)
	link := filepath.Join(dir, "link.key")
	if err := os.Symlink("real.key", link); err != nil {
		t.Fatal(err)
	}
	realTarget, _ := filepath.EvalSymlinks(target)
	out, _, code = runPerms(t, me, false, "fix", "--owner", "pg", link)
	wantOut := fmt.Sprintf("%s: chmod 0600 %s (was 0640)\n%s is a symbolic link: fixed its target %s, not the link\n", link, realTarget, link, realTarget)
	if code != cmdutil.ExitOK || out != wantOut || modeOf(t, target) != 0o600 {
		t.Fatalf("fix through a link: exit %d\n%s\nwant\n%s", code, out, wantOut)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", st, err)
	}

	// A missing file cannot be fixed.
	out, _, code = runPerms(t, me, false, "fix", "--owner", "pg", filepath.Join(dir, "nothere.key"))
	if code != cmdutil.ExitFailure || !strings.Contains(out, "no change of mode or owner can fix:") || !strings.Contains(out, "No such file or directory") {
		t.Errorf("missing file: exit %d, %q", code, out)
	}
}

func TestPermsFixRefusesWhatNeedsRoot(t *testing.T) {
	dir := t.TempDir()
	key := keyFile(t, dir, "server.key", 0o644)
	other := keyFile(t, dir, "other.key", 0o644)
	// Someone who owns neither file and is not root.
	stranger := keyperm.Identity{UID: keyperm.Process().UID + 4242, GID: 4242}
	out, errOut, code := runPerms(t, stranger, false, "fix", "--owner", "pg", key, other)
	if code != cmdutil.ExitFailure || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.HasPrefix(errOut, "pgcert: error: "+key+" and 1 more file(s): only root can make this change") ||
		!strings.Contains(errOut, "no file was changed\n") ||
		!strings.Contains(errOut, "pgcert: hint: run it as root: sudo pgcert perms fix --owner pg "+key+" "+other+"\n") ||
		!strings.Contains(errOut, "pgcert: hint: or, as root, for "+key+": chmod 0600 "+key+"\n") {
		t.Errorf("stderr:\n%s", errOut)
	}
	if modeOf(t, key) != 0o644 || modeOf(t, other) != 0o644 {
		t.Errorf("a file changed")
	}
}

func TestPermsClientRule(t *testing.T) {
	me := keyperm.Process()
	dir := t.TempDir()
	key := keyFile(t, dir, "postgresql.key", 0o604)
	out, _, code := runPerms(t, me, false, "check", "--client", key)
	if code != cmdutil.ExitFailure || !strings.Contains(out, fmt.Sprintf(keyperm.ClientKeyMessage, key)) {
		t.Fatalf("check --client: exit %d, %q", code, out)
	}
	out, _, code = runPerms(t, me, true, "fix", "--client", key)
	var rep permsReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != cmdutil.ExitOK {
		t.Fatalf("fix --client --json: exit %d, %v\n%s", code, err, out)
	}
	if rep.Rule != "client" || !rep.OK || len(rep.Changes) != 1 || rep.Changes[0].OldMode != "0604" || rep.Changes[0].Mode != "0600" ||
		len(rep.Files) != 1 || rep.Files[0].Kind != kindClientKey || rep.Files[0].Mode != "0600" || !rep.Files[0].OK {
		t.Errorf("report %+v", rep)
	}
}

func TestPermsDataDirectory(t *testing.T) {
	p := testdatadir.NewPKI(t)
	dir := testdatadir.New(t, p, []string{"ssl_ca_file = 'root.crt'", "ssl_crl_file = 'root.crl'", "ssl_crl_dir = 'crls'"})
	testdatadir.Write(t, dir, "root.crt", p.Root.PEM(), 0o644)
	testdatadir.Write(t, dir, "root.crl", nil, 0o000)
	testdatadir.Write(t, dir, "crls/0123abcd.r0", nil, 0o644)
	testdatadir.Write(t, dir, "crls/README", nil, 0o600)
	testdatadir.Write(t, dir, "server.key", p.Server.KeyPEM(t), 0o640)

	me := keyperm.Process()
	out, _, code := runPerms(t, me, true, "check", "-D", dir)
	var rep permsReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Files {
		got = append(got, fmt.Sprintf("%s %s %s %v", f.Name, f.Setting, f.Kind, f.OK))
	}
	rootCanRead := me.UID == 0
	want := []string{
		"server.crt ssl_cert_file server-certificate true",
		"server.key ssl_key_file server-key false",
		"root.crt ssl_ca_file root-certificate true",
		fmt.Sprintf("root.crl ssl_crl_file crl-file %v", rootCanRead),
		"crls ssl_crl_dir crl-directory true",
		"crls/0123abcd.r0 ssl_crl_dir crl-directory-entry true",
	}
	if code != cmdutil.ExitFailure || strings.Join(got, "\n") != strings.Join(want, "\n") || rep.DataDir != dir || rep.User != "pg" {
		t.Fatalf("exit %d, files\n%s\nwant\n%s", code, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	out, _, code = runPerms(t, me, false, "fix", "-D", dir)
	if code != cmdutil.ExitOK || !strings.Contains(out, "server.key: chmod 0600 "+filepath.Join(dir, "server.key")+" (was 0640)\n") {
		t.Fatalf("fix -D: exit %d\n%s", code, out)
	}
	if !rootCanRead && !strings.Contains(out, "root.crl: chmod 0644") {
		t.Errorf("an unreadable CRL was not made readable:\n%s", out)
	}
}
