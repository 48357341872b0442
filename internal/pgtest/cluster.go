package pgtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Superuser is the database superuser every cluster is created with (initdb -U), the
// same whichever OS user runs the server, so tests can name it without asking.
const Superuser = "postgres"

// Options changes how NewCluster makes a cluster.
type Options struct {
	// Conf lines are appended to postgresql.conf after pgtest's own settings, so they
	// win over them.
	Conf []string
	// InitdbArgs are added to initdb's arguments.
	InitdbArgs []string
}

// Cluster is a data directory made by initdb and the server that runs on it.
//
// Its directory tree (Base) belongs to the server user and can be entered by anyone:
//
//	Base/           0755, server user
//	Base/data/      DataDir, 0700, server user
//	Base/sock/      SocketDir, the private unix_socket_directories
//	Base/client/    ClientFile's directory, 0755, the current user
//	Base/server.log LogFile, written by pg_ctl -l
//
// It never lies under the test's own directory (t.TempDir or a clone under /root),
// which the server user may not be able to enter.
type Cluster struct {
	Install   *Install
	Base      string
	DataDir   string
	SocketDir string
	ClientDir string
	LogFile   string

	mu      sync.Mutex
	port    int
	running bool
}

// NewCluster runs initdb for a new cluster and returns it stopped, so the test can put
// files into DataDir and edit postgresql.conf and pg_hba.conf before Start. The cluster
// is stopped and its directory removed when the test ends.
//
// initdb runs with --auth=trust (the tests are about SSL, not passwords, and a test that
// wants other rules writes pg_hba.conf with SetHBA), -U postgres, --no-sync (the cluster
// lives for one test) and the C locale (the server's messages stay in English).
// pgtest's settings make the server listen on 127.0.0.1 only, with its unix socket in
// SocketDir, small shared memory and no fsync.
func NewCluster(t testing.TB, opts Options) *Cluster {
	t.Helper()
	c := newBase(t)
	args := []string{"-D", c.DataDir, "-U", Superuser, "--auth=trust", "--no-sync", "--locale=C", "--encoding=UTF8"}
	args = append(args, opts.InitdbArgs...)
	ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	defer cancel()
	if _, _, err := run(c.serverCommand(ctx, "initdb", args...)); err != nil {
		t.Fatalf("pgtest: initdb: %v", err)
	}
	c.AppendConf(t, append(c.ownConf(), opts.Conf...)...)
	return c
}

// ownConf is pgtest's settings for c, which make its server private to the test.
func (c *Cluster) ownConf() []string {
	return []string{
		"",
		"# pgtest",
		"listen_addresses = '127.0.0.1'",
		"unix_socket_directories = '" + c.SocketDir + "'",
		"fsync = off",
		"shared_buffers = 16MB",
		"max_connections = 20",
	}
}

// newBase makes the directory tree of a cluster with an empty data directory.
func newBase(t testing.TB) *Cluster {
	t.Helper()
	in := Require(t)
	base, err := os.MkdirTemp(tempParent(in), "pgcert-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	c := &Cluster{
		Install:   in,
		Base:      base,
		DataDir:   filepath.Join(base, "data"),
		SocketDir: filepath.Join(base, "sock"),
		ClientDir: filepath.Join(base, "client"),
		LogFile:   filepath.Join(base, "server.log"),
	}
	if c.port, err = freePort(); err != nil {
		t.Fatal(err)
	}
	su := in.ServerUser
	for _, d := range []struct {
		path string
		mode os.FileMode
		uid  int
	}{
		{base, 0o755, su.UID},
		{c.DataDir, 0o700, su.UID},
		{c.SocketDir, 0o755, su.UID},
		{c.ClientDir, 0o755, in.Current.UID},
	} {
		if err := os.MkdirAll(d.path, d.mode); err != nil {
			t.Fatal(err)
		}
		gid := su.GID
		if d.uid != su.UID {
			gid = in.Current.GID
		}
		if err := os.Chown(d.path, d.uid, gid); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d.path, d.mode); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { c.cleanup(t) })
	return c
}

