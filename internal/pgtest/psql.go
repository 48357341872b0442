package pgtest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// psqlEnv is psql's environment besides the cleaned one. PostgreSQL 15's libpq finds
// ~/.postgresql through the passwd entry, not HOME, so the SSL file settings default to
// "invalid" (as PostgreSQL's own src/test/ssl does) instead of to files in the real home
// directory: a connection string names every file it uses. A test that names sslcert
// must name sslkey too. PGCONNECT_TIMEOUT bounds a connection attempt to a server that
// does not answer.
func psqlEnv(home string) []string {
	return cleanEnv(
		"HOME="+home,
		"PGCONNECT_TIMEOUT=30",
		"PGSYSCONFDIR="+home,
		"PGPASSFILE="+filepath.Join(home, "pgpass"),
		"PGSERVICEFILE="+filepath.Join(home, "pg_service.conf"),
		"PGSSLCERT=invalid",
		"PGSSLKEY=invalid",
		"PGSSLROOTCERT=invalid",
		"PGSSLCRL=invalid",
		"PGSSLCRLDIR=invalid",
	)
}

// Psql runs the real psql as the current OS user: `psql -X -v ON_ERROR_STOP=1 -A -t -c
// sql -d conninfo`, with an empty HOME, no PG* variables from the test's environment,
// and messages in English. It returns psql's output as printed (unaligned, tuples only,
// so `select 1` prints "1\n"). err is a *CommandError when psql exits non-zero; libpq's
// complaint is in stderr. Without a deadline in ctx, PsqlTimeout applies.
func (in *Install) Psql(ctx context.Context, conninfo, sql string) (stdout, stderr string, err error) {
	return in.PsqlAs(ctx, in.Current, conninfo, sql)
}

// PsqlAs is Psql run as OS user u, such as Install.ServerUser: libpq judges a client
// key's mode by who owns it and who reads it. The files conninfo names must be
// readable by u.
func (in *Install) PsqlAs(ctx context.Context, u User, conninfo, sql string) (stdout, stderr string, err error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, PsqlTimeout)
		defer cancel()
	}
	home, err := os.MkdirTemp(tempParent(in), "pgcert-psql-")
	if err != nil {
		return "", "", err
	}
	defer os.RemoveAll(home)
	if err := os.Chmod(home, 0o755); err != nil {
		return "", "", err
	}
	cmd := command(ctx, u, home, psqlEnv(home), in.PsqlPath, "-X", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-c", sql, "-d", conninfo)
	return run(cmd)
}

// Psql is Install.Psql with PsqlTimeout.
func (c *Cluster) Psql(conninfo, sql string) (stdout, stderr string, err error) {
	return c.Install.Psql(context.Background(), conninfo, sql)
}

// ConnInfo returns a libpq connection string for the server over TCP, in the style of
// PostgreSQL's src/test/ssl: `hostaddr=127.0.0.1 port=N dbname=postgres user=postgres`
// followed by params ("key=value"; values are quoted as needed). libpq takes the last
// value of a repeated key, so params override the defaults. Add "host=NAME" to give the
// name that sslmode=verify-full compares with the server's certificate, without DNS.
func (c *Cluster) ConnInfo(params ...string) string {
	return connInfo(append([]string{"hostaddr=127.0.0.1", "port=" + strconv.Itoa(c.Port()), "dbname=postgres", "user=" + Superuser}, params...))
}

// SocketConnInfo is ConnInfo over the cluster's unix socket, which never uses SSL.
func (c *Cluster) SocketConnInfo(params ...string) string {
	return connInfo(append([]string{"host=" + c.SocketDir, "port=" + strconv.Itoa(c.Port()), "dbname=postgres", "user=" + Superuser}, params...))
}

// SQL runs sql through psql over the unix socket as the superuser and returns its
// output without the last newline, failing the test when psql fails. It is for setting
// up roles and the like; it relies on pg_hba.conf letting the superuser in over the
// socket, as initdb's and SetHBA's do.
func (c *Cluster) SQL(t testing.TB, sql string) string {
	t.Helper()
	out, _, err := c.Psql(c.SocketConnInfo(), sql)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(out, "\n")
}

func connInfo(params []string) string {
	parts := make([]string, len(params))
	for i, p := range params {
		k, v, _ := strings.Cut(p, "=")
		parts[i] = k + "=" + quoteValue(v)
	}
	return strings.Join(parts, " ")
}

// quoteValue quotes a connection string value the way libpq reads it: in single quotes,
// with backslash escapes, when it is empty or holds a space, a quote or a backslash.
func quoteValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n'\\") {
		return v
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}
