package probe_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/probe"
)

const serverName = "db.pgcert.test"

type hierarchy struct {
	root, inter, leaf *testpki.Cert
}

func newHierarchy(t *testing.T) hierarchy {
	root := testpki.Root(t, "probe e2e root")
	inter := root.Intermediate(t, "probe e2e intermediate")
	return hierarchy{root, inter, inter.Server(t, serverName)}
}

// sslCluster is a stopped cluster serving h's leaf and intermediate with ssl = on.
func sslCluster(t *testing.T, h hierarchy) *pgtest.Cluster {
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.EnableSSL(t, testpki.Bundle(h.leaf, h.inter), h.leaf.KeyPEM(t))
	return c
}

func probePG(t *testing.T, c *pgtest.Cluster, cfg probe.Config) (*probe.Result, error) {
	t.Helper()
	cfg.HostAddr, cfg.Port = "127.0.0.1", c.Port()
	if cfg.Host == "" {
		cfg.Host = serverName
	}
	cfg.Timeout, cfg.Now = time.Minute, fixedNow
	return probe.Probe(context.Background(), cfg)
}

// quietLog fails the test if the server logged anything about connections since mark:
// a probe that presents no refused certificate must leave no trace.
func quietLog(t *testing.T, c *pgtest.Cluster, mark int) {
	t.Helper()
	if log := c.LogSince(mark); strings.TrimSpace(log) != "" {
		t.Errorf("the server logged during the probe:\n%s", log)
	}
}

func TestProbePostgresChain(t *testing.T) {
	h := newHierarchy(t)
	c := sslCluster(t, h)
	c.MustStart(t)
	mark := c.LogMark()

	res, err := probePG(t, c, probe.Config{Roots: []*x509.Certificate{h.root.Cert}, Verify: stdVerify})
	if err != nil {
		t.Fatal(err)
	}
	if res.TLSVersion != "TLSv1.3" || res.Version != tls.VersionTLS13 || res.CipherSuite == "" {
		t.Errorf("negotiated %q %q, want TLSv1.3 (PostgreSQL 15 with OpenSSL 3)", res.TLSVersion, res.CipherSuite)
	}
	if res.ServerName != serverName || res.Addr != "127.0.0.1:"+strconv.Itoa(c.Port()) {
		t.Errorf("server name %q, address %q", res.ServerName, res.Addr)
	}
	if len(res.Chain) != 2 {
		t.Fatalf("chain of %d certificates, want leaf and intermediate", len(res.Chain))
	}
	leaf, inter := res.Chain[0], res.Chain[1]
	if leaf.Subject != "CN="+serverName || inter.Subject != "CN=probe e2e intermediate" || inter.Issuer != "CN=probe e2e root" {
		t.Errorf("chain %q <- %q <- %q", leaf.Subject, inter.Subject, inter.Issuer)
	}
	if !leaf.Cert.Equal(h.leaf.Cert) || !inter.Cert.Equal(h.inter.Cert) {
		t.Error("the served certificates are not the ones in server.crt")
	}
	if !leaf.IssuedByNext || inter.IssuedByNext {
		t.Errorf("IssuedByNext = %v, %v; want true, false", leaf.IssuedByNext, inter.IssuedByNext)
	}
	if leaf.DaysLeft != 365 || leaf.Serial == "" || len(leaf.SHA256) != 95 {
		t.Errorf("leaf days left %d, serial %q, fingerprint %q", leaf.DaysLeft, leaf.Serial, leaf.SHA256)
	}
	if res.ClientCertRequested || res.ClientCertSent || len(res.AcceptableCAs) != 0 || res.ClientCertError != "" {
		t.Errorf("without ssl_ca_file the server asked for a client certificate: %+v", res)
	}
	if v := res.Verdict; v == nil || !v.OK || v.Mode != "verify-full" || v.Host != serverName {
		t.Errorf("verdict %+v, want verify-full OK", v)
	}
	quietLog(t, c, mark)

	res, err = probePG(t, c, probe.Config{Host: "other.pgcert.test", Roots: []*x509.Certificate{h.root.Cert}, Verify: stdVerify})
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Verdict; v == nil || v.OK || !strings.Contains(v.Error, "other.pgcert.test") {
		t.Errorf("verdict for a wrong host name %+v, want a refusal", v)
	}
	res, err = probePG(t, c, probe.Config{Host: "other.pgcert.test", SSLMode: "verify-ca", Roots: []*x509.Certificate{h.root.Cert}, Verify: stdVerify})
	if err != nil || !res.Verdict.OK {
		t.Errorf("verify-ca with a wrong host name: %v %+v", err, res)
	}
	// The chain is reported even when it cannot be verified.
	res, err = probePG(t, c, probe.Config{Roots: []*x509.Certificate{testpki.Root(t, "stranger").Cert}, Verify: stdVerify})
	if err != nil || res.Verdict.OK || len(res.Chain) != 2 {
		t.Errorf("probe with the wrong root: %v %+v", err, res)
	}
	quietLog(t, c, mark)
}

