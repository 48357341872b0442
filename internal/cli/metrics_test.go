package cli

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/rotate"
)

// readMetrics parses a metrics file with the text format's rules and returns each
// sample as "name{label=value,...}" -> value, labels sorted, data_directory left out.
func readMetrics(t *testing.T, path string) map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fams, err := metrics.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := f.Stat(); fi.Mode().Perm() != 0o644 {
		t.Errorf("%s has mode %04o, want 0644 (node_exporter runs as its own user)", path, fi.Mode().Perm())
	}
	out := map[string]float64{}
	for _, fam := range fams {
		if !strings.HasPrefix(fam.Name, "pgcert_") || fam.Help == "" || fam.Type != metrics.Gauge {
			t.Errorf("family %s: help %q, type %q", fam.Name, fam.Help, fam.Type)
		}
		for _, s := range fam.Samples {
			var ls []string
			for _, l := range s.Labels {
				if l.Name != "data_directory" {
					ls = append(ls, l.Name+"="+l.Value)
				}
			}
			sort.Strings(ls)
			out[fam.Name+"{"+strings.Join(ls, ",")+"}"] = s.Value
		}
	}
	return out
}

// TestRenewMetricsFile: renew --metrics-file writes the run's time and result, the
// time of the last renewal, and the days left of the certificate and each CRL as
// they are after the run; a run with nothing to do carries the last renewal's time
// over; a failed run says so and keeps it too.
func TestRenewMetricsFile(t *testing.T) {
	fx := newRenewFix(t)
	file := filepath.Join(t.TempDir(), "pgcert.prom")
	if _, errOut, code := fx.run(t, nil, "--metrics-file", file); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	now := float64(testpki.Now.Unix())
	got := readMetrics(t, file)
	crt := "{file=" + fx.Path("server.crt") + ",serial=" + ca.SerialHex(fx.Leaf(t, "server.crt").SerialNumber.Bytes()) + "}"
	for name, want := range map[string]float64{
		rotate.MetricRenewSuccess + "{}":    1,
		rotate.MetricRenewLastRun + "{}":    now,
		rotate.MetricRenewLastChange + "{}": now,
		rotate.MetricCertDaysLeft + crt:     825,
		rotate.MetricCertExpiry + crt:       float64(testpki.Now.AddDate(0, 0, 825).Unix()),
	} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v; all:\n%v", name, v, ok, want, got)
		}
	}
	crls := 0
	for name, v := range got {
		if strings.HasPrefix(name, rotate.MetricCRLDaysLeft+"{file="+fx.Path("root.crl")+",issuer=") {
			crls++
			if v != 170 { // made 10 days ago for crl.DefaultDays (180)
				t.Errorf("%s = %v", name, v)
			}
		}
	}
	if crls != 2 {
		t.Errorf("%d CRL samples, want one per CA:\n%v", crls, got)
	}

	// The last renewal's time outlives runs with nothing to do and failed runs.
	data, _ := os.ReadFile(file)
	os.WriteFile(file, []byte(strings.Replace(string(data), rotate.MetricRenewLastChange+`{data_directory="`+fx.Dir+`"} `+metrics.FormatValue(now),
		rotate.MetricRenewLastChange+`{data_directory="`+fx.Dir+`"} 12345`, 1)), 0o644)
	if _, errOut, code := fx.run(t, nil, "--within", "20", "--metrics-file", file); code != 0 {
		t.Fatalf("nothing to do: exit %d\n%s", code, errOut)
	}
	got = readMetrics(t, file)
	if got[rotate.MetricRenewLastChange+"{}"] != 12345 || got[rotate.MetricRenewSuccess+"{}"] != 1 || got[rotate.MetricCertDaysLeft+crt] != 825 {
		t.Errorf("nothing to do:\n%v", got)
	}
	fx.CADir = filepath.Join(t.TempDir(), "no-ca")
	if _, _, code := fx.run(t, nil, "--force", "--metrics-file", file); code == 0 {
		t.Fatal("renewed without a CA")
	}
	got = readMetrics(t, file)
	if got[rotate.MetricRenewLastChange+"{}"] != 12345 || got[rotate.MetricRenewSuccess+"{}"] != 0 || got[rotate.MetricRenewLastRun+"{}"] != now || len(got) != 3 {
		t.Errorf("failed run:\n%v", got)
	}
}

// TestCheckExpiringMetrics: check --expiring --metrics-file writes the days left of
// every certificate and CRL the server reads, and the counts; --metrics-file
// without --expiring is a usage error.
func TestCheckExpiringMetrics(t *testing.T) {
	dir, rootCRL := expiringDir(t, 10, -1)
	file := filepath.Join(t.TempDir(), "check.prom")
	if _, errOut, code := runCheck(t, "-D", dir, "--expiring", "--metrics-file", file); code != cmdutil.ExitFailure {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	got := readMetrics(t, file)
	if got["pgcert_check_expired{}"] != 1 || got["pgcert_check_expiring{}"] != 1 || got["pgcert_check_last_run_timestamp_seconds{}"] != float64(testpki.Now.Unix()) {
		t.Errorf("counts:\n%v", got)
	}
	var certs, crls []float64
	for name, v := range got {
		switch {
		case strings.HasPrefix(name, rotate.MetricCertDaysLeft+"{"):
			certs = append(certs, v)
		case strings.HasPrefix(name, rotate.MetricCRLDaysLeft+"{entry="+rootCRL+","):
			crls = append(crls, v)
		case strings.HasPrefix(name, rotate.MetricCRLDaysLeft+"{entry=root.crl,"):
			crls = append(crls, v)
		}
	}
	sort.Float64s(crls)
	if len(certs) != 4 || len(crls) != 2 || crls[0] != -1 || crls[1] != 10 {
		t.Errorf("certificates %v, CRLs %v:\n%v", certs, crls, got)
	}
	if _, errOut, code := runCheck(t, "-D", dir, "--metrics-file", file); code != cmdutil.ExitUsage || !strings.Contains(errOut, "--metrics-file goes with --expiring") {
		t.Errorf("without --expiring: exit %d\n%s", code, errOut)
	}
}
