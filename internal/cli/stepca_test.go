package cli

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/iostreams"
)

// TestInitStepCAFlags: --ca-url needs a way to trust the CA (a usage error,
// exit 2), and a CA that does not answer is a failure naming its address, with
// nothing written into the data directory.
func TestInitStepCAFlags(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "https://" + l.Addr().String()
	l.Close()
	dir := filepath.Join(t.TempDir(), "data")
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--ca-url", url}, cmdutil.ExitUsage, []string{"--ca-root FILE or --ca-fingerprint SHA256"}},
		{[]string{"--ca-url", url, "--ca-fingerprint", strings.Repeat("ab", 32)}, cmdutil.ExitFailure, []string{"did not answer", url, "pgcert: hint: check that step-ca runs"}},
		{[]string{"--ca-url", "http://" + l.Addr().String(), "--ca-fingerprint", strings.Repeat("ab", 32)}, cmdutil.ExitFailure, []string{"not a CA address"}},
	} {
		ios, _, _, errOut := iostreams.Test()
		args := append([]string{"init", "-D", dir, "--host", "db.example.com", "--no-input"}, tc.args...)
		if code := Main(args, ios); code != tc.code {
			t.Errorf("%v: exit %d, want %d\n%s", tc.args, code, tc.code, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut.String(), w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, errOut)
			}
		}
		for _, name := range []string{"server.key", "server.crt", "root.crt", "pgcert-ca.conf"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				t.Errorf("%v: %s was written", tc.args, name)
			}
		}
	}
}