// BaseBackup runs pg_basebackup as the server user, connecting with conninfo
// (which carries the SSL parameters under test), into the data directory of a new
// cluster, and returns that cluster stopped with pgtest's own settings appended
// (they win over the primary's copied ones). The backup streams the WAL it needs
// (-X stream), so the copy starts on its own; a test that wants a standby writes
// standby.signal and primary_conninfo before Start. The error is pg_basebackup's,
// holding what it printed, so that tests can match the server's refusals.
func BaseBackup(t testing.TB, conninfo string, args ...string) (*Cluster, error) {
	t.Helper()
	c := newBase(t)
	ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	defer cancel()
	args = append([]string{"-D", c.DataDir, "-d", conninfo, "-X", "stream", "--no-sync"}, args...)
	if _, _, err := run(c.serverCommand(ctx, "pg_basebackup", args...)); err != nil {
		return nil, err
	}
	c.AppendConf(t, c.ownConf()...)
	return c, nil
}

// tempParent is the directory to make cluster directories in: the usual temporary
// directory when the server user can enter it, else /tmp (a TMPDIR under /root would
// lock the server out).
func tempParent(in *Install) string {
	dir := os.TempDir()
	if !in.AsRoot() {
		return dir
	}
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return dir
		}
	}
}

// Port is the TCP port the server listens on. It can change when Start meets a port
// taken since NewCluster chose it, so read it after Start.
func (c *Cluster) Port() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.port
}

// Path is name inside DataDir.
func (c *Cluster) Path(name string) string { return filepath.Join(c.DataDir, name) }

// WriteFile writes data to name inside DataDir (parent directories are made as
// needed), owned by the server user with mode perm: the owner and mode the server wants
// for its own files, server.key included.
func (c *Cluster) WriteFile(t testing.TB, name string, data []byte, perm os.FileMode) {
	t.Helper()
	su := c.Install.ServerUser
	c.WriteFileAs(t, name, data, perm, su.UID, su.GID)
}

// WriteFileAs is WriteFile with another owner, such as root:ssl-cert for a 0640 key.
// Only a test running as root can give files to another user.
func (c *Cluster) WriteFileAs(t testing.TB, name string, data []byte, perm os.FileMode, uid, gid int) {
	t.Helper()
	path := c.Path(name)
	su := c.Install.ServerUser
	for d := filepath.Dir(path); d != c.DataDir && strings.HasPrefix(d, c.DataDir); d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, su.UID, su.GID); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeFile(path, data, perm, uid, gid); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
}

// ClientFile writes data to name in ClientDir, owned by the current user with mode
// perm, and returns its path: for root.crt, client certificates and keys that psql
// reads. A key for psql must be 0600 (or 0640 when owned by root), as libpq demands.
func (c *Cluster) ClientFile(t testing.TB, name string, data []byte, perm os.FileMode) string {
	t.Helper()
	path := filepath.Join(c.ClientDir, name)
	if err := writeFile(path, data, perm, c.Install.Current.UID, c.Install.Current.GID); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return path
}

// writeFile creates path 0600 before writing, so that a key is never readable by
// others for a moment, then gives it its owner and final mode.
func writeFile(path string, data []byte, perm os.FileMode, uid, gid int) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chown(path, uid, gid); err != nil {
		return fmt.Errorf("chown %s to %d:%d: %w", path, uid, gid, err)
	}
	return os.Chmod(path, perm)
}

// AppendConf appends lines to postgresql.conf. A setting given twice takes its last
// value, so this also overrides earlier settings; it takes effect at Start or Reload.
func (c *Cluster) AppendConf(t testing.TB, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(c.Path("postgresql.conf"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// SetHBA replaces pg_hba.conf with lines, after a first line that lets the superuser in
// over the unix socket without a password, which SQL needs. pg_hba.conf takes the first
// line that matches, so `local all postgres` lines in lines never apply.
func (c *Cluster) SetHBA(t testing.TB, lines ...string) {
	t.Helper()
	all := append([]string{"local all " + Superuser + " trust"}, lines...)
	c.WriteFile(t, "pg_hba.conf", []byte(strings.Join(all, "\n")+"\n"), 0o600)
}

// EnableSSL writes certPEM to server.crt (0644) and keyPEM to server.key (0600), both
// owned by the server user, and sets ssl = on.
func (c *Cluster) EnableSSL(t testing.TB, certPEM, keyPEM []byte) {
	t.Helper()
	c.WriteFile(t, "server.crt", certPEM, 0o644)
	c.WriteFile(t, "server.key", keyPEM, 0o600)
	c.AppendConf(t, "ssl = on")
}
