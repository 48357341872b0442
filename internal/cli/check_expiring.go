package cli

import (
	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/metrics"
)

// expiringRun prints the --expiring list of a check report, and writes it to
// metricsFile as Prometheus metrics when one is given; it fails (exit 1) when
// something has expired, or with --strict is expiring.
func expiringRun(f *Factory, out *doctor.ExpiringReport, metricsFile string) error {
	if metricsFile != "" {
		if err := metrics.WriteFile(metricsFile, out.Metrics()); err != nil {
			return err
		}
	}
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, out); err != nil {
			return err
		}
	} else if err := out.WriteText(f.IO.Out, f.IO.OutColors()); err != nil {
		return err
	}
	if !out.OK {
		return errProblemsFound
	}
	return nil
}
