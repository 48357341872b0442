package doctor

import (
	"strings"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// Command is `pgcert check` as asked: the data directory, the settings of the
// check, and whether the expiring list (with its metrics file) is wanted instead
// of the report.
type Command struct {
	DataDir string
	// Hosts, WarnDays and Strict are Options' (WarnDays is usually
	// DefaultWarnDays).
	Hosts    []string
	WarnDays int
	Strict   bool
	// Expiring asks for Report.Expiring instead of the report.
	Expiring bool
	// MetricsFile, with Expiring, receives the list as Prometheus metrics.
	MetricsFile string
}

// Validate refuses a command Run cannot carry out, as a hint.UsageError naming
// the flag.
func (c Command) Validate() error {
	switch {
	case c.DataDir == "":
		return hint.Usagef("give the data directory with -D PGDATA")
	case c.WarnDays < 0:
		return hint.Usagef("--warn-days must be 0 or more, not %d", c.WarnDays)
	case c.MetricsFile != "" && !c.Expiring:
		return hint.Usagef("--metrics-file goes with --expiring")
	}
	for _, h := range c.Hosts {
		if strings.TrimSpace(h) == "" {
			return hint.Usagef("--host needs a host name")
		}
	}
	return nil
}

// Run checks s (read from c.DataDir) with c's settings and o's clock, lookup and
// passphrase (o's Hosts, WarnDays and Strict are replaced by c's). It gives the
// report, or with c.Expiring the expiring list instead (the report is then nil),
// written to c.MetricsFile when one is given; the error is only the metrics
// file's.
func (c Command) Run(s *pgdata.Setup, o Options) (*Report, *ExpiringReport, error) {
	o.Hosts, o.WarnDays, o.Strict = c.Hosts, c.WarnDays, c.Strict
	rep := Check(s, o)
	if !c.Expiring {
		return rep, nil, nil
	}
	out := rep.Expiring()
	if c.MetricsFile != "" {
		if err := metrics.WriteFile(c.MetricsFile, out.Metrics()); err != nil {
			return nil, nil, err
		}
	}
	return nil, out, nil
}
