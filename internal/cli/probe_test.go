package cli

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/testpki"
)

// fakePostgres listens on 127.0.0.1 and runs serve for each connection, after reading
// the client's 8-byte SSLRequest. It returns the port.
func fakePostgres(t *testing.T, serve func(conn net.Conn)) int {
	t.Helper()
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
			go func() {
				defer conn.Close()
				var req [8]byte
				if _, err := io.ReadFull(conn, req[:]); err != nil {
					return
				}
				serve(conn)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// tlsPostgres answers 'S' and serves chain (leaf first) with the leaf's key, asking
// for a client certificate when clientCAs is set; it then reads until the client
// closes, as a PostgreSQL server waiting for a startup packet does.
func tlsPostgres(t *testing.T, chainCerts []*testpki.Cert, askClient bool) int {
	t.Helper()
	cert := tls.Certificate{PrivateKey: chainCerts[0].Key}
	for _, c := range chainCerts {
		cert.Certificate = append(cert.Certificate, c.Cert.Raw)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	if askClient {
		cfg.ClientAuth = tls.RequestClientCert
	}
	return fakePostgres(t, func(conn net.Conn) {
		conn.Write([]byte("S"))
		tc := tls.Server(conn, cfg)
		if err := tc.Handshake(); err != nil {
			return
		}
		io.Copy(io.Discard, tc)
	})
}

// runProbe runs `pgcert probe` with args; HOME is an empty directory.
func runProbe(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	f, out, errOut, _ := testFactory(t)
	home := t.TempDir()
	f.Getenv = func(k string) (string, bool) {
		if k == "HOME" {
			return home, true
		}
		return "", false
	}
	code := runCmd(f, append([]string{"probe"}, args...)...)
	return out.String(), errOut.String(), code
}

func TestProbeTargets(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		host string
		port int
	}{
		{"db.example.com", "db.example.com", 5432},
		{"db.example.com:5433", "db.example.com", 5433},
		{"10.0.0.5:6543", "10.0.0.5", 6543},
		{"[::1]:5433", "::1", 5433},
		{"[2001:db8::5]", "2001:db8::5", 5432},
	} {
		f, _, _, _ := testFactory(t)
		var got *probeOptions
		cmd := newProbeCmd(f, func(o *probeOptions) error { got = o; return nil })
		cmd.SetArgs([]string{tc.arg})
		if err := cmd.Execute(); err != nil || got.Host != tc.host || got.Port != tc.port || got.SSLMode != "verify-full" || got.Timeout != 10*time.Second {
			t.Errorf("%s: %+v, %v", tc.arg, got, err)
		}
	}
	for _, args := range [][]string{
		{"db:0"}, {"db:x"}, {"[::1"}, {}, {"a", "b:x"}, {"a", "b", "--hostaddr", "10.0.0.5"}, {"db", "--sslmode", "prefer"}, {"db", "--cert", "c.crt"}, {"db", "--timeout", "0s"},
	} {
		if _, errOut, code := runProbe(t, args...); code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
}

// oneLine checks that a failed probe printed exactly one line, an error containing
// want.
func oneLine(t *testing.T, out, errOut string, code int, want string) {
	t.Helper()
	if code != cmdutil.ExitFailure || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "pgcert: error: ") || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want one error line with %q", code, out, errOut, want)
	}
}

func TestProbeFailures(t *testing.T) {
	refusing := fakePostgres(t, func(conn net.Conn) { conn.Write([]byte("N")) })
	out, errOut, code := runProbe(t, "127.0.0.1:"+strconv.Itoa(refusing))
	oneLine(t, out, errOut, code, "127.0.0.1:"+strconv.Itoa(refusing)+": the server refuses SSL: it answered 'N' to SSLRequest")

	http := fakePostgres(t, func(conn net.Conn) { conn.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n")) })
	out, errOut, code = runProbe(t, "127.0.0.1:"+strconv.Itoa(http))
	oneLine(t, out, errOut, code, "not a PostgreSQL server")

	silent := fakePostgres(t, func(conn net.Conn) { io.Copy(io.Discard, conn) })
	out, errOut, code = runProbe(t, "127.0.0.1:"+strconv.Itoa(silent), "--timeout", "200ms")
	oneLine(t, out, errOut, code, "timed out waiting for the answer to SSLRequest")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	out, errOut, code = runProbe(t, "127.0.0.1:"+strconv.Itoa(closed))
	oneLine(t, out, errOut, code, "127.0.0.1:"+strconv.Itoa(closed)+": connection refused")
}

func TestProbeVerdicts(t *testing.T) {
	root := testpki.Root(t, "probe root")
	inter := root.Intermediate(t, "probe intermediate")
	leaf := inter.Server(t, "db.example.com")
	port := strconv.Itoa(tlsPostgres(t, []*testpki.Cert{leaf, inter}, false))
	dir := t.TempDir()
	rootFile := filepath.Join(dir, "root.crt")
	if err := os.WriteFile(rootFile, root.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name    string
		args    []string
		ok      bool
		verdict string
	}{
		{"verify-full, right name", []string{"db.example.com:" + port, "--hostaddr", "127.0.0.1", "--root", rootFile}, true, ""},
		{"verify-full, wrong name", []string{"other.example.com:" + port, "--hostaddr", "127.0.0.1", "--root", rootFile}, false,
			`server certificate for "db.example.com" does not match host name "other.example.com"`},
		{"verify-ca, wrong name", []string{"other.example.com:" + port, "--hostaddr", "127.0.0.1", "--root", rootFile, "--sslmode", "verify-ca"}, true, ""},
		{"verify-full, no root file", []string{"db.example.com:" + port, "--hostaddr", "127.0.0.1"}, false, `root certificate file "`},
		{"require, no root file", []string{"127.0.0.1:" + port, "--sslmode", "require"}, true, ""},
		{"require, stranger root", []string{"127.0.0.1:" + port, "--sslmode", "require", "--root", writeRoot(t, testpki.Root(t, "stranger"))}, false,
			"certificate verify failed: unable to get local issuer certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runProbe(t, append(tc.args, "--json")...)
			var rep struct {
				OK       bool     `json:"ok"`
				Problems []string `json:"problems"`
				Chain    []struct {
					Subject string `json:"subject"`
				} `json:"chain"`
				Verdict struct {
					OK    bool   `json:"ok"`
					Error string `json:"error"`
				} `json:"verdict"`
				TLSVersion string `json:"tls_version"`
				WarnDays   int    `json:"warn_days"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("no JSON: %v\n%s\n%s", err, out, errOut)
			}
			wantCode := cmdutil.ExitOK
			if !tc.ok {
				wantCode = cmdutil.ExitFailure
			}
			if code != wantCode || rep.OK != tc.ok || rep.Verdict.OK != tc.ok || !strings.Contains(rep.Verdict.Error, tc.verdict) ||
				len(rep.Chain) != 2 || rep.Chain[0].Subject != "CN=db.example.com" || rep.TLSVersion != "TLSv1.3" || rep.WarnDays != defaultWarnDays {
				t.Errorf("exit %d, %+v", code, rep)
			}
		})
	}

	out, _, code := runProbe(t, "db.example.com:"+port, "--hostaddr", "127.0.0.1", "--root", rootFile)
	for _, want := range []string{
		"server     127.0.0.1:" + port + " (host db.example.com)\n",
		"protocol   TLSv1.3, ",
		"chain      2 certificates sent, in order\n",
		"  0 CN=db.example.com\n    issuer   CN=probe intermediate\n    valid    " + testpki.Date(-time.Hour) + " to " + testpki.Date(365*24*time.Hour) + " (365 days left)\n    names    DNS:db.example.com\n",
		"client     no client certificate requested (no ssl_ca_file)\n",
		"verdict    ok: libpq with sslmode=verify-full, host db.example.com and " + rootFile + " accepts the server\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("human output lacks %q:\n%s", want, out)
		}
	}
	if code != cmdutil.ExitOK {
		t.Errorf("exit %d", code)
	}
}

func writeRoot(t *testing.T, c *testpki.Cert) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "root.crt")
	if err := os.WriteFile(path, c.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProbeExpiringChain(t *testing.T) {
	root := testpki.Root(t, "probe root")
	leaf := testpki.Make(t, testpki.Template{CN: "db.example.com", DNS: []string{"db.example.com"}, NotAfter: testpki.Now.Add(10 * 24 * time.Hour)}, root)
	port := strconv.Itoa(tlsPostgres(t, []*testpki.Cert{leaf}, false))
	rootFile := writeRoot(t, root)
	args := []string{"db.example.com:" + port, "--hostaddr", "127.0.0.1", "--root", rootFile}

	out, _, code := runProbe(t, args...)
	if code != cmdutil.ExitFailure || !strings.Contains(out, "problem    certificate 0, CN=db.example.com, expires on "+testpki.Date(10*24*time.Hour)+" (in 10 days, within --warn-days 30)\n") ||
		!strings.Contains(out, "verdict    ok") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if _, _, code := runProbe(t, append(args, "--warn-days", "5")...); code != cmdutil.ExitOK {
		t.Errorf("--warn-days 5: exit %d", code)
	}
}

func TestProbeClientCertificate(t *testing.T) {
	root := testpki.Root(t, "probe root")
	leaf := root.Server(t, "db.example.com")
	port := strconv.Itoa(tlsPostgres(t, []*testpki.Cert{leaf}, true))
	client := root.Client(t, "alice")
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "postgresql.crt"), filepath.Join(dir, "postgresql.key")
	os.WriteFile(certFile, client.PEM(), 0o644)
	os.WriteFile(keyFile, client.KeyPEM(t), 0o600)

	out, _, code := runProbe(t, "127.0.0.1:"+port, "--sslmode", "require", "--cert", certFile, "--key", keyFile)
	if code != cmdutil.ExitOK || !strings.Contains(out, "client     a client certificate is requested, from any CA\n") || !strings.Contains(out, "the client certificate was accepted") {
		t.Errorf("exit %d:\n%s", code, out)
	}

	os.WriteFile(keyFile, root.KeyPEM(t), 0o600)
	_, errOut, code := runProbe(t, "127.0.0.1:"+port, "--sslmode", "require", "--cert", certFile, "--key", keyFile)
	if code != cmdutil.ExitFailure || !strings.Contains(errOut, "does not belong to the first certificate of "+certFile) {
		t.Errorf("mismatched key: exit %d, %q", code, errOut)
	}
}

// TestProbeEdDSASignedServer: a server certificate with an EdDSA signature fails
// every SCRAM login over SSL; probe says so and exits 1, though libpq's verdict on
// the chain is ok. An Ed25519 leaf key under an ECDSA CA is no problem.
func TestProbeEdDSASignedServer(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edRoot := testpki.Make(t, testpki.Template{CN: "ed root", IsCA: true, MaxPath: -1, Key: edKey}, nil)
	ecRoot := testpki.Root(t, "ec root")
	for _, tc := range []struct {
		name string
		root *testpki.Cert
		key  crypto.Signer
		want bool
	}{
		{"EdDSA signature", edRoot, nil, true},
		{"Ed25519 key, ECDSA signature", ecRoot, edKey, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaf := testpki.Make(t, testpki.Template{CN: "db.example.com", DNS: []string{"db.example.com"}, Key: tc.key, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, tc.root)
			port := strconv.Itoa(tlsPostgres(t, []*testpki.Cert{leaf}, false))
			out, _, code := runProbe(t, "db.example.com:"+port, "--hostaddr", "127.0.0.1", "--root", writeRoot(t, tc.root))
			has := strings.Contains(out, `signed with EdDSA: SCRAM password logins over SSL fail with "could not find digest for NID UNDEF"`)
			if has != tc.want || (code == cmdutil.ExitFailure) != tc.want || !strings.Contains(out, "verdict    ok") {
				t.Errorf("exit %d:\n%s", code, out)
			}
			out, _, _ = runProbe(t, "db.example.com:"+port, "--hostaddr", "127.0.0.1", "--root", writeRoot(t, tc.root), "--json")
			var rep struct {
				SCRAMError string `json:"scram_error"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil || (rep.SCRAMError != "") != tc.want {
				t.Errorf("--json scram_error %q (%v):\n%s", rep.SCRAMError, err, out)
			}
		})
	}
}
