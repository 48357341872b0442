package faults

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSpecialFilesForDirectories plants, as the database user, a FIFO where a
// setting names a directory: ssl_crl_dir (through postgresql.auto.conf, as ALTER
// SYSTEM writes it) and an include_dir line of postgresql.conf. A directory is
// listed by opening it, and an open of a FIFO for reading waits for a writer that
// never comes: every command that reads the data directory must finish at once
// (directories are opened with O_DIRECTORY, which a FIFO fails at once), and check
// -D must name the FIFO.
func TestSpecialFilesForDirectories(t *testing.T) {
	o := requirePostgresUser(t)
	plants := []struct {
		name, move, fifo string
	}{
		{"ssl_crl_dir FIFO", "mkfifo crls && echo \"ssl_crl_dir = 'crls'\" >> postgresql.auto.conf", "crls"},
		{"include_dir FIFO", "mkfifo conf.d && echo \"include_dir = 'conf.d'\" >> postgresql.conf", "conf.d"},
	}
	commands := []struct {
		name string
		args func(base, data string) []string
	}{
		{"check", func(_, d string) []string { return []string{"check", "-D", d} }},
		{"renew", func(b, d string) []string { return []string{"renew", "-D", d, "--ca-dir", filepath.Join(b, "ca")} }},
		{"perms check", func(_, d string) []string { return []string{"perms", "check", "-D", d} }},
		{"perms fix", func(_, d string) []string { return []string{"perms", "fix", "-D", d} }},
	}
	for _, p := range plants {
		for _, c := range commands {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				base, data := rootsafeDataDir(t, o)
				asPostgres(t, "cd "+data+" && "+p.move)
				r := runNoHang(t, c.args(base, data)...)
				out := r.Stdout + r.Stderr
				if c.name == "check" && (r.Code != 1 || !strings.Contains(out, p.fifo)) {
					t.Errorf("want exit 1 and the FIFO %s named:\n%s", p.fifo, r)
				}
			})
		}
	}
}
