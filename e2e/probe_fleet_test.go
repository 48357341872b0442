package e2e

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pglisten"
	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/metrics"
)

// fleetSize is the number of targets of the scale test.
const fleetSize = 1000

// fleetTarget is one service of the scale test's pg_service.conf and what probe
// must say of it.
type fleetTarget struct {
	name, host, hostaddr string
	port                 int
	status               string
	// detail is in the target's error or problems; subject is its served leaf's.
	detail, subject string
}

// ensureFiles raises the open-file limit to want when the soft limit is lower, as
// far as the hard limit allows, and skips the test when that is not enough: the test
// holds a listener per target and pgcert a socket per probe in flight.
func ensureFiles(t *testing.T, want uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur >= want {
		return
	}
	old := lim
	lim.Cur = min(want, lim.Max)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur < want {
		t.Skipf("open files: soft limit %d, hard %d; the test needs %d", old.Cur, old.Max, want)
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
}

// TestProbeFleet probes 1,000 targets on 127.0.0.1 with one pgcert run: three real
// PostgreSQL servers (one fine, one with ssl = off, one whose certificate expires
// within --warn-days), about 860 TLS listeners speaking PostgreSQL's SSLRequest (some
// reached under a name their certificate does not hold), listeners that answer 'N',
// HTTP, nothing at all or never finish the handshake, and ports where nothing
// listens. Every target must get the verdict its kind calls for, whatever the
// stalling ones do; the time it took is logged (the benchmark is bench/probe).
func TestProbeFleet(t *testing.T) {
	ensureFiles(t, 4096)
	h := newHierarchy(t)
	good := sslSetup(t, h, "trust")
	good.MustStart(t)
	off := pgtest.NewCluster(t, pgtest.Options{})
	off.MustStart(t)
	expiring := pgtest.NewCluster(t, pgtest.Options{})
	soon := h.serverCert(t, h.now.Add(-time.Hour), h.now.Add(10*24*time.Hour))
	expiring.EnableSSL(t, testpki.Bundle(soon, h.inter), soon.KeyPEM(t))
	expiring.MustStart(t)

	served := &tls.Certificate{Certificate: [][]byte{h.server.Cert.Raw, h.inter.Cert.Raw}, PrivateKey: h.server.Key}
	start := func(n int, kind pglisten.Kind) pglisten.Fleet {
		f, err := pglisten.Start(n, kind, served)
		if err != nil {
			t.Fatalf("%d listeners: %v", n, err)
		}
		t.Cleanup(f.Close)
		return f
	}
	tlsFleet := start(860, pglisten.TLS)
	noSSL := start(30, pglisten.NoSSL)
	garbage := start(30, pglisten.Garbage)
	stalls := start(15, pglisten.Stall)
	handshakes := start(15, pglisten.StallHandshake)

	var targets []fleetTarget
	add := func(status, detail, subject string, port int, host string) {
		tg := fleetTarget{name: "t" + strconv.Itoa(len(targets)), host: host, hostaddr: "127.0.0.1", port: port, status: status, detail: detail, subject: subject}
		targets = append(targets, tg)
	}
	leaf := "CN=" + serverName
	for range 3 {
		add("ok", "", leaf, good.Port(), serverName)
		add("no-ssl", "server does not support SSL", "", off.Port(), serverName)
		add("problem", "expires on "+soon.Cert.NotAfter.UTC().Format(time.DateOnly), leaf, expiring.Port(), serverName)
	}
	for i, s := range tlsFleet {
		if i%20 == 0 {
			add("problem", `does not match host name "other.pgcert.test"`, leaf, s.Port(), "other.pgcert.test")
			continue
		}
		add("ok", "", leaf, s.Port(), serverName)
	}
	for _, s := range noSSL {
		add("no-ssl", "server does not support SSL", "", s.Port(), serverName)
	}
	for _, s := range garbage {
		add("not-postgres", `it answered "HTTP/1.1 400 Bad Request`, "", s.Port(), serverName)
	}
	for _, s := range stalls {
		add("timeout", "timed out waiting for the answer to SSLRequest", "", s.Port(), serverName)
	}
	for _, s := range handshakes {
		add("timeout", "timed out in the TLS handshake", "", s.Port(), serverName)
	}
	// Nothing listens on port 1 of the loopback network's other addresses.
	for i := 0; len(targets) < fleetSize; i++ {
		tg := fleetTarget{name: "t" + strconv.Itoa(len(targets)), host: fmt.Sprintf("127.0.1.%d", i+1), port: 1,
			status: "refused", detail: "connection refused: nothing listens there"}
		targets = append(targets, tg)
	}

	var conf strings.Builder
	for _, tg := range targets {
		fmt.Fprintf(&conf, "[%s]\nhost=%s\nport=%d\ndbname=postgres\n", tg.name, tg.host, tg.port)
		if tg.status != "refused" {
			fmt.Fprintf(&conf, "hostaddr=%s\n", tg.hostaddr)
		}
	}
	dir := t.TempDir()
	service := filepath.Join(dir, "pg_service.conf")
	if err := os.WriteFile(service, []byte(conf.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "root.crt")
	if err := os.WriteFile(root, h.root.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	prom := filepath.Join(dir, "probe.prom")

	began := time.Now()
	r := pgcertQuiet(t, "probe", "--service-file", service, "--root", root, "--parallel", "64", "--timeout", "5s", "--json", "--metrics-file", prom)
	t.Logf("%d targets probed in %v", len(targets), time.Since(began).Round(time.Millisecond))
	if r.Code != 1 || r.Stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 1 (failures) and nothing on stderr", r.Code, r.Stderr)
	}
	var doc struct {
		Targets []struct {
			Name     string   `json:"name"`
			Status   string   `json:"status"`
			Error    string   `json:"error"`
			Problems []string `json:"problems"`
			Chain    []struct {
				Subject string `json:"subject"`
			} `json:"chain"`
			Verdict *struct {
				OK bool `json:"ok"`
			} `json:"verdict"`
		} `json:"targets"`
		Summary struct {
			Targets  int            `json:"targets"`
			ByStatus map[string]int `json:"by_status"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatalf("no JSON document: %v", err)
	}
	if len(doc.Targets) != len(targets) || doc.Summary.Targets != len(targets) {
		t.Fatalf("%d results, summary of %d, for %d targets", len(doc.Targets), doc.Summary.Targets, len(targets))
	}
	want := map[string]int{}
	wrong := 0
	for i, tg := range targets {
		want[tg.status]++
		got := doc.Targets[i]
		text := got.Error + " " + strings.Join(got.Problems, "; ")
		subject := ""
		if len(got.Chain) > 0 {
			subject = got.Chain[0].Subject
		}
		verdictOK := got.Verdict != nil && got.Verdict.OK
		if got.Name != tg.name || got.Status != tg.status || !strings.Contains(text, tg.detail) || subject != tg.subject ||
			verdictOK != (tg.status == "ok" || tg.status == "problem" && strings.HasPrefix(tg.detail, "expires")) {
			if wrong++; wrong <= 10 {
				t.Errorf("%s (port %d): status %s, %q, leaf %q, verdict %v; want %s, %q, leaf %q", tg.name, tg.port, got.Status, text, subject, got.Verdict, tg.status, tg.detail, tg.subject)
			}
		}
	}
	if wrong > 0 {
		t.Errorf("%d of %d targets wrong", wrong, len(targets))
	}
	for status, n := range want {
		if doc.Summary.ByStatus[status] != n {
			t.Errorf("summary: %d %s, want %d", doc.Summary.ByStatus[status], status, n)
		}
	}

	data, err := os.ReadFile(prom)
	if err != nil {
		t.Fatal(err)
	}
	fams, err := metrics.Parse(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("metrics file: %v", err)
	}
	samples := map[string]int{}
	for _, f := range fams {
		samples[f.Name] = len(f.Samples)
	}
	spoke := want["ok"] + want["problem"]
	if samples["pgcert_probe_ok"] != len(targets) || samples["pgcert_probe_verdict_ok"] != spoke || samples["pgcert_probe_certificate_days_left"] != 2*spoke {
		t.Errorf("metrics: %v samples; want %d targets, %d verdicts, %d certificates", samples, len(targets), spoke, 2*spoke)
	}
}

// quietT is a test that does not log, for runs whose output would drown the log.
type quietT struct{ *testing.T }

func (quietT) Logf(string, ...any) {}

// pgcertQuiet runs pgcert as the current user without logging its output: a
// thousand targets' JSON.
func pgcertQuiet(t *testing.T, args ...string) result {
	t.Helper()
	return runPgcert(quietT{t}, nil, args...)
}
