package doctor

import (
	"fmt"

	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/rotate"
)

// Metrics is the --expiring list as Prometheus metrics, with the names renew uses
// (rotate.MetricCertDaysLeft ...) for the same facts and labels that tell the
// files apart: days left and expiry time of every certificate and CRL the server
// reads, and when the check ran. A CRL without a next update is left out: it
// never expires.
func (r *ExpiringReport) Metrics() []metrics.Family {
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
		if it.Kind == KindCRL {
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
