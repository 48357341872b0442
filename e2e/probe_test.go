package e2e

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testpki"
)

// probeJSON is `pgcert probe --json`, as README's "JSON: pgcert probe" describes it.
type probeJSON struct {
	Host       string `json:"host"`
	Port       int    `json:"port"`
	Address    string `json:"address"`
	ServerName string `json:"server_name"`
	TLSVersion string `json:"tls_version"`
	Chain      []struct {
		Subject      string `json:"subject"`
		Issuer       string `json:"issuer"`
		DaysLeft     int    `json:"days_left"`
		IssuedByNext bool   `json:"issued_by_next"`
	} `json:"chain"`
	ClientCertRequested bool     `json:"client_certificate_requested"`
	AcceptableCAs       []string `json:"acceptable_cas"`
	ClientCertSent      bool     `json:"client_certificate_sent"`
	ClientCertError     string   `json:"client_certificate_error"`
	Verdict             *struct {
		Mode  string `json:"sslmode"`
		Host  string `json:"host"`
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	} `json:"verdict"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
}

func parseProbe(t *testing.T, r result) probeJSON {
	t.Helper()
	var rep probeJSON
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("pgcert probe --json printed no JSON document: %v\n%s", err, r.Stdout)
	}
	return rep
}

// TestProbeVerdictMatchesPsql probes a running server for a right and a wrong host
// name, and with a root that did not issue its chain, and checks each verdict against
// what psql then does with the same host, sslmode and root.
func TestProbeVerdictMatchesPsql(t *testing.T) {
	h := newHierarchy(t)
	c := sslSetup(t, h, "cert")
	c.WriteFile(t, "root.crt", testpki.Bundle(h.root, h.inter), 0o644)
	c.AppendConf(t, "ssl_ca_file = 'root.crt'")
	c.MustStart(t)
	root := c.ClientFile(t, "root.crt", h.root.PEM(), 0o644)
	stranger := c.ClientFile(t, "stranger.crt", testpki.Root(t, "stranger").PEM(), 0o644)
	clientCert := c.ClientFile(t, "postgresql.crt", h.client.PEM(), 0o644)
	clientKey := c.ClientFile(t, "postgresql.key", h.client.KeyPEM(t), 0o600)
	port := strconv.Itoa(c.Port())

	for _, tc := range []struct {
		name, host, root string
		ok               bool
		// refusal is libpq's complaint, in the verdict and in psql's output.
		refusal string
	}{
		{"right host name", serverName, root, true, ""},
		{"wrong host name", "other.pgcert.test", root, false, `server certificate for "db.pgcert.test" does not match host name "other.pgcert.test"`},
		{"root that did not issue the chain", serverName, stranger, false, "certificate verify failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := pgcert(t, "probe", tc.host+":"+port, "--hostaddr", "127.0.0.1", "--root", tc.root,
				"--cert", clientCert, "--key", clientKey, "--json")
			rep := parseProbe(t, r)
			wantCode := 0
			if !tc.ok {
				wantCode = 1
			}
			if r.Code != wantCode || rep.OK != tc.ok || rep.Verdict == nil || rep.Verdict.OK != tc.ok ||
				rep.Verdict.Mode != "verify-full" || rep.Verdict.Host != tc.host || !strings.Contains(rep.Verdict.Error, tc.refusal) {
				t.Fatalf("exit %d, verdict %+v; want ok=%v and %q", r.Code, rep.Verdict, tc.ok, tc.refusal)
			}
			if len(rep.Chain) != 2 || rep.Chain[0].Subject != "CN="+serverName || rep.Chain[1].Subject != "CN=pgcert e2e intermediate" ||
				!rep.Chain[0].IssuedByNext || rep.Chain[0].DaysLeft < 360 || rep.TLSVersion != "TLSv1.3" {
				t.Errorf("reported chain %+v, %s", rep.Chain, rep.TLSVersion)
			}
			wantCAs := "CN=pgcert e2e root|CN=pgcert e2e intermediate"
			if !rep.ClientCertRequested || strings.Join(rep.AcceptableCAs, "|") != wantCAs || !rep.ClientCertSent || rep.ClientCertError != "" {
				t.Errorf("client certificate: requested %v from %q, sent %v, error %q", rep.ClientCertRequested, rep.AcceptableCAs, rep.ClientCertSent, rep.ClientCertError)
			}

			_, stderr, err := c.Psql(c.ConnInfo("host="+tc.host, "sslmode=verify-full", "sslrootcert="+tc.root, "sslcert="+clientCert, "sslkey="+clientKey), "select 1")
			if (err == nil) != tc.ok || !strings.Contains(stderr, tc.refusal) {
				t.Errorf("probe's verdict ok=%v %q; psql: %v\n%s", tc.ok, tc.refusal, err, stderr)
			}

			human := pgcert(t, "probe", tc.host+":"+port, "--hostaddr", "127.0.0.1", "--root", tc.root)
			want := "verdict    ok: libpq with sslmode=verify-full, host " + tc.host
			if !tc.ok {
				want = "verdict    refused: libpq with sslmode=verify-full, host " + tc.host
			}
			if human.Code != wantCode || !strings.Contains(human.Stdout, want) || !strings.Contains(human.Stdout, "chain      2 certificates sent, in order") {
				t.Errorf("human output, exit %d:\n%s", human.Code, human.Stdout)
			}
		})
	}
}

// TestProbeSSLOff probes a server with ssl = off: one line says it refuses SSL, as
// psql with sslmode=require finds.
func TestProbeSSLOff(t *testing.T) {
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.MustStart(t)
	target := "127.0.0.1:" + strconv.Itoa(c.Port())
	r := pgcert(t, "probe", target)
	want := "pgcert: error: " + target + ": the server refuses SSL: it answered 'N' to SSLRequest (ssl = off in its postgresql.conf?)\n"
	if r.Code != 1 || r.Stderr != want || r.Stdout != "" {
		t.Errorf("exit %d, stderr %q; want %q", r.Code, r.Stderr, want)
	}
	_, stderr, err := c.Psql(c.ConnInfo("sslmode=require"), "select 1")
	if err == nil || !strings.Contains(stderr, "server does not support SSL, but SSL was required") {
		t.Errorf("psql with sslmode=require: %v\n%s", err, stderr)
	}
}
