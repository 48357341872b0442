package probe_test

import (
	"crypto/x509"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/probe"
)

func TestReadTargetsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, list, want string
	}{
		{"no port", "db1\n\n  # note\ndb2:\n", "list:4: probe: bad target: \"\": port must be a number"},
		{"two on a line", "db1 db2\n", "list:1: probe: bad target: \"db1 db2\": one HOST[:PORT] a line"},
		{"bracket", "# a\n[::1\n", "list:2: probe: bad target: \"[::1\": missing ']'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := probe.ReadTargets(strings.NewReader(tc.list), "list")
			var pe *probe.ParseError
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.As(err, &pe) || !errors.Is(err, probe.ErrBadTarget) {
				t.Errorf("error %v, want %q, a *ParseError matching ErrBadTarget", err, tc.want)
			}
		})
	}
	targets, err := probe.ReadTargets(strings.NewReader("\t db1:5433 # x\n#db2\n\n"), "list")
	if err != nil || len(targets) != 1 || targets[0].Host != "db1" || targets[0].Port != 5433 || targets[0].Source != "list:1" {
		t.Errorf("targets %+v, %v", targets, err)
	}
}

func TestReadServiceFile(t *testing.T) {
	conf := `host=ignored.example.com
[a]
  host=a1.example.com  
host=not-this-one
port=6432
sslmode=verify-ca

# comment
[b]
hostaddr=10.0.0.1,10.0.0.2
port=,5433
[a]
host=second-a-is-never-read
[sock]
host=/var/run/postgresql
[c]
host=c.example.com,d.example.com
hostaddr=10.0.0.3,10.0.0.4
sslrootcert=/etc/c-root.crt
`
	targets, err := probe.ReadServiceFile(strings.NewReader(conf), "svc")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range targets {
		got = append(got, strings.Join([]string{tg.Name, tg.Service, tg.Host, tg.HostAddr, strconv.Itoa(tg.Port), tg.SSLMode, tg.SSLRootCert, tg.Socket, tg.Source}, "|"))
	}
	want := []string{
		"a|a|a1.example.com||6432|verify-ca|||svc:2",
		"b (10.0.0.1:5432)|b||10.0.0.1|5432||||svc:9",
		"b (10.0.0.2:5433)|b||10.0.0.2|5433||||svc:9",
		"sock|sock|||5432|||/var/run/postgresql|svc:14",
		"c (c.example.com:5432)|c|c.example.com|10.0.0.3|5432||/etc/c-root.crt||svc:16",
		"c (d.example.com:5432)|c|d.example.com|10.0.0.4|5432||/etc/c-root.crt||svc:16",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("targets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadServiceFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, conf, want string
	}{
		{"no equals", "[a]\nhost\n", "svc:2: syntax error: \"host\" is not key=value"},
		{"unknown key", "[a]\nhost=x\nsslmdoe=require\n", "svc:3: syntax error: \"sslmdoe\" is not a libpq connection keyword"},
		{"nested", "[a]\nservice=b\n", "svc:2: nested service specifications are not supported"},
		{"sslmode", "[a]\nsslmode=verify_full\n", "svc:2: invalid sslmode value \"verify_full\""},
		{"section", "[a\n", "svc:1: \"[a\": a service starts with [name]"},
		{"empty name", "[]\n", "svc:1: \"[]\": a service starts with [name]"},
		{"hostaddr count", "[a]\nhost=x,y,z\nhostaddr=1.2.3.4,1.2.3.5\n", "svc:3: service a: could not match 3 host names to 2 hostaddr values"},
		{"port count", "[a]\nhost=x,y,z\nport=1,2\n", "svc:3: service a: could not match 2 port numbers to 3 hosts"},
		{"port", "[a]\nhost=x\n\nport=postgres\n", "svc:4: service a: probe: bad target: port \"postgres\" must be a number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := probe.ReadServiceFile(strings.NewReader(tc.conf), "svc")
			var pe *probe.ParseError
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.As(err, &pe) {
				t.Errorf("error %v, want %q from a *ParseError", err, tc.want)
			}
		})
	}
}

// TestVerifyFullWithoutHost: a service with hostaddr alone has no name for
// verify-full to match; libpq refuses it with these words.
func TestVerifyFullWithoutHost(t *testing.T) {
	root := testpki.Root(t, "fleet root")
	leaf := root.Server(t, "127.0.0.1")
	err := probe.LibpqVerify("root.crt", "")(probe.VerifyInput{Chain: []*x509.Certificate{leaf.Cert}, Roots: []*x509.Certificate{root.Cert}, Mode: "verify-full", Now: fixedNow()})
	if err == nil || err.Error() != "host name must be specified for a verified SSL connection" {
		t.Errorf("verify-full without host: %v", err)
	}
}
