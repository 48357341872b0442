package e2e

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/pkg/chain"
)

// TestSelfsignDataDirServesVerifyFull prepares a real data directory with `pgcert
// selfsign -D` (as root when the tests run as root: the files must go to the
// server's user), turns SSL on with the lines it prints, and connects with psql
// and sslmode=verify-full, server.crt as the root: accepted for localhost, refused
// for another host name with the message pgcert's libpq rules predict.
func TestSelfsignDataDirServesVerifyFull(t *testing.T) {
	c := pgtest.NewCluster(t, pgtest.Options{})
	r := pgcert(t, "selfsign", "-D", c.DataDir)
	if r.Code != 0 {
		t.Fatalf("pgcert selfsign -D: exit %d", r.Code)
	}
	if r.Stdout != "ssl = on\n" {
		t.Fatalf("postgresql.conf lines %q, want ssl = on alone (server.crt and server.key are the defaults)", r.Stdout)
	}
	owner := c.Install.ServerUser
	for name, mode := range map[string]os.FileMode{"server.key": 0o600, "server.crt": 0o644} {
		fi, err := os.Stat(c.Path(name))
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if fi.Mode().Perm() != mode || int(st.Uid) != owner.UID {
			t.Errorf("%s: mode %04o, owner %d; want %04o, %d (%s)", name, fi.Mode().Perm(), st.Uid, mode, owner.UID, owner.Name)
		}
	}

	c.AppendConf(t, strings.Split(strings.TrimSpace(r.Stdout), "\n")...)
	c.MustStart(t)

	certPEM, err := os.ReadFile(c.Path("server.crt"))
	if err != nil {
		t.Fatal(err)
	}
	certs, err := chain.ParseCertificates(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	rootFile := c.ClientFile(t, "server.crt", certPEM, 0o644)
	verifyFull := func(host string) (string, string, error) {
		return c.Psql(c.ConnInfo("host="+host, "sslmode=verify-full", "sslrootcert="+rootFile),
			"select ssl from pg_stat_ssl where pid = pg_backend_pid()")
	}

	if err := chain.MatchHost(certs[0], "localhost"); err != nil {
		t.Fatalf("pgcert predicts that libpq refuses localhost: %v", err)
	}
	out, stderr, err := verifyFull("localhost")
	if err != nil || out != "t\n" {
		t.Fatalf("verify-full to localhost: %v, %q\n%s", err, out, stderr)
	}

	const wrong = "wrong.pgcert.test"
	var predicted *chain.HostError
	if err := chain.MatchHost(certs[0], wrong); !errors.As(err, &predicted) {
		t.Fatalf("pgcert predicts that libpq accepts %s: %v", wrong, err)
	}
	_, stderr, err = verifyFull(wrong)
	if err == nil {
		t.Fatalf("verify-full to %s was accepted", wrong)
	}
	if !strings.Contains(stderr, `does not match host name "`+wrong+`"`) || !strings.Contains(stderr, predicted.Message) {
		t.Errorf("psql said:\n%s\npgcert predicted:\n%s", stderr, predicted.Message)
	}
}
