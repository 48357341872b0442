// Package fakepg is a stand-in for a running PostgreSQL server, for tests of what
// `pgcert renew --reload` does without starting one: a TLS server on 127.0.0.1 that
// answers SSLRequest, writes postmaster.pid, logs the lines the postmaster logs on
// SIGHUP, and takes or refuses new files on reload as PostgreSQL does. The e2e tests
// run the real server.
package fakepg

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The lines the postmaster logs when it takes SIGHUP and when it keeps its old SSL
// setup (postmaster.c, be-secure-openssl.c).
const (
	reloadLogLine      = "received SIGHUP, reloading configuration files"
	notReloadedLogLine = "SSL configuration was not reloaded"
)

// Postmaster serves the data directory's server.crt and server.key as they were at
// its start, and again after each reload unless Reject is set: then it logs as
// PostgreSQL does and keeps the old ones. With a log, it writes it where
// logging_collector's current_logfiles says.
type Postmaster struct {
	t   testing.TB
	dir string
	// Log is the server log's path; "" when it logs nowhere pgcert can read.
	Log string
	// Reject makes reloads keep the old files, as a server does with a new key that
	// needs a passphrase.
	Reject bool

	mu      sync.Mutex
	cert    *tls.Certificate
	reloads int
}

// Start starts a Postmaster on dir, writes dir/postmaster.pid naming this process
// and the listening port, and, withLog, the log and current_logfiles. It stops when
// the test ends.
func Start(t testing.TB, dir string, withLog bool) *Postmaster {
	t.Helper()
	fp := &Postmaster{t: t, dir: dir}
	if err := fp.load(); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go fp.serve(conn)
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	write(t, dir, "postmaster.pid", fmt.Sprintf("%d\n%s\n1717243200\n%d\n/tmp\n127.0.0.1\n  5432001 1\nready   \n", os.Getpid(), dir, port))
	if withLog {
		fp.Log = filepath.Join(dir, "log", "postgresql.log")
		write(t, dir, "log/postgresql.log", "LOG:  database system is ready to accept connections\n")
		write(t, dir, "current_logfiles", "stderr log/postgresql.log\n")
	}
	return fp
}

func write(t testing.TB, dir, name, data string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// serve answers an SSLRequest with 'S' and the certificate loaded last, then waits
// for the client to close, as a server waiting for a startup packet does.
func (fp *Postmaster) serve(conn net.Conn) {
	defer conn.Close()
	var req [8]byte
	if _, err := io.ReadFull(conn, req[:]); err != nil {
		return
	}
	conn.Write([]byte("S"))
	fp.mu.Lock()
	cert := fp.cert
	fp.mu.Unlock()
	tc := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{*cert}})
	if err := tc.Handshake(); err != nil {
		return
	}
	io.Copy(io.Discard, tc)
}

// load reads server.crt and server.key.
func (fp *Postmaster) load() error {
	cert, err := tls.LoadX509KeyPair(filepath.Join(fp.dir, "server.crt"), filepath.Join(fp.dir, "server.key"))
	if err != nil {
		return err
	}
	fp.mu.Lock()
	fp.cert = &cert
	fp.mu.Unlock()
	return nil
}

// Sighup is what the postmaster does with SIGHUP; it has the signature of the
// signal sender pgcert takes, so tests give it in place of kill(2).
func (fp *Postmaster) Sighup(int) error {
	fp.mu.Lock()
	fp.reloads++
	fp.mu.Unlock()
	fp.logf("LOG:  %s", reloadLogLine)
	if fp.Reject {
		fp.logf("LOG:  private key file \"server.key\" cannot be reloaded because it requires a passphrase")
		fp.logf("LOG:  %s", notReloadedLogLine)
		return nil
	}
	return fp.load()
}

// Reloads counts the SIGHUPs taken.
func (fp *Postmaster) Reloads() int {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	return fp.reloads
}

func (fp *Postmaster) logf(format string, args ...any) {
	if fp.Log == "" {
		return
	}
	f, err := os.OpenFile(fp.Log, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		fp.t.Error(err)
		return
	}
	fmt.Fprintf(f, format+"\n", args...)
	f.Close()
}

// Serving is the certificate the server serves now.
func (fp *Postmaster) Serving() *x509.Certificate {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	c, _ := x509.ParseCertificate(fp.cert.Certificate[0])
	return c
}
