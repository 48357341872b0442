package e2e

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testenv"
)

// permsCase is a fault of mode or owner that `pgcert perms fix` must turn into a data
// directory the server starts on.
type permsCase struct {
	name      string
	needsRoot bool
	plant     func(t *testing.T, c *pgtest.Cluster, h *hierarchy)
	// group/check is check's finding, whose words the server logs as FATAL.
	group, check string
	// fixed are the lines perms fix must print.
	fixed []string
	// after checks the file once fixed: its path (inside the data directory), mode,
	// owner.
	file  string
	mode  os.FileMode
	owner string
}

func TestPermsFixMakesServerStart(t *testing.T) {
	for _, tc := range []permsCase{
		{
			name: "key 0644 owned by postgres",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				c.WriteFile(t, "server.key", h.server.KeyPEM(t), 0o644)
			},
			group: "ssl_key_file", check: "permissions",
			fixed: []string{"server.key: chmod 0600 {data}/server.key (was 0644)"},
			file:  "server.key", mode: 0o600, owner: "server",
		},
		{
			name: "key 0640 owned by postgres",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				c.WriteFile(t, "server.key", h.server.KeyPEM(t), 0o640)
			},
			group: "ssl_key_file", check: "permissions",
			fixed: []string{"server.key: chmod 0600 {data}/server.key (was 0640)"},
			file:  "server.key", mode: 0o600, owner: "server",
		},
		{
			name:      "key owned by another user",
			needsRoot: true,
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				uid, gid := osUser(t, "nobody")
				c.WriteFileAs(t, "server.key", h.server.KeyPEM(t), 0o644, uid, gid)
			},
			group: "ssl_key_file", check: "permissions",
			fixed: []string{
				"server.key: chmod 0600 {data}/server.key (was 0644)",
				"server.key: chown postgres:postgres {data}/server.key (was nobody:nogroup)",
			},
			file: "server.key", mode: 0o600, owner: "server",
		},
		{
			name:      "root-owned key of group ssl-cert readable by all",
			needsRoot: true,
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				c.WriteFileAs(t, "server.key", h.server.KeyPEM(t), 0o644, 0, osGroup(t, "ssl-cert"))
			},
			group: "ssl_key_file", check: "permissions",
			fixed: []string{"server.key: chmod 0640 {data}/server.key (was 0644)"},
			file:  "server.key", mode: 0o640, owner: "root",
		},
		{
			name:      "root:root 0600 key the server cannot read",
			needsRoot: true,
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				c.WriteFileAs(t, "server.key", h.server.KeyPEM(t), 0o600, 0, 0)
			},
			group: "ssl_key_file", check: "permissions",
			fixed: []string{"server.key: chown postgres:postgres {data}/server.key (was root:root)"},
			file:  "server.key", mode: 0o600, owner: "server",
		},
		{
			name:      "certificate the server cannot read",
			needsRoot: true,
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				c.WriteFileAs(t, "server.crt", bundlePEM(h), 0o600, 0, 0)
			},
			group: "ssl_cert_file", check: "access",
			fixed: []string{"server.crt: chmod 0644 {data}/server.crt (was 0600)"},
			file:  "server.crt", mode: 0o644, owner: "root",
		},
		{
			name: "symbolic link to a key readable by all",
			plant: func(t *testing.T, c *pgtest.Cluster, h *hierarchy) {
				keyDir := filepath.Join(c.Base, "keys")
				su := c.Install.ServerUser
				if err := os.Mkdir(keyDir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.Chown(keyDir, su.UID, su.GID); err != nil {
					t.Fatal(err)
				}
				c.WriteFile(t, "server.key", h.server.KeyPEM(t), 0o600)
				if err := os.Rename(c.Path("server.key"), filepath.Join(keyDir, "db.key")); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(filepath.Join(keyDir, "db.key"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(filepath.Join(keyDir, "db.key"), c.Path("server.key")); err != nil {
					t.Fatal(err)
				}
			},
			group: "ssl_key_file", check: "permissions",
			fixed: []string{
				"server.key: chmod 0600 {base}/keys/db.key (was 0644)",
				"server.key is a symbolic link: fixed its target {base}/keys/db.key, not the link",
			},
			file: "server.key", mode: 0o600, owner: "server",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHierarchy(t)
			c := sslSetup(t, h, "trust")
			if tc.needsRoot && !c.Install.AsRoot() {
				testenv.Missing(t, "only root can give a file to another user")
			}
			tc.plant(t, c, h)
			expand := strings.NewReplacer("{data}", c.DataDir, "{base}", c.Base).Replace

			before := parseCheck(t, pgcert(t, "check", "-D", c.DataDir, "--json"))
			f := before.one(t, tc.group, tc.check)
			err := c.Start()
			var se *pgtest.StartError
			if !errors.As(err, &se) || !strings.Contains(se.Log, "FATAL:  "+f.Message+"\n") {
				t.Fatalf("check predicted FATAL %q; the server: %v", f.Message, err)
			}
			perms := pgcert(t, "perms", "check", "-D", c.DataDir)
			if perms.Code != 1 || !strings.Contains(perms.Stdout, f.Message) {
				t.Errorf("perms check: exit %d, want 1 and %q", perms.Code, f.Message)
			}

			fix := pgcert(t, "perms", "fix", "-D", c.DataDir)
			var want []string
			for _, l := range tc.fixed {
				want = append(want, expand(l))
			}
			if fix.Code != 0 || strings.TrimSpace(fix.Stdout) != strings.Join(want, "\n") {
				t.Fatalf("perms fix: exit %d, printed\n%s\nwant\n%s", fix.Code, fix.Stdout, strings.Join(want, "\n"))
			}
			again := pgcert(t, "perms", "fix", "-D", c.DataDir)
			if again.Code != 0 || strings.TrimSpace(again.Stdout) != "nothing to change" {
				t.Errorf("second perms fix: exit %d, %q", again.Code, again.Stdout)
			}
			after := pgcert(t, "check", "-D", c.DataDir, "--json")
			if rep := parseCheck(t, after); after.Code != 0 || len(rep.problems()) != 0 {
				t.Errorf("check after the fix: exit %d, problems %v", after.Code, rep.problems())
			}
			st, err := os.Stat(c.Path(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			uid := int(st.Sys().(*syscall.Stat_t).Uid)
			wantUID := c.Install.ServerUser.UID
			if tc.owner == "root" {
				wantUID = 0
			}
			if st.Mode().Perm() != tc.mode || uid != wantUID {
				t.Errorf("%s is %04o uid %d, want %04o uid %d", tc.file, st.Mode().Perm(), uid, tc.mode, wantUID)
			}
			if err := c.Start(); err != nil {
				t.Fatalf("the server does not start after perms fix: %v", err)
			}
			if stderr, err := psqlVerifyFull(t, c, h, false); err != nil {
				t.Errorf("psql after perms fix: %v\n%s", err, stderr)
			}
		})
	}
}

func bundlePEM(h *hierarchy) []byte {
	return append(h.server.PEM(), h.inter.PEM()...)
}

// TestPermsFixRefusesWithoutRoot runs perms fix as the database user on a key another
// user owns: it changes nothing, says root is needed, and exits 1.
func TestPermsFixRefusesWithoutRoot(t *testing.T) {
	h := newHierarchy(t)
	c := sslSetup(t, h, "trust")
	if !c.Install.AsRoot() {
		testenv.Missing(t, "only root can give a file to another user")
	}
	uid, gid := osUser(t, "nobody")
	c.WriteFileAs(t, "server.key", h.server.KeyPEM(t), 0o644, uid, gid)

	r := pgcertAs(t, c.Install.ServerUser, "perms", "fix", "-D", c.DataDir)
	if r.Code != 1 || r.Stdout != "" {
		t.Fatalf("perms fix as %s: exit %d, stdout %q", c.Install.ServerUser.Name, r.Code, r.Stdout)
	}
	lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
	if !strings.HasPrefix(lines[0], "pgcert: error: server.key: only root can make this change") || !strings.Contains(lines[0], "no file was changed") ||
		!strings.Contains(r.Stderr, "pgcert: hint: run it as root: sudo pgcert perms fix -D "+c.DataDir) ||
		!strings.Contains(r.Stderr, "chown postgres:postgres "+c.Path("server.key")) {
		t.Errorf("stderr:\n%s", r.Stderr)
	}
	st, err := os.Stat(c.Path("server.key"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 || int(st.Sys().(*syscall.Stat_t).Uid) != uid {
		t.Errorf("the key changed: %04o uid %d", st.Mode().Perm(), st.Sys().(*syscall.Stat_t).Uid)
	}

	// As the owner of the files it may change, it changes them.
	c.WriteFile(t, "server.key", h.server.KeyPEM(t), 0o640)
	r = pgcertAs(t, c.Install.ServerUser, "perms", "fix", "-D", c.DataDir, "--json")
	var rep struct {
		OK      bool `json:"ok"`
		Changes []struct {
			Name    string `json:"name"`
			OldMode string `json:"old_mode"`
			Mode    string `json:"mode"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil || r.Code != 0 || !rep.OK || len(rep.Changes) != 1 ||
		rep.Changes[0].Name != "server.key" || rep.Changes[0].OldMode != "0640" || rep.Changes[0].Mode != "0600" {
		t.Errorf("perms fix --json as the server user: exit %d, %+v, %v", r.Code, rep, err)
	}
	if err := c.Start(); err != nil {
		t.Fatalf("the server does not start after perms fix: %v", err)
	}
}
