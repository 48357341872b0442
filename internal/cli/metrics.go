package cli

import (
	"bytes"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/metrics"
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
