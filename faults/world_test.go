package faults

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The world is a set of files every writing command can work on, made once by
// pgcert itself and copied into a fresh directory (a tmpfs, a read-only mount, a
// directory nobody may write) for each run:
//
//	ca/                 a CA with an intermediate (ca/root/ is the root), which has
//	                    issued alice's client certificate and a server certificate,
//	                    and made its CRLs (ca/crl.pem, ca/root/crl.pem)
//	alice/              alice's client bundle (postgresql.crt, postgresql.key, root.crt)
//	srv/server.crt|key  a server certificate (leaf, intermediate) and its key
//	root.crl            the CRLs of both CAs
//	plain.key           an unencrypted key; enc.key the same kind, encrypted (testPass)
//	server.req, req.key a certificate request and its key
//	eca/                a CA with an intermediate whose keys are encrypted (testPass)
//	srv/server-enc.key  the server key, encrypted; enc.req a request for enc.key
//	pgdata/             a data directory: PG_VERSION, postgresql.conf, pg_hba.conf,
//	                    server.key (mode 0644, for perms fix to mend) and server.crt
//	epgdata/            the same with the server key encrypted
//	rpgdata/            a data directory pgcert init filled, from ca/
//	out/, clients/      empty directories for outputs
var worldFixture onceFixture

// world returns the directory of the fixtures, making it on first use.
func world(t testing.TB) string {
	t.Helper()
	return worldFixture.get(t, func(t testing.TB) string {
		dir := filepath.Join(binDir, "world")
		makeWorld(t, dir)
		return dir
	})
}

func makeWorld(t testing.TB, dir string) {
	for _, d := range []string{"", "out", "clients", "pgdata"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(filepath.Join(dir, "pgdata"), 0o700)
	p := func(name string) string { return filepath.Join(dir, name) }
	ca := p("ca")
	mustPgcert(t, "ca", "init", "--ca-dir", ca, "--intermediate", "--cn", "Faults Root")
	mustPgcert(t, "ca", "issue", "client", "--ca-dir", ca, "--user", "alice", "-o", p("alice"))
	if err := os.Mkdir(p("srv"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustPgcert(t, "ca", "issue", "server", "--ca-dir", ca, "--host", "db.example.com", "-o", p("srv/server"))
	mustPgcert(t, "crl", "gen", "--ca-dir", ca, "-o", p("root.crl"))
	mustPgcert(t, "key", "new", "-o", p("plain.key"))
	mustPgcert(t, "key", "new", "--passout", "env:PGCERT_PASS", "-o", p("enc.key"))
	mustPgcert(t, "req", "--cn", "db.example.com", "--nopass", "--new-key", p("req.key"), "-o", p("server.req"))
	// Encrypted with testPass: a CA, a server key and a request for enc.key.
	mustPgcert(t, "ca", "init", "--ca-dir", p("eca"), "--intermediate", "--cn", "Faults Encrypted Root", "--passout", "env:PGCERT_PASS")
	mustPgcert(t, "key", "encrypt", p("srv/server.key"), "--passout", "env:PGCERT_PASS", "-o", p("srv/server-enc.key"))
	mustPgcert(t, "req", "--key", p("enc.key"), "--passin", "env:PGCERT_PASS", "--cn", "db.example.com", "-o", p("enc.req"))

	files := map[string]string{
		"pgdata/PG_VERSION":      "15\n",
		"pgdata/postgresql.conf": "ssl = off\nssl_cert_file = 'server.crt'\nport = 5432\n",
		"pgdata/pg_hba.conf":     "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n",
	}
	for name, content := range files {
		if err := os.WriteFile(p(name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"server.crt", "server.key"} {
		data, err := os.ReadFile(p("srv/" + n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p("pgdata/"+n), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A data directory as pgcert init leaves it, for renew.
	if err := os.Mkdir(p("rpgdata"), 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p("rpgdata/PG_VERSION"), []byte("15\n"), 0o600)
	os.WriteFile(p("rpgdata/postgresql.conf"), []byte("ssl = on\n"), 0o600)
	mustPgcert(t, "init", "-D", p("rpgdata"), "--ca-dir", ca, "--host", "db.example.com")
	if err := os.Mkdir(p("epgdata"), 0o700); err != nil {
		t.Fatal(err)
	}
	for from, to := range map[string]string{"pgdata/PG_VERSION": "epgdata/PG_VERSION", "pgdata/postgresql.conf": "epgdata/postgresql.conf",
		"srv/server.crt": "epgdata/server.crt", "srv/server-enc.key": "epgdata/server.key"} {
		data, err := os.ReadFile(p(from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p(to), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Made an hour ago, as a CA in use is: a repair tells the copies of an
	// interrupted issue (moments before) from older ones by their times.
	hourAgo := time.Now().Add(-time.Hour)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(path, hourAgo, hourAgo)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// padIndex puts a comment line at the top of a CA's index.txt that makes it fill
// its last page exactly, so that the next line appended needs a new page: on a full
// tmpfs, the append is then what fails.
func padIndex(t testing.TB, caDir string) {
	t.Helper()
	path := filepath.Join(caDir, "index.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := pageSize - (len(data)+2)%pageSize
	pad := append([]byte("#"+strings.Repeat("x", n)+"\n"), data...)
	if err := os.WriteFile(path, pad, 0o644); err != nil {
		t.Fatal(err)
	}
}
