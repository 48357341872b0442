package rotate

import (
	"math"
	"time"

	"github.com/pgcert/pgcert/pkg/metrics"
)

// Metric names of a renewal, for node_exporter's textfile collector (docs/rotation.md
// lists them with alert rules).
const (
	MetricCertDaysLeft    = "pgcert_certificate_days_left"
	MetricCertExpiry      = "pgcert_certificate_expiry_timestamp_seconds"
	MetricCRLDaysLeft     = "pgcert_crl_days_left"
	MetricCRLNextUpdate   = "pgcert_crl_next_update_timestamp_seconds"
	MetricRenewLastRun    = "pgcert_renew_last_run_timestamp_seconds"
	MetricRenewSuccess    = "pgcert_renew_success"
	MetricRenewLastChange = "pgcert_renew_last_renewal_timestamp_seconds"
)

// Metrics is the state a renewal leaves for monitoring: when it ran and whether it
// succeeded, when files were last renewed, and the days left of the server
// certificate and of each CRL in ssl_crl_file as they are after the run. rep is
// the run's report (nil when it failed before it had one: then only the run's
// time and result are known); runErr its error; now the time of the run.
// previous is what the last run wrote, read back (nil when there is none): the
// time of the last renewal is carried over from it when this run renewed nothing,
// so an alert can tell a renewal that never happens from one that is not due.
func Metrics(dataDir string, rep *Report, runErr error, now time.Time, previous []metrics.Family) []metrics.Family {
	dd := metrics.Label{Name: "data_directory", Value: dataDir}
	gauge := func(name, help string, samples ...metrics.Sample) metrics.Family {
		return metrics.Family{Name: name, Help: help, Type: metrics.Gauge, Samples: samples}
	}
	one := func(v float64) metrics.Sample { return metrics.Sample{Labels: []metrics.Label{dd}, Value: v} }
	success := 0.0
	if runErr == nil {
		success = 1
	}
	out := []metrics.Family{
		gauge(MetricRenewLastRun, "Unix time of the last pgcert renew run.", one(float64(now.Unix()))),
		gauge(MetricRenewSuccess, "1 when the last pgcert renew run succeeded, 0 when it failed.", one(success)),
	}
	last := previousValue(previous, MetricRenewLastChange, dd)
	if rep != nil && (rep.Certificate.renewed() || rep.CRL.refreshed()) {
		last = float64(now.Unix())
	}
	if !math.IsNaN(last) {
		out = append(out, gauge(MetricRenewLastChange, "Unix time pgcert renew last replaced the server certificate or CRL file.", one(last)))
	}
	if rep == nil {
		return out
	}
	if c := rep.Certificate; c != nil {
		notAfter := c.NotAfter
		serial := c.Serial
		if c.New != nil {
			notAfter, serial = c.New.NotAfter, c.New.Serial
		}
		if t, err := time.Parse(time.RFC3339, notAfter); err == nil {
			ls := []metrics.Label{dd, {Name: "file", Value: c.File}, {Name: "serial", Value: serial}}
			out = append(out,
				gauge(MetricCertDaysLeft, "Whole days until the server certificate expires (negative once expired).", metrics.Sample{Labels: ls, Value: daysLeft(t, now)}),
				gauge(MetricCertExpiry, "Unix time the server certificate expires (notAfter).", metrics.Sample{Labels: ls, Value: float64(t.Unix())}))
		}
	}
	if c := rep.CRL; c != nil {
		var days, next []metrics.Sample
		for _, s := range c.CRLs {
			t, err := time.Parse(time.RFC3339, s.NextUpdate)
			if err != nil {
				continue
			}
			ls := []metrics.Label{dd, {Name: "file", Value: c.File}, {Name: "issuer", Value: s.Issuer}}
			days = append(days, metrics.Sample{Labels: ls, Value: daysLeft(t, now)})
			next = append(next, metrics.Sample{Labels: ls, Value: float64(t.Unix())})
		}
		if len(days) > 0 {
			out = append(out,
				gauge(MetricCRLDaysLeft, "Whole days until the CRL of one CA expires (nextUpdate; negative once expired).", days...),
				gauge(MetricCRLNextUpdate, "Unix time the CRL of one CA expires (nextUpdate).", next...))
		}
	}
	return out
}

func (c *CertReport) renewed() bool  { return c != nil && c.Renewed }
func (c *CRLReport) refreshed() bool { return c != nil && c.Refreshed }

// daysLeft is the whole days from now to t, rounded down, as reports count them.
func daysLeft(t, now time.Time) float64 {
	return math.Floor(t.Sub(now).Hours() / 24)
}

// previousValue is the value of name's sample labelled with dd in previous, or NaN.
func previousValue(previous []metrics.Family, name string, dd metrics.Label) float64 {
	for _, f := range previous {
		if f.Name != name {
			continue
		}
		for _, s := range f.Samples {
			for _, l := range s.Labels {
				if l == dd {
					return s.Value
				}
			}
		}
	}
	return math.NaN()
}
