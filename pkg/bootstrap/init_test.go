package bootstrap_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testnotify"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
)

// initOptions are Init's options for a data directory under dir and a CA
// directory dir/newca that Init creates, with rec hearing the reports.
func initOptions(dir string, rec *testnotify.Recorder) bootstrap.InitOptions {
	return bootstrap.InitOptions{
		DataDir: filepath.Join(dir, "pgdata"), Days: 365, Clients: []string{"alice"},
		CADir: func(string) (string, error) { return filepath.Join(dir, "newca"), nil },
		CreateCA: func(caDir, dataDir string) (*ca.CA, error) {
			return ca.Create(caDir, ca.CreateOptions{Now: now})
		},
		DefaultHosts: func() []string { return []string{"db.example.com", "localhost"} },
		Now:          func() time.Time { return now },
		Reporter:     rec,
	}
}

func TestInit(t *testing.T) {
	dir, _, _ := setup(t, false)
	rec := &testnotify.Recorder{}
	o := initOptions(dir, rec)
	var locked []string
	released := 0
	o.Lock = func(d string) (func(), error) { locked = append(locked, d); return func() { released++ }, nil }
	r, err := bootstrap.Init(o)
	if err != nil {
		t.Fatal(err)
	}
	pg := filepath.Join(dir, "pgdata")
	if len(locked) != 1 || locked[0] != pg || released != 1 {
		t.Errorf("lock: %v, released %d times; want %s once", locked, released, pg)
	}
	if !r.CA.Created || r.Server.SANs != "DNS:db.example.com,DNS:localhost" || len(r.Clients) != 1 {
		t.Errorf("result: CA created %v, SANs %q, %d clients", r.CA.Created, r.Server.SANs, len(r.Clients))
	}
	if want := "info: created a CA in " + filepath.Join(dir, "newca"); len(rec.Lines) == 0 || rec.Lines[0] != want {
		t.Errorf("reports %q, want first %q", rec.Lines, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "newca", "clients", "alice", "postgresql.key")); err != nil {
		t.Errorf("alice's bundle: %v", err)
	}

	// Again, without --force: refused before anything is asked of the CA.
	o.CreateCA = func(string, string) (*ca.CA, error) { t.Fatal("the CA exists"); return nil, nil }
	o.DefaultHosts = func() []string { t.Fatal("the previous hosts are kept"); return nil }
	var he *hint.Error
	if _, err := bootstrap.Init(o); !errors.As(err, &he) || !strings.Contains(err.Error(), "server.key already exists") {
		t.Fatalf("rerun without force: %v", err)
	}
	// The person allows it: the CA is reused, the hosts kept.
	var asked []string
	o.Overwrite = func(paths []string) (bool, error) { asked = paths; return true, nil }
	rec.Lines = nil
	if r, err = bootstrap.Init(o); err != nil {
		t.Fatal(err)
	}
	if len(asked) == 0 || r.CA.Created || r.Server.SANs != "DNS:db.example.com,DNS:localhost" {
		t.Errorf("rerun: asked about %v, CA created %v, SANs %q", asked, r.CA.Created, r.Server.SANs)
	}
	if want := "info: using the CA in " + filepath.Join(dir, "newca"); !strings.Contains(strings.Join(rec.Lines, "\n"), want) {
		t.Errorf("reports %q, want %q", rec.Lines, want)
	}
	// An intermediate is asked of a CA that has none.
	o.Intermediate = true
	if _, err := bootstrap.Init(o); err == nil || !strings.Contains(err.Error(), "has no intermediate CA") {
		t.Errorf("--intermediate on a CA without one: %v", err)
	}
}