func TestProbePostgresClientCertRequest(t *testing.T) {
	h := newHierarchy(t)
	other := testpki.Root(t, "probe e2e client CA")
	c := sslCluster(t, h)
	c.WriteFile(t, "root.crt", testpki.Bundle(h.root, other), 0o644)
	c.AppendConf(t, "ssl_ca_file = 'root.crt'")
	c.MustStart(t)
	mark := c.LogMark()

	res, err := probePG(t, c, probe.Config{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CN=probe e2e root", "CN=probe e2e client CA"}
	if !res.ClientCertRequested || strings.Join(res.AcceptableCAs, "|") != strings.Join(want, "|") {
		t.Errorf("requested %v, CAs %q; want %q", res.ClientCertRequested, res.AcceptableCAs, want)
	}
	if res.ClientCertSent || res.ClientCertError != "" {
		t.Errorf("no certificate given, yet sent %v, error %q", res.ClientCertSent, res.ClientCertError)
	}

	good := other.Client(t, "alice")
	res, err = probePG(t, c, probe.Config{Certificate: &tls.Certificate{Certificate: [][]byte{good.Cert.Raw}, PrivateKey: good.Key}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.ClientCertSent || res.ClientCertError != "" {
		t.Errorf("trusted client certificate: sent %v, error %q", res.ClientCertSent, res.ClientCertError)
	}
	quietLog(t, c, mark)

	// TLS 1.3: the handshake succeeds on the client's side and the refusal comes after.
	stranger := testpki.Root(t, "stranger").Client(t, "mallory")
	res, err = probePG(t, c, probe.Config{Certificate: &tls.Certificate{Certificate: [][]byte{stranger.Cert.Raw}, PrivateKey: stranger.Key}})
	if err != nil {
		t.Fatal(err)
	}
	// The alert names the reason; on a machine so loaded that the server judged the
	// certificate only after the probe's wait, the reset that replaced the alert says
	// the same refusal.
	refused := strings.Contains(res.ClientCertError, "unknown certificate authority") || res.ClientCertError == probe.ErrResetAfterHandshake.Error()
	if !res.ClientCertSent || !refused {
		t.Errorf("untrusted client certificate: sent %v, error %q", res.ClientCertSent, res.ClientCertError)
	}
	if log := c.LogSince(mark); !strings.Contains(log, "could not accept SSL connection: certificate verify failed") {
		t.Errorf("server log after an untrusted client certificate:\n%s", log)
	}
}

func TestProbePostgresSSLOff(t *testing.T) {
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.MustStart(t)
	res, err := probePG(t, c, probe.Config{})
	if !errors.Is(err, probe.ErrSSLRefused) || res != nil {
		t.Fatalf("Probe of ssl = off = %v, %v; want ErrSSLRefused", res, err)
	}
	if !strings.Contains(err.Error(), "server does not support SSL") {
		t.Errorf("message %q", err)
	}
}
