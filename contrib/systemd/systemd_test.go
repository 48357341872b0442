// Package systemd holds the systemd units that run pgcert renew from a timer; its
// test checks them with systemd-analyze verify.
package systemd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

// TestUnitsVerify runs systemd-analyze verify on an instance of the service and the
// timer, with ExecStart pointing at an executable that exists here: any warning (an
// unknown setting, a bad value) fails the test, not only an error. It also checks that
// the service runs renew with --reload and nothing that names the CA: the data
// directory records its CA.
func TestUnitsVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		testenv.Missing(t, "systemd-analyze (Debian package systemd) is not installed")
	}
	dir := t.TempDir()
	for _, name := range []string{"pgcert-renew@.service", "pgcert-renew@.timer"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if name == "pgcert-renew@.service" {
			cmdline := execStart(string(data))
			if !strings.Contains(cmdline, " renew -D /var/lib/postgresql/%I ") || !strings.Contains(cmdline, "--reload") ||
				strings.Contains(cmdline, "--ca-dir") {
				t.Errorf("ExecStart=%s: want renew -D of the instance's data directory with --reload, and no --ca-dir", cmdline)
			}
			data = []byte(strings.ReplaceAll(string(data), "ExecStart=/usr/local/bin/pgcert", "ExecStart=/bin/true"))
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(analyze, "verify", "--man=no", "pgcert-renew@15-main.service", "pgcert-renew@15-main.timer")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func execStart(unit string) string {
	for _, line := range strings.Split(unit, "\n") {
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			return v + " "
		}
	}
	return ""
}
