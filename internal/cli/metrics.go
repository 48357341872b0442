package cli

import (
	"bytes"
	"fmt"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/rotate"
)

// metricsFlagUsage describes --metrics-file, the same for renew and check --expiring.
const metricsFlagUsage = "write the state as Prometheus metrics to `FILE` (for node_exporter's textfile collector: a .prom file in its directory)"

// metricsFileLimit bounds the previous metrics file read back: a few families.
const metricsFileLimit = 1 << 20

// writeMetricsFile writes families to path, replacing it atomically: the collector
// reads the file whenever Prometheus scrapes, and must never see half of it. The
// file is world-readable (0644), as node_exporter runs as its own user.
func writeMetricsFile(path string, families []metrics.Family) error {
	var buf bytes.Buffer
	if err := metrics.Write(&buf, families); err != nil {
		return err
	}
	_, err := fsutil.WriteFile(path, buf.Bytes(), fsutil.Options{Mode: fsutil.PublicMode, Force: true})
	return err
}

// readMetricsFile reads what the last run wrote to path; nil when there is nothing
// readable there, which only loses what the last run carried over.
func readMetricsFile(path string) []metrics.Family {
	data, err := fsutil.ReadInput(path, metricsFileLimit)
	if err != nil {
		return nil
	}
	fams, err := metrics.Parse(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	return fams
}

// metrics is the --expiring list as Prometheus metrics, with the names renew uses
// (rotate.MetricCertDaysLeft ...) for the same facts and labels that tell the
// files apart: days left and expiry time of every certificate and CRL the server
// reads, and when the check ran. A CRL without a next update is left out: it
// never expires.
func (r *expiringReport) metrics() []metrics.Family {
	dd := metrics.Label{Name: "data_directory", Value: r.DataDirectory}
	fam := func(name, help string) metrics.Family {
		return metrics.Family{Name: name, Help: help, Type: metrics.Gauge}
	}
	certDays := fam(rotate.MetricCertDaysLeft, "Whole days until the certificate expires (negative once expired).")
	certExp := fam(rotate.MetricCertExpiry, "Unix time the certificate expires (notAfter).")
	crlDays := fam(rotate.MetricCRLDaysLeft, "Whole days until the CRL of one CA expires (nextUpdate; negative once expired).")
	crlNext := fam(rotate.MetricCRLNextUpdate, "Unix time the CRL of one CA expires (nextUpdate).")
	// A certificate listed twice in one file (a root repeated in ssl_ca_file) is
	// one sample: the collector drops a file with two samples of one label set.
	seen := map[string]bool{}
	for _, it := range r.Items {
		if it.Expires == nil {
			continue
		}
		ls := []metrics.Label{dd, {Name: "setting", Value: it.Setting}, {Name: "file", Value: it.Path}}
		days, exp := &certDays, &certExp
		if it.Kind == kindCRL {
			ls = append(ls, metrics.Label{Name: "entry", Value: it.File}, metrics.Label{Name: "issuer", Value: it.Issuer}, metrics.Label{Name: "number", Value: it.Number})
			days, exp = &crlDays, &crlNext
		} else {
			ls = append(ls, metrics.Label{Name: "subject", Value: it.Subject}, metrics.Label{Name: "serial", Value: it.Serial})
		}
		key := fmt.Sprintf("%s %q", it.Kind, ls)
		if seen[key] {
			continue
		}
		seen[key] = true
		days.Samples = append(days.Samples, metrics.Sample{Labels: ls, Value: float64(*it.DaysLeft)})
		exp.Samples = append(exp.Samples, metrics.Sample{Labels: ls, Value: float64(it.Expires.Unix())})
	}
	one := func(v float64) []metrics.Sample { return []metrics.Sample{{Labels: []metrics.Label{dd}, Value: v}} }
	ran := fam("pgcert_check_last_run_timestamp_seconds", "Unix time of the last pgcert check --expiring run.")
	ran.Samples = one(float64(r.CheckedAt.Unix()))
	expired := fam("pgcert_check_expired", "Certificates and CRLs the server reads that have expired.")
	expired.Samples = one(float64(r.Expired))
	expiring := fam("pgcert_check_expiring", "Certificates and CRLs the server reads that expire within --warn-days.")
	expiring.Samples = one(float64(r.Expiring))
	return []metrics.Family{ran, expired, expiring, certDays, certExp, crlDays, crlNext}
}
