package probe_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pglisten"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/probe"
)

// fleetPKI is a root and a server certificate for 127.0.0.1 it signed, as a TLS
// listener serves it.
type fleetPKI struct {
	root     *testpki.Cert
	server   *tls.Certificate
	rootFile string
}

func newFleetPKI(t *testing.T) *fleetPKI {
	t.Helper()
	root := testpki.Root(t, "fleet root")
	leaf := root.Server(t, "127.0.0.1")
	rootFile := filepath.Join(t.TempDir(), "root.crt")
	if err := os.WriteFile(rootFile, root.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	return &fleetPKI{root: root, rootFile: rootFile, server: &tls.Certificate{Certificate: [][]byte{leaf.Cert.Raw}, PrivateKey: leaf.Key}}
}

func (p *fleetPKI) options() probe.FleetOptions {
	return probe.FleetOptions{
		RootFile: p.rootFile, Roots: []*x509.Certificate{p.root.Cert}, Now: fixedNow, WarnDays: 30,
		LoadRoots: func(file string) ([]*x509.Certificate, error) {
			data, err := os.ReadFile(file)
			if err != nil {
				return nil, err
			}
			return chain.ParseCertificates(data)
		},
	}
}

// listen starts one pglisten listener, closed when the test ends.
func listen(t *testing.T, kind pglisten.Kind, cert *tls.Certificate) int {
	t.Helper()
	s, err := pglisten.Listen(kind, cert)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Port()
}

// downPort is a port on 127.0.0.1 where nothing listens any more.
func downPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func local(name string, port int) probe.Target {
	return probe.Target{Name: name, Host: "127.0.0.1", Port: port}
}

func TestProbeAllEveryKind(t *testing.T) {
	p := newFleetPKI(t)
	good := listen(t, pglisten.TLS, p.server)
	other := testpki.Root(t, "other root")
	otherRoot := filepath.Join(t.TempDir(), "other.crt")
	os.WriteFile(otherRoot, other.PEM(), 0o644)

	named := local("named", good)
	named.Host, named.HostAddr = "db.example.com", "127.0.0.1"
	otherCA := local("other-ca", good)
	otherCA.SSLRootCert = otherRoot
	requireOnly := local("require", good)
	requireOnly.Host, requireOnly.HostAddr, requireOnly.SSLMode = "db.example.com", "127.0.0.1", "require"
	prefer := local("prefer", good)
	prefer.SSLMode = "prefer"
	missingRoot := local("missing-root", good)
	missingRoot.SSLRootCert = filepath.Join(t.TempDir(), "none.crt")

	targets := []probe.Target{
		local("good", good),
		local("down", downPort(t)),
		local("no-ssl", listen(t, pglisten.NoSSL, nil)),
		local("garbage", listen(t, pglisten.Garbage, nil)),
		local("stall", listen(t, pglisten.Stall, nil)),
		local("stall-handshake", listen(t, pglisten.StallHandshake, nil)),
		named, otherCA, requireOnly, prefer, missingRoot,
		{Name: "socket", Service: "local", Socket: "default"},
	}
	opts := p.options()
	opts.Timeout = 300 * time.Millisecond
	rep := probe.ProbeAll(context.Background(), targets, opts)

	want := []struct {
		status probe.Status
		text   string
	}{
		{probe.StatusOK, ""},
		{probe.StatusRefused, "connection refused: nothing listens there"},
		{probe.StatusNoSSL, "server does not support SSL"},
		{probe.StatusNotPostgres, `it answered "HTTP/1.1 400 Bad Request`},
		{probe.StatusTimeout, "timed out waiting for the answer to SSLRequest"},
		{probe.StatusTimeout, "timed out in the TLS handshake"},
		{probe.StatusProblem, `does not match host name "db.example.com"`},
		{probe.StatusProblem, "certificate verify failed"},
		{probe.StatusOK, ""},
		{probe.StatusProblem, "sslmode=prefer does not make libpq insist on SSL"},
		{probe.StatusRootFile, "none.crt"},
		{probe.StatusSkipped, "Unix-domain socket"},
	}
	if len(rep.Targets) != len(want) {
		t.Fatalf("%d results for %d targets", len(rep.Targets), len(want))
	}
	for i, w := range want {
		r := rep.Targets[i]
		got := r.Error + strings.Join(r.Problems, "; ")
		if r.Name != targets[i].Name || r.Status != w.status || !strings.Contains(got, w.text) || (w.text == "") != (got == "") {
			t.Errorf("%s: status %s, %q; want %s, %q", targets[i].Name, r.Status, got, w.status, w.text)
		}
	}
	g := rep.Targets[0]
	if g.Result == nil || len(g.Chain) != 1 || g.Chain[0].Subject != "CN=127.0.0.1" || g.Chain[0].DaysLeft < 360 ||
		g.Verdict == nil || !g.Verdict.OK || g.Verdict.Mode != "verify-full" || g.RootFile != p.rootFile {
		t.Errorf("good target: %+v", g)
	}
	if v := rep.Targets[8].Verdict; v == nil || !v.OK || v.Mode != "require" {
		t.Errorf("require target's verdict %+v, want ok for sslmode=require", v)
	}
	if rep.Targets[7].RootFile != otherRoot {
		t.Errorf("other-ca target judged with %q, want its own sslrootcert", rep.Targets[7].RootFile)
	}
	s := rep.Summary
	if s.Targets != 12 || s.OK != 2 || s.Problems != 3 || s.Failed != 6 || s.Skipped != 1 ||
		s.ByStatus[probe.StatusTimeout] != 2 || rep.OK {
		t.Errorf("summary %+v, ok %v", s, rep.OK)
	}
	const line = "12 targets: 2 ok, 3 with problems, 6 failed (1 no-ssl, 1 not-postgres, 1 refused, 1 root-file, 2 timeout), 1 skipped"
	if s.Text() != line {
		t.Errorf("summary line\n%s\nwant\n%s", s.Text(), line)
	}
}

// TestProbeAllStallsDoNotStallOthers probes 50 stalling targets with 10 at a time
// and good targets among them: every stall ends as a timeout of its own, and every
// good target still gets its verdict.
func TestProbeAllStallsDoNotStallOthers(t *testing.T) {
	p := newFleetPKI(t)
	stalls, err := pglisten.Start(25, pglisten.Stall, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stalls.Close)
	handshakes, err := pglisten.Start(25, pglisten.StallHandshake, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(handshakes.Close)
	good := listen(t, pglisten.TLS, p.server)
	var targets []probe.Target
	for i := range 50 {
		s := stalls[i/2]
		if i%2 == 1 {
			s = handshakes[i/2]
		}
		targets = append(targets, local("stall "+strconv.Itoa(i), s.Port()))
		if i%10 == 0 {
			targets = append(targets, local("good "+strconv.Itoa(i), good))
		}
	}
	opts := p.options()
	// The timeout must also let a good target finish its handshake on a busy
	// machine: a second, while every stall still costs only its own second.
	opts.Parallel, opts.Timeout = 10, time.Second
	rep := probe.ProbeAll(context.Background(), targets, opts)
	for i, r := range rep.Targets {
		want := probe.StatusTimeout
		if strings.HasPrefix(targets[i].Name, "good") {
			want = probe.StatusOK
		}
		if r.Name != targets[i].Name || r.Status != want {
			t.Errorf("%s: %s %s, want %s", targets[i].Name, r.Status, r.Error, want)
		}
	}
	if rep.Summary.OK != 5 || rep.Summary.ByStatus[probe.StatusTimeout] != 50 {
		t.Errorf("summary %+v", rep.Summary)
	}
}

// TestProbeAllCancel: a cancelled context ends every probe, none hangs.
func TestProbeAllCancel(t *testing.T) {
	port := listen(t, pglisten.Stall, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := probe.ProbeAll(ctx, []probe.Target{local("a", port), local("b", port)}, probe.FleetOptions{Timeout: time.Hour})
	for _, r := range rep.Targets {
		if r.Status != probe.StatusCancelled || !r.Status.Failed() {
			t.Errorf("%s after cancel: %s %v", r.Name, r.Status, r.Err)
		}
	}
}

func TestFleetReportOutputs(t *testing.T) {
	p := newFleetPKI(t)
	good := listen(t, pglisten.TLS, p.server)
	targets := []probe.Target{local("127.0.0.1:"+strconv.Itoa(good), good), local("nossl", listen(t, pglisten.NoSSL, nil)), local("again", good), local("again", good)}
	rep := probe.ProbeAll(context.Background(), targets, p.options())

	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
	name := targets[0].Name
	wantFirst := name + " ok           CN=127.0.0.1, until " + testpki.Date(365*24*time.Hour) + " (365 days left); libpq sslmode=verify-full accepts it"
	if len(lines) != 5 || lines[0] != wantFirst ||
		lines[1] != "nossl"+strings.Repeat(" ", len(name)-5)+" no-ssl       server does not support SSL (it answered N to SSLRequest: ssl = off in postgresql.conf?)" ||
		lines[4] != "4 targets: 3 ok, 1 failed (1 no-ssl)" {
		t.Errorf("text:\n%s\nwant first line\n%s", text.String(), wantFirst)
	}

	var doc struct {
		Targets []map[string]any `json:"targets"`
		Summary struct {
			Targets  int            `json:"targets"`
			OK       int            `json:"ok"`
			Failed   int            `json:"failed"`
			ByStatus map[string]int `json:"by_status"`
		} `json:"summary"`
		OK bool `json:"ok"`
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	first, second := doc.Targets[0], doc.Targets[1]
	if doc.OK || doc.Summary.Targets != 4 || doc.Summary.OK != 3 || doc.Summary.Failed != 1 || doc.Summary.ByStatus["no-ssl"] != 1 ||
		first["status"] != "ok" || first["host"] != "127.0.0.1" || first["tls_version"] != "TLSv1.3" || first["root_file"] != p.rootFile ||
		first["verdict"].(map[string]any)["ok"] != true || len(first["chain"].([]any)) != 1 ||
		second["status"] != "no-ssl" || second["error"] == nil || second["chain"] != nil {
		t.Errorf("JSON document:\n%s", data)
	}

	var prom bytes.Buffer
	if err := metrics.Write(&prom, rep.Metrics()); err != nil {
		t.Fatalf("metrics: %v", err)
	}
	fams, err := metrics.Parse(&prom)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]metrics.Sample{}
	for _, f := range fams {
		got[f.Name] = f.Samples
	}
	if ok := got[probe.MetricProbeOK]; len(ok) != 3 || ok[0].Value != 1 || ok[1].Value != 0 || ok[1].Labels[1].Value != "no-ssl" {
		t.Errorf("%s: %+v (the repeated target once)", probe.MetricProbeOK, ok)
	}
	if v := got[probe.MetricProbeVerdict]; len(v) != 2 || v[0].Value != 1 || v[0].Labels[1].Value != "verify-full" {
		t.Errorf("%s: %+v", probe.MetricProbeVerdict, v)
	}
	if d := got[probe.MetricProbeCertDaysLeft]; len(d) != 2 || d[0].Value != 365 || d[0].Labels[2].Value != "CN=127.0.0.1" {
		t.Errorf("%s: %+v", probe.MetricProbeCertDaysLeft, d)
	}
	if r := got[probe.MetricProbeLastRun]; len(r) != 1 || r[0].Value != float64(testpki.Now.Unix()) {
		t.Errorf("%s: %+v", probe.MetricProbeLastRun, r)
	}
}
