package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// TestDaysRange: every command with --days refuses a number of days that would end
// after 9999-12-31, in days and dates and with exit 2, before it writes anything;
// 9223372036854775807 days (which wrapped round to a certificate expired the day
// before) included.
func TestDaysRange(t *testing.T) {
	commands := [][]string{
		{"ca", "init", "--ca-dir", "CA"},
		{"ca", "issue", "server", "--ca-dir", "CA", "--host", "db.example.com", "-o", "OUT/server"},
		{"ca", "issue", "client", "--ca-dir", "CA", "--user", "alice", "-o", "OUT"},
		{"ca", "renew", "client", "--ca-dir", "CA", "--user", "alice", "-o", "OUT"},
		{"ca", "sign", "--ca-dir", "CA", "--profile", "server", "-o", "OUT/server.crt", "REQ"},
		{"crl", "gen", "--ca-dir", "CA", "-o", "OUT/root.crl"},
		{"init", "-D", "PGDATA", "--ca-dir", "CA"},
		{"renew", "-D", "PGDATA", "--ca-dir", "CA"},
		{"selfsign", "-D", "PGDATA"},
		{"selfsign", "--req", "REQ", "--key", "KEY", "-o", "OUT/server.crt"},
	}
	for _, tc := range []struct{ days, want string }{
		{"3000000", "--days 3000000 would end in year 10240; the longest is "},
		{"9223372036854775807", "--days 9223372036854775807 would end in year "},
	} {
		for _, args := range commands {
			name := strings.Join(args[:2], " ") + " --days " + tc.days
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				for _, sub := range []string{"PGDATA", "OUT"} {
					if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
						t.Fatal(err)
					}
				}
				full := make([]string, 0, len(args)+2)
				for _, a := range args {
					switch first, _, _ := strings.Cut(a, "/"); first {
					case "CA", "PGDATA", "OUT", "REQ", "KEY":
						a = filepath.Join(dir, a)
					}
					full = append(full, a)
				}
				full = append(full, "--days", tc.days)
				f, out, errOut, _ := testFactory(t)
				if code := runCmd(f, full...); code != cmdutil.ExitUsage {
					t.Fatalf("exit %d, want %d; stderr:\n%s", code, cmdutil.ExitUsage, errOut)
				}
				last := selfsign.LastDate.Format(time.DateOnly)
				if !strings.Contains(errOut.String(), tc.want) || !strings.Contains(errOut.String(), "(until "+last[:4]) {
					t.Errorf("stderr:\n%s", errOut)
				}
				if out.Len() != 0 {
					t.Errorf("stdout: %s", out)
				}
				for _, sub := range []string{"PGDATA", "OUT"} {
					if entries, _ := os.ReadDir(filepath.Join(dir, sub)); len(entries) != 0 {
						t.Errorf("%s holds %v", sub, entries)
					}
				}
				if _, err := os.Lstat(filepath.Join(dir, "CA")); err == nil {
					t.Error("a CA directory was made")
				}
			})
		}
	}
}