// TestInitRefusesFirst: a wrong role or host is refused before the data
// directory is created or locked.
func TestInitRefusesFirst(t *testing.T) {
	dir := t.TempDir()
	for name, change := range map[string]func(*bootstrap.InitOptions){
		"role twice":    func(o *bootstrap.InitOptions) { o.Replication = []string{"alice"} },
		"role with /":   func(o *bootstrap.InitOptions) { o.Clients = []string{"a/b"} },
		"wildcard host": func(o *bootstrap.InitOptions) { o.Hosts = []string{"*.com"} },
		"bad host":      func(o *bootstrap.InitOptions) { o.Hosts = []string{"db..example.com"} },
	} {
		o := initOptions(dir, &testnotify.Recorder{})
		o.Lock = func(string) (func(), error) { t.Fatalf("%s: locked", name); return nil, nil }
		change(&o)
		_, err := bootstrap.Init(o)
		var ue *hint.UsageError
		var he *hint.Error
		if !errors.As(err, &ue) && !errors.As(err, &he) {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
		if _, err := os.Stat(o.DataDir); !os.IsNotExist(err) {
			t.Errorf("%s: the data directory was made", name)
		}
	}
}

func TestCheckRoles(t *testing.T) {
	for _, tc := range []struct {
		roles []string
		want  string
	}{
		{[]string{"alice", "bob"}, ""},
		{[]string{""}, "give the role"},
		{[]string{strings.Repeat("a", 65)}, "at most 64 characters"},
		{[]string{"a\tb"}, "control characters"},
		{[]string{".."}, "give the directory with --clients-dir"},
		{[]string{"alice", "alice"}, "role alice is given twice"},
	} {
		err := bootstrap.CheckRoles(tc.roles, "--clients-dir", "role %s is given twice")
		var ue *hint.UsageError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.roles, err)
		case tc.want != "" && (!errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: %v, want a usage error with %q", tc.roles, err, tc.want)
		}
	}
}

// TestInitStepRefusals: with a step-ca, a data directory that records a CA
// directory, and client bundles inside the data directory, are refused before
// the step-ca is asked anything.
func TestInitStepRefusals(t *testing.T) {
	dir, dd, c := setup(t, false)
	o := initOptions(dir, &testnotify.Recorder{})
	o.Step = &bootstrap.InitStep{
		DefaultCADir: func() (string, error) { return filepath.Join(dd.Dir, "ca"), nil },
		Password:     func(string) ([]byte, error) { t.Fatal("no password is asked"); return nil, nil },
	}
	o.Step.Connect.URL = "https://127.0.0.1:1"
	if _, err := bootstrap.Init(o); err == nil || !strings.Contains(err.Error(), "is inside the data directory") {
		t.Errorf("clients in the data directory: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dd.Dir, ca.DataDirFile), c.Record().Marshal(), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := bootstrap.Init(o)
	if err == nil || !strings.Contains(err.Error(), "records the CA directory "+c.Dir+", not the step-ca at https://127.0.0.1:1") {
		t.Errorf("data directory of a CA directory: %v", err)
	}
}

// TestForm: after an init, the form offers the hosts of the server certificate
// the CA issued, asks nothing about a new CA, and offers to configure.
func TestForm(t *testing.T) {
	dir, _, _ := setup(t, false)
	o := initOptions(dir, &testnotify.Recorder{})
	o.Hosts = []string{"db1.example.com"}
	if _, err := bootstrap.Init(o); err != nil {
		t.Fatal(err)
	}
	form, err := bootstrap.NewForm(filepath.Join(dir, "pgdata"), o.CADir)
	if err != nil {
		t.Fatal(err)
	}
	machine := func() []string { t.Error("the machine's names are offered"); return nil }
	if got := form.DefaultHosts(machine); strings.Join(got, ",") != "db1.example.com" {
		t.Errorf("default hosts %q, want the previous certificate's", got)
	}
	if form.NewCA() || !form.OffersConfigure() {
		t.Errorf("NewCA %v, OffersConfigure %v; want false, true", form.NewCA(), form.OffersConfigure())
	}
	if err := form.CheckKeyType("ed25519", false); err != nil {
		t.Errorf("ed25519 for an existing CA: %v", err)
	}
	s := form.Summary(bootstrap.Answers{Hosts: []string{"db1.example.com"}, Configure: true}, o.Key, "", "pgcert init")
	if s.CA == nil || s.Configure == nil || s.Configure.ConfigFile != filepath.Join(dir, "pgdata", "postgresql.conf") {
		t.Errorf("summary: CA %v, configure %+v", s.CA, s.Configure)
	}
	if _, err := bootstrap.ParseHosts("*.com", false); err == nil {
		t.Error("*.com is accepted without force")
	}
	if _, err := bootstrap.ParseHosts("*.com", true); err != nil {
		t.Errorf("*.com with force: %v", err)
	}
}
