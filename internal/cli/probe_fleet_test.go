package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/pglisten"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/metrics"
)

func TestProbeFleetCommandLine(t *testing.T) {
	f, _, _, _ := testFactory(t)
	var got *probeOptions
	cmd := newProbeCmd(f, func(o *probeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"db1", "db2:5433", "--parallel", "5", "--sslmode", "require"})
	if err := cmd.Execute(); err != nil || strings.Join(got.Targets, " ") != "db1 db2:5433" || got.Parallel != 5 || !got.SSLModeGiven || got.RootGiven {
		t.Errorf("two targets: %+v, %v", got, err)
	}
	cmd = newProbeCmd(f, func(o *probeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--service-file", "pg_service.conf"})
	if err := cmd.Execute(); err != nil || got.ServiceFile != "pg_service.conf" || got.Parallel != 32 || len(got.Targets) != 0 {
		t.Errorf("service file alone: %+v, %v", got, err)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "fleet.txt")
	os.WriteFile(bad, []byte("# fleet\ndb1.example.com\ndb2.example.com:54321x\n"), 0o644)
	badService := filepath.Join(dir, "pg_service.conf")
	os.WriteFile(badService, []byte("[a]\nhost=db1.example.com\nport = 5432\n"), 0o644)
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("# nothing yet\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--targets-file", bad}, bad + `:3: bad target: "54321x": port must be a number from 1 to 65535`},
		{[]string{"--service-file", badService}, badService + `:3: syntax error: "port " is not a libpq connection keyword`},
		{[]string{"--targets-file", empty}, empty + " lists no server"},
		{[]string{"db1", "db2", "--parallel", "0"}, "--parallel must be 1 or more"},
		{[]string{"db1", "db2", "--prometheus", "--json"}, "--prometheus and --json"},
	} {
		out, errOut, code := runProbe(t, tc.args...)
		if code != cmdutil.ExitUsage || out != "" || !strings.HasPrefix(errOut, "pgcert: error: "+tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestProbeFleet probes a good TLS server (twice: by name from a service file with
// its own root, and by address), one with ssl = off and a closed port, and reads
// the text, JSON and metrics outputs.
func TestProbeFleet(t *testing.T) {
	root := testpki.Root(t, "probe root")
	leaf := root.Server(t, "db.example.com")
	good := strconv.Itoa(tlsPostgres(t, []*testpki.Cert{leaf}, false))
	off, err := pglisten.Listen(pglisten.NoSSL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { off.Close() })
	dir := t.TempDir()
	rootFile := writeRoot(t, root)
	service := filepath.Join(dir, "pg_service.conf")
	os.WriteFile(service, []byte("[billing]\nhost=db.example.com\nhostaddr=127.0.0.1\nport="+good+"\nsslrootcert="+rootFile+"\ndbname=billing\n"), 0o644)
	list := filepath.Join(dir, "fleet.txt")
	os.WriteFile(list, []byte(off.Addr()+"\n127.0.0.1:1 # retired\n"), 0o644)
	prom := filepath.Join(dir, "probe.prom")

	out, errOut, code := runProbe(t, "127.0.0.1:"+good, "--targets-file", list, "--service-file", service, "--sslmode", "require", "--metrics-file", prom)
	lines := strings.Split(out, "\n")
	if code != cmdutil.ExitFailure || errOut != "" || len(lines) != 6 ||
		!strings.HasPrefix(lines[0], "127.0.0.1:"+good+" ok") || !strings.Contains(lines[0], "CN=db.example.com, until") ||
		!strings.HasPrefix(lines[1], off.Addr()+" no-ssl") || !strings.HasPrefix(lines[2], "127.0.0.1:1") || !strings.Contains(lines[2], " refused ") ||
		!strings.HasPrefix(lines[3], "billing") || !strings.Contains(lines[3], "libpq sslmode=require accepts it") ||
		lines[4] != "4 targets: 2 ok, 2 failed (1 no-ssl, 1 refused)" {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	data, err := os.ReadFile(prom)
	if err != nil {
		t.Fatal(err)
	}
	fams, err := metrics.Parse(strings.NewReader(string(data)))
	if fi, _ := os.Stat(prom); err != nil || len(fams) != 6 || fi.Mode().Perm() != 0o644 || !strings.Contains(string(data), `pgcert_probe_verdict_ok{target="billing",sslmode="require",host="db.example.com"} 1`) {
		t.Errorf("metrics file: %v\n%s", err, data)
	}

	// Without --sslmode the service's own (none: verify-full) and its root hold,
	// while the address target has no root file at all.
	out, _, code = runProbe(t, "127.0.0.1:"+good, "--service-file", service, "--json")
	var doc struct {
		Targets []struct {
			Name     string `json:"name"`
			Status   string `json:"status"`
			RootFile string `json:"root_file"`
			Verdict  struct {
				OK    bool   `json:"ok"`
				Mode  string `json:"sslmode"`
				Error string `json:"error"`
			} `json:"verdict"`
		} `json:"targets"`
		Summary struct {
			OK       int `json:"ok"`
			Problems int `json:"problems"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("no JSON document: %v\n%s", err, out)
	}
	byAddr, billing := doc.Targets[0], doc.Targets[1]
	if code != cmdutil.ExitFailure || len(doc.Targets) != 2 || doc.Summary.OK != 1 || doc.Summary.Problems != 1 ||
		byAddr.Status != "problem" || !strings.Contains(byAddr.Verdict.Error, `root certificate file "`) ||
		billing.Status != "ok" || billing.RootFile != rootFile || !billing.Verdict.OK || billing.Verdict.Mode != "verify-full" {
		t.Errorf("exit %d, %+v", code, doc)
	}

	out, _, code = runProbe(t, "127.0.0.1:"+good, "--service-file", service, "--prometheus", "--root", rootFile, "--sslmode", "verify-ca")
	if _, err := metrics.Parse(strings.NewReader(out)); err != nil || code != cmdutil.ExitOK ||
		!strings.Contains(out, `pgcert_probe_ok{target="127.0.0.1:`+good+`",status="ok"} 1`) {
		t.Errorf("--prometheus: exit %d, %v\n%s", code, err, out)
	}
}
