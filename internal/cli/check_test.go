package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/keys"
)

// runCheck runs `pgcert check` with args and returns stdout, stderr and the exit code.
func runCheck(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	f, out, errOut, _ := testFactory(t)
	code := runCmd(f, append([]string{"check"}, args...)...)
	return out.String(), errOut.String(), code
}

// checkDoc runs check --json and decodes the report.
func checkDoc(t *testing.T, args ...string) (*checkReport, int) {
	t.Helper()
	out, errOut, code := runCheck(t, append(args, "--json")...)
	var rep checkReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("no JSON (exit %d): %v\nstdout:\n%s\nstderr:\n%s", code, err, out, errOut)
	}
	return &rep, code
}

// problems lists the report's warnings and errors as "group/check level".
func problems(r *checkReport) []string {
	var out []string
	for _, g := range r.Files {
		key := g.Setting
		if key == "" {
			key = g.Name
		}
		for _, fd := range g.Findings {
			if fd.Level != levelOK {
				out = append(out, key+"/"+fd.Check+" "+string(fd.Level))
			}
		}
	}
	return out
}

// finding returns the only finding of group and check at level, failing otherwise.
func finding(t *testing.T, r *checkReport, group, check string, level doctor.Level) doctor.Finding {
	t.Helper()
	var found []doctor.Finding
	for _, g := range r.Files {
		if g.Setting != group && g.Name != group {
			continue
		}
		for _, fd := range g.Findings {
			if fd.Check == check && fd.Level == level {
				found = append(found, fd)
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s %s/%s, got %d; problems %v", level, group, check, len(found), problems(r))
	}
	return found[0]
}

// findings returns every finding of group and check.
func findings(r *checkReport, group, check string) []doctor.Finding {
	var out []doctor.Finding
	for _, g := range r.Files {
		if g.Setting != group && g.Name != group {
			continue
		}
		for _, fd := range g.Findings {
			if fd.Check == check {
				out = append(out, fd)
			}
		}
	}
	return out
}

func wantProblems(t *testing.T, r *checkReport, code, wantCode int, want ...string) {
	t.Helper()
	got := problems(r)
	if code != wantCode || strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("exit %d, problems %v; want exit %d, %v", code, got, wantCode, want)
	}
}

func TestCheckCleanSetup(t *testing.T) {
	p := testdatadir.NewPKI(t)
	dir := testdatadir.New(t, p, nil)
	rep, code := checkDoc(t, "-D", dir, "--host", "db.example.com", "--host", "10.0.0.5")
	wantProblems(t, rep, code, cmdutil.ExitOK)
	if !rep.OK || rep.Version != "15" || rep.VersionAssumed || rep.DataDirectory != dir || rep.WarnDays != defaultWarnDays ||
		rep.CheckedAt != testpki.Now || len(rep.Hosts) != 2 {
		t.Errorf("report %+v", rep)
	}
	var names []string
	for _, g := range rep.Files {
		names = append(names, g.Name)
	}
	if strings.Join(names, " ") != "postgresql.conf server.crt server.key pg_hba.conf" {
		t.Errorf("groups %v", names)
	}
	crt := rep.Files[1]
	if len(crt.Certificates) != 2 || crt.Certificates[0].Subject != "CN=db.example.com" || crt.Certificates[0].DaysLeft != 365 || crt.Setting != "ssl_cert_file" {
		t.Errorf("server.crt group %+v", crt)
	}
	if hosts := findings(rep, "ssl_cert_file", "host"); len(hosts) != 2 || !strings.Contains(hosts[0].Message, "db.example.com") || !strings.Contains(hosts[1].Message, "10.0.0.5") {
		t.Errorf("host findings %+v", hosts)
	}

	out, _, code := runCheck(t, "-D", dir)
	if code != 0 || !strings.HasSuffix(out, "all ok\n") || !strings.Contains(out, "server.key (ssl_key_file)  "+filepath.Join(dir, "server.key")) ||
		strings.Contains(out, "\x1b[") {
		t.Errorf("human output:\n%s", out)
	}
}

func TestCheckColorOnlyWhenAsked(t *testing.T) {
	p := testdatadir.NewPKI(t)
	dir := testdatadir.New(t, p, []string{"ssl_min_protocol_version = 'TLSv1'"})
	f, out, _, _ := testFactory(t)
	f.IO.SetColorEnabled(true)
	root := NewRootCmd(f)
	root.SetArgs([]string{"check", "-D", dir})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\x1b[33mwarning") || !strings.Contains(out.String(), "\x1b[32mok") {
		t.Errorf("no colours on a terminal:\n%q", out.String())
	}
}

// TestCheckFlags runs the flags that become doctor.Options through the command: the
// passphrase source, --strict and --warn-days decide the exit code, and the human
// output locates a configuration error.
func TestCheckFlags(t *testing.T) {
	p := testdatadir.NewPKI(t)
	dir := testdatadir.New(t, p, []string{"ssl_passphrase_command = 'echo sesame'"})
	enc, err := keys.MarshalEncryptedPKCS8PEM(p.Server.Key, []byte("sesame"), keys.EncryptOptions{Iterations: 1000})
	if err != nil {
		t.Fatal(err)
	}
	testdatadir.Write(t, dir, "server.key", enc, 0o600)
	rep, code := checkDoc(t, "-D", dir, "--passin", "pass:sesame")
	wantProblems(t, rep, code, cmdutil.ExitOK, "ssl_key_file/passphrase warning")
	if fd := finding(t, rep, "ssl_key_file", "match", levelOK); !strings.HasPrefix(fd.Message, "belongs to the first certificate") {
		t.Errorf("--passin did not decrypt the key: %+v", fd)
	}
	rep, code = checkDoc(t, "-D", dir, "--passin", "pass:wrong")
	wantProblems(t, rep, code, cmdutil.ExitFailure, "ssl_key_file/passphrase warning", "ssl_key_file/passphrase error")
	rep, code = checkDoc(t, "-D", dir, "--strict")
	wantProblems(t, rep, code, cmdutil.ExitFailure, "ssl_key_file/passphrase warning")
	if rep.OK || !rep.Strict {
		t.Errorf("--strict with a warning: ok %v", rep.OK)
	}

	soon := testpki.Make(t, testpki.Template{CN: "db.example.com", DNS: []string{"db.example.com"}, NotAfter: testpki.Now.Add(10 * 24 * time.Hour)}, p.Inter)
	dir = testdatadir.New(t, p, nil)
	testdatadir.Write(t, dir, "server.crt", testpki.Bundle(soon, p.Inter), 0o644)
	testdatadir.Write(t, dir, "server.key", soon.KeyPEM(t), 0o600)
	rep, code = checkDoc(t, "-D", dir)
	wantProblems(t, rep, code, cmdutil.ExitOK, "ssl_cert_file/expiry warning")
	rep, code = checkDoc(t, "-D", dir, "--warn-days", "5")
	wantProblems(t, rep, code, cmdutil.ExitOK)
	if rep.WarnDays != 5 {
		t.Errorf("warn_days %d", rep.WarnDays)
	}

	dir = testdatadir.New(t, p, []string{"ssl_cert_file = server.crt"})
	out, _, code := runCheck(t, "-D", dir)
	conf := filepath.Join(dir, "postgresql.conf")
	if code != cmdutil.ExitFailure || !strings.Contains(out, "server: syntax error in file") || !strings.Contains(out, "at "+conf+":2\n") {
		t.Errorf("the human output does not locate the error (exit %d):\n%s", code, out)
	}
}

func TestCheckDirectoryErrors(t *testing.T) {
	p := testdatadir.NewPKI(t)
	missing := filepath.Join(t.TempDir(), "nothere")
	_, errOut, code := runCheck(t, "-D", missing)
	if code != cmdutil.ExitFailure || !strings.HasPrefix(errOut, "pgcert: error: "+missing+": no such directory\npgcert: hint: ") {
		t.Errorf("missing directory: exit %d, %q", code, errOut)
	}
	_, errOut, code = runCheck(t, "-D", t.TempDir())
	if code != cmdutil.ExitFailure || !strings.Contains(errOut, "no postgresql.conf found") {
		t.Errorf("empty directory: exit %d, %q", code, errOut)
	}
	_, errOut, code = runCheck(t)
	if code != cmdutil.ExitUsage || !strings.Contains(errOut, "-D PGDATA") {
		t.Errorf("no -D: exit %d, %q", code, errOut)
	}
	_, _, code = runCheck(t, "-D", missing, "--warn-days", "-1")
	if code != cmdutil.ExitUsage {
		t.Errorf("--warn-days -1: exit %d", code)
	}

	dir := testdatadir.New(t, p, nil)
	if err := os.Remove(filepath.Join(dir, "server.crt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "PG_VERSION")); err != nil {
		t.Fatal(err)
	}
	rep, code := checkDoc(t, "-D", dir)
	wantProblems(t, rep, code, cmdutil.ExitFailure, "postgresql.conf/data-directory warning", "ssl_cert_file/access error")
	if fd := finding(t, rep, "ssl_cert_file", "access", levelError); fd.Message != `could not load server certificate file "server.crt": No such file or directory` || fd.Source != doctor.SourceServer {
		t.Errorf("missing server.crt: %+v", fd)
	}
	if !rep.VersionAssumed || rep.Version != "18" {
		t.Errorf("version %q assumed %v", rep.Version, rep.VersionAssumed)
	}
}
