package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"
)

// TestRSAPSSServerKey: a data directory whose server key is RSA-PSS starts, psql
// connects with sslmode=verify-full, and a SCRAM login with channel_binding=require
// works (the tls-server-end-point hash of an RSASSA-PSS certificate is SHA-256, as
// PostgreSQL's own suite checks with server-rsapss). The key comes from `selfsign -D
// --type rsa-pss`, from `ca issue server --type rsa-pss` under an ECDSA CA, and from
// openssl genpkey and openssl req, signed by `ca sign`. `check -D` reports the key
// as RSA-PSS and matching its certificate; `probe` reads the chain and gives libpq's
// verdict, though Go's TLS cannot finish a handshake with an RSA-PSS key.
func TestRSAPSSServerKey(t *testing.T) {
	for _, how := range []string{"selfsign", "ca issue", "ca sign"} {
		t.Run(how, func(t *testing.T) {
			c := pgtest.NewCluster(t, pgtest.Options{Conf: []string{"log_connections = on"}})
			root := c.Path("server.crt")
			dir := t.TempDir()
			switch how {
			case "selfsign":
				if r := pgcert(t, "selfsign", "-D", c.DataDir, "--type", "rsa-pss", "--host", "localhost"); r.Code != 0 {
					t.Fatalf("selfsign -D: exit %d\n%s", r.Code, r.Stderr)
				}
			case "ca issue":
				caDir := filepath.Join(dir, "ca")
				if r := pgcert(t, "ca", "init", "--ca-dir", caDir); r.Code != 0 {
					t.Fatalf("ca init: exit %d\n%s", r.Code, r.Stderr)
				}
				if r := pgcert(t, "ca", "issue", "server", "--ca-dir", caDir, "--type", "rsa-pss", "--host", "localhost", "-o", c.Path("server")); r.Code != 0 {
					t.Fatalf("ca issue server: exit %d\n%s", r.Code, r.Stderr)
				}
				root = filepath.Join(caDir, "ca.crt")
			case "ca sign":
				openssl, err := exec.LookPath("openssl")
				if err != nil {
					t.Skip("no openssl")
				}
				caDir := filepath.Join(dir, "ca")
				if r := pgcert(t, "ca", "init", "--ca-dir", caDir); r.Code != 0 {
					t.Fatalf("ca init: exit %d\n%s", r.Code, r.Stderr)
				}
				key, csr := filepath.Join(dir, "server.key"), filepath.Join(dir, "server.csr")
				for _, args := range [][]string{
					{"genpkey", "-algorithm", "RSA-PSS", "-out", key},
					{"req", "-new", "-key", key, "-subj", "/CN=localhost", "-out", csr},
				} {
					if out, err := exec.Command(openssl, args...).CombinedOutput(); err != nil {
						t.Fatalf("openssl %s: %v\n%s", args[0], err, out)
					}
				}
				if r := pgcert(t, "ca", "sign", "--ca-dir", caDir, "--profile", "server", "-o", c.Path("server.crt"), csr); r.Code != 0 {
					t.Fatalf("ca sign: exit %d\n%s", r.Code, r.Stderr)
				}
				keyPEM, err := os.ReadFile(key)
				if err != nil {
					t.Fatal(err)
				}
				c.WriteFileAs(t, "server.key", keyPEM, 0o600, c.Install.ServerUser.UID, c.Install.ServerUser.GID)
				if err := os.Chown(c.Path("server.crt"), c.Install.ServerUser.UID, c.Install.ServerUser.GID); err != nil {
					t.Fatal(err)
				}
				root = filepath.Join(caDir, "ca.crt")
			}
			c.AppendConf(t, "ssl = on", "password_encryption = 'scram-sha-256'")
			c.SetHBA(t, "hostssl all alice 127.0.0.1/32 scram-sha-256", "hostssl all all 127.0.0.1/32 trust")
			check := pgcert(t, "check", "-D", c.DataDir)
			for _, want := range []string{"RSA-PSS 2048 key", "belongs to the first certificate of server.crt"} {
				if !strings.Contains(check.Stdout, want) {
					t.Errorf("check -D does not say %q:\n%s%s", want, check.Stdout, check.Stderr)
				}
			}
			c.MustStart(t)
			c.SQL(t, "CREATE ROLE alice LOGIN PASSWORD 'secret1'")

			rootPEM, err := os.ReadFile(root)
			if err != nil {
				t.Fatal(err)
			}
			rootFile := c.ClientFile(t, "root.crt", rootPEM, 0o644)
			mark := c.LogMark()
			out, stderr, err := c.Psql(c.ConnInfo("host=localhost", "sslmode=verify-full", "sslrootcert="+rootFile,
				"user=alice", "password=secret1", "channel_binding=require"), "select ssl from pg_stat_ssl where pid = pg_backend_pid()")
			if err != nil || out != "t\n" {
				t.Fatalf("verify-full, SCRAM with channel_binding=require: %v %q\n%s", err, out, stderr)
			}
			if err := c.WaitForLogSince(mark, `connection authenticated: identity="alice" method=scram-sha-256`, 10*time.Second); err != nil {
				t.Errorf("server log: %v\n%s", err, c.LogSince(mark))
			}

			// probe reads the chain from an unfinished TLS 1.2 handshake and gives
			// libpq's verdict; the server logs the unfinished handshake.
			mark = c.LogMark()
			p := pgcert(t, "probe", "localhost:"+strconv.Itoa(c.Port()), "--sslmode", "verify-full", "--root", rootFile)
			for _, want := range []string{"protocol   TLSv1.2", "key is RSA-PSS", "verdict    ok"} {
				if p.Code != 0 || !strings.Contains(p.Stdout, want) {
					t.Errorf("probe: exit %d, %q missing\n%s%s", p.Code, want, p.Stdout, p.Stderr)
				}
			}
			if err := c.WaitForLogSince(mark, "could not accept SSL connection: EOF detected", 10*time.Second); err != nil {
				t.Errorf("server log after probe: %v", err)
			}

		})
	}
}
