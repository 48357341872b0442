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
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

func TestSelfSignDataDirLocksAndRefuses(t *testing.T) {
	dir, _, _, err := fixture(false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var events []string
	var n testnotify.Recorder
	h := exampleHooks()
	h.Reporter = &n
	o := bootstrap.SelfSignCommand{KeyHooks: h, DataDir: dir,
		KeyFlags: bootstrap.KeyFlags{Type: "ec", Curve: "P-256"}, Days: 30, Now: func() time.Time { return now },
		DefaultHosts: func() []string { events = append(events, "hosts"); return []string{"db.example.com", "localhost"} },
		InspectDataDir: func(d string) (*pgdata.DataDir, error) {
			events = append(events, "inspect")
			return bootstrap.InspectDataDir(d, func(string) { events = append(events, "cleanup") })
		},
		LockDataDir: func(string) (func(), error) {
			events = append(events, "lock")
			return func() { events = append(events, "release") }, nil
		},
	}
	r, err := bootstrap.SelfSignDataDir(o)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(events, " "); got != "hosts inspect lock release" {
		t.Errorf("events %q", got)
	}
	if r.Certificate.SANs.Strings()[0] != "DNS:db.example.com" || len(n.Lines) != 1 || !strings.HasPrefix(n.Lines[0], "info: ") {
		t.Errorf("certificate %v, notes %q", r.Certificate.SANs.Strings(), n.Lines)
	}

	_, err = bootstrap.SelfSignDataDir(o)
	var he *hint.Error
	if !errors.As(err, &he) || he.Hints[0] != "add --force to replace server.key and server.crt (both are replaced, or neither)" {
		t.Errorf("existing files without --force: %v", err)
	}

	o.Hosts = []string{"bad host"}
	var ue *hint.UsageError
	if _, err = bootstrap.SelfSignDataDir(o); !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), "--host: ") {
		t.Errorf("a bad host: %v", err)
	}
}

func TestInspectDataDirErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	var he *hint.Error
	_, err := bootstrap.InspectDataDir(filepath.Join(dir, "missing"), nil)
	if !errors.As(err, &he) || !strings.HasSuffix(err.Error(), "missing: no such directory") || !strings.Contains(he.Hints[0], "mkdir -m 700") {
		t.Errorf("missing: %v", err)
	}
	if _, err := bootstrap.InspectDataDir(file, nil); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("a file: %v", err)
	}
}
