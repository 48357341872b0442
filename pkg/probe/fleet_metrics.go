package probe

import (
	"strconv"

	"github.com/pgcert/pgcert/pkg/metrics"
)

// Metric names of a fleet probe, for node_exporter's textfile collector. Every
// sample carries the label target, the target's Name.
const (
	// MetricProbeOK is 1 for a target that is fine, 0 for one that failed or has a
	// problem (what makes `pgcert probe` exit 1), with its status as a label.
	MetricProbeOK = "pgcert_probe_ok"
	// MetricProbeVerdict is libpq's verdict on a server that spoke TLS: 1 accepted,
	// 0 refused, with the sslmode and host it was given for.
	MetricProbeVerdict = "pgcert_probe_verdict_ok"
	// MetricProbeCertDaysLeft is the whole days left of each served certificate,
	// with its position in the chain (0 for the server's own), subject and serial.
	MetricProbeCertDaysLeft = "pgcert_probe_certificate_days_left"
	// MetricProbeCertExpiry is the same certificates' notAfter, in Unix time.
	MetricProbeCertExpiry = "pgcert_probe_certificate_expiry_timestamp_seconds"
	// MetricProbeDuration is how long the target's probe took.
	MetricProbeDuration = "pgcert_probe_duration_seconds"
	// MetricProbeLastRun is when the probes started, without the target label.
	MetricProbeLastRun = "pgcert_probe_last_run_timestamp_seconds"
)

// Metrics is the report as Prometheus gauges. A target whose Name repeats an earlier
// one (the same server listed twice) is left out after the first, since the
// collector drops a file with two samples of the same labels. Skipped targets (Unix
// sockets) have no samples.
func (r *FleetReport) Metrics() []metrics.Family {
	gauge := func(name, help string) metrics.Family {
		return metrics.Family{Name: name, Help: help, Type: metrics.Gauge}
	}
	ok := gauge(MetricProbeOK, "1 when the server's SSL is fine, 0 when the probe failed or found a problem.")
	verdict := gauge(MetricProbeVerdict, "1 when libpq would accept the server's certificate, 0 when it would refuse it.")
	days := gauge(MetricProbeCertDaysLeft, "Whole days until a certificate the server sends expires (negative once expired).")
	expiry := gauge(MetricProbeCertExpiry, "Unix time a certificate the server sends expires (notAfter).")
	dur := gauge(MetricProbeDuration, "Seconds the probe of the server took.")
	seen := map[string]bool{}
	for _, t := range r.Targets {
		if seen[t.Name] || t.Status == StatusSkipped {
			continue
		}
		seen[t.Name] = true
		target := metrics.Label{Name: "target", Value: t.Name}
		v := 0.0
		if t.Status == StatusOK {
			v = 1
		}
		ok.Samples = append(ok.Samples, metrics.Sample{Labels: []metrics.Label{target, {Name: "status", Value: string(t.Status)}}, Value: v})
		dur.Samples = append(dur.Samples, metrics.Sample{Labels: []metrics.Label{target}, Value: t.Seconds})
		if t.Result == nil || t.Err != nil {
			continue
		}
		if vd := t.Verdict; vd != nil {
			v := 0.0
			if vd.OK {
				v = 1
			}
			verdict.Samples = append(verdict.Samples, metrics.Sample{Labels: []metrics.Label{target, {Name: "sslmode", Value: vd.Mode}, {Name: "host", Value: vd.Host}}, Value: v})
		}
		for i, c := range t.Chain {
			ls := []metrics.Label{target, {Name: "position", Value: strconv.Itoa(i)}, {Name: "subject", Value: c.Subject}, {Name: "serial", Value: c.Serial}}
			days.Samples = append(days.Samples, metrics.Sample{Labels: ls, Value: float64(c.DaysLeft)})
			expiry.Samples = append(expiry.Samples, metrics.Sample{Labels: ls, Value: float64(c.NotAfter.Unix())})
		}
	}
	run := gauge(MetricProbeLastRun, "Unix time the last pgcert probe run started.")
	run.Samples = []metrics.Sample{{Value: float64(r.Time.Unix())}}
	return []metrics.Family{run, ok, verdict, days, expiry, dur}
}
