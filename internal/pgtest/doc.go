// Package pgtest runs a real PostgreSQL server and the real psql for pgcert's end-to-end
// tests, so that the files pgcert writes are judged by the programs that will read them.
//
// Every server listens on 127.0.0.1 only, on a free port, with a private unix socket
// directory, in a fresh directory that is removed when the test ends; it is stopped when
// the test ends, even when the test fails. The server refuses to run as root, so when the
// tests run as root (as CI does) initdb, pg_ctl and postgres run as the OS user
// "postgres"; otherwise they run as the current user.
//
// A test looks like:
//
//	c := pgtest.NewCluster(t, pgtest.Options{})
//	c.EnableSSL(t, certPEM, keyPEM)
//	c.MustStart(t)
//	root := c.ClientFile(t, "root.crt", rootPEM, 0o644)
//	out, stderr, err := c.Psql(c.ConnInfo("host=db.example", "sslmode=verify-full",
//		"sslrootcert="+root), "select 1")
//
// When PostgreSQL is not installed the tests skip, except in CI (CI=true), where a missing
// server fails them: .ci/run installs it.
package pgtest
