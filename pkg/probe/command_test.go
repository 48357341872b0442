package probe

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
)

func validCommand(targets ...string) Command {
	return Command{Targets: targets, SSLMode: DefaultSSLMode, Timeout: DefaultTimeout, Parallel: DefaultParallel}
}

func TestCommandValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Command)
		want   string
	}{
		{"bad target", func(c *Command) { c.Targets = []string{"db:x"} }, `bad target: "x": port must be a number from 1 to 65535`},
		{"hostaddr with two", func(c *Command) { c.Targets = []string{"a", "b"}; c.HostAddr = "10.0.0.5" }, "--hostaddr goes with one HOST"},
		{"parallel", func(c *Command) { c.Targets = []string{"a", "b"}; c.Parallel = 0 }, "--parallel must be 1 or more, not 0"},
		{"two outputs", func(c *Command) { c.Prometheus, c.JSON = true, true }, "--prometheus and --json are two outputs"},
		{"sslmode", func(c *Command) { c.SSLMode = "prefer" }, `--sslmode must be one of require, verify-ca, verify-full, not "prefer"`},
		{"cert alone", func(c *Command) { c.Cert = "c.crt" }, "--cert and --key go together"},
		{"timeout", func(c *Command) { c.Timeout = 0 }, "--timeout must be positive"},
		{"warn days", func(c *Command) { c.WarnDays = -1 }, "--warn-days must be 0 or more, not -1"},
	} {
		c := validCommand("db.example.com")
		tc.change(&c)
		err := c.Validate()
		var ue *hint.UsageError
		if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a usage error %q", tc.name, err, tc.want)
		}
	}
	c := validCommand("[2001:db8::5]:6543")
	if err := c.Validate(); err != nil || c.Host != "2001:db8::5" || c.Port != 6543 || c.Fleet() {
		t.Errorf("one target: %v %q %d fleet %v", err, c.Host, c.Port, c.Fleet())
	}
}

func TestCommandFleetTargets(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "fleet.txt")
	os.WriteFile(list, []byte("db2.example.com:5433\n"), 0o644)
	services := filepath.Join(dir, "pg_service.conf")
	os.WriteFile(services, []byte("[a]\nhost=db3.example.com\nsslmode=require\nsslrootcert=/etc/a.crt\n"), 0o644)
	env := Env{ReadFile: os.ReadFile}

	c := validCommand("db1.example.com")
	c.TargetsFile, c.ServiceFile = list, services
	got, err := c.fleetTargets(env)
	if err != nil || len(got) != 3 || got[0].Name != "db1.example.com:5432" || got[1].Port != 5433 || got[2].SSLMode != "require" || got[2].SSLRootCert != "/etc/a.crt" {
		t.Fatalf("targets: %+v, %v", got, err)
	}
	c.SSLModeGiven, c.RootGiven = true, true
	got, _ = c.fleetTargets(env)
	if got[2].SSLMode != DefaultSSLMode || got[2].SSLRootCert != "" {
		t.Errorf("the command line's sslmode and root should win over the service's: %+v", got[2])
	}

	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("# none yet\n"), 0o644)
	c = validCommand()
	c.TargetsFile = empty
	var ue *hint.UsageError
	if _, err := c.fleetTargets(env); !errors.As(err, &ue) || err.Error() != empty+" lists no server" {
		t.Errorf("empty file: %v", err)
	}
	os.WriteFile(empty, []byte("db:0\n"), 0o644)
	if _, err := c.fleetTargets(env); !errors.As(err, &ue) || strings.Contains(err.Error(), "probe: ") || !strings.HasPrefix(err.Error(), empty+":1: bad target") {
		t.Errorf("bad line: %v", err)
	}
}

func TestCommandRoots(t *testing.T) {
	dir := t.TempDir()
	c := validCommand("db")
	file, roots, err := c.roots(Env{ReadFile: os.ReadFile, DefaultRoot: filepath.Join(dir, "root.crt")})
	if file != "" || roots != nil || err != nil {
		t.Errorf("no default root file: %q %v %v", file, roots, err)
	}
	bad := filepath.Join(dir, "bad.crt")
	os.WriteFile(bad, []byte("not a certificate"), 0o644)
	c.Root = bad
	_, _, err = c.roots(Env{ReadFile: os.ReadFile})
	var he *hint.Error
	if !errors.As(err, &he) || !strings.HasPrefix(err.Error(), bad+": ") || !strings.Contains(he.Hints[0], "--root") {
		t.Errorf("bad root file: %v", err)
	}
	c.Root = ""
	c.Cert, c.Key = filepath.Join(dir, "missing.crt"), filepath.Join(dir, "missing.key")
	if _, err := c.Run(context.Background(), Env{ReadFile: os.ReadFile, DefaultRoot: filepath.Join(dir, "root.crt"), Now: func() time.Time { return time.Unix(0, 0) }}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing client certificate should fail before dialling: %v", err)
	}
}
