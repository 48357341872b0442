package doctor

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

func TestCommandValidate(t *testing.T) {
	for _, tc := range []struct {
		c    Command
		want string
	}{
		{Command{}, "give the data directory with -D PGDATA"},
		{Command{DataDir: "d", WarnDays: -1}, "--warn-days must be 0 or more, not -1"},
		{Command{DataDir: "d", MetricsFile: "m.prom"}, "--metrics-file goes with --expiring"},
		{Command{DataDir: "d", Hosts: []string{"db", " "}}, "--host needs a host name"},
	} {
		var ue *hint.UsageError
		if err := tc.c.Validate(); !errors.As(err, &ue) || err.Error() != tc.want {
			t.Errorf("%+v: %v, want a usage error %q", tc.c, err, tc.want)
		}
	}
	if err := (Command{DataDir: "d", Expiring: true, MetricsFile: "m.prom"}).Validate(); err != nil {
		t.Error(err)
	}
}

func TestCommandRunExpiringMetrics(t *testing.T) {
	dir := testdatadir.New(t, testdatadir.NewPKI(t), nil)
	s, err := pgdata.ReadSetup(dir, keyperm.SystemLookup{})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "check.prom")
	c := Command{DataDir: dir, WarnDays: DefaultWarnDays, Expiring: true, MetricsFile: file}
	rep, exp, err := c.Run(s, Options{Now: testpki.Now})
	if err != nil || rep != nil || exp == nil || len(exp.Items) == 0 {
		t.Fatalf("expiring: %v %v %v", rep, exp, err)
	}
	if fams := metrics.ReadFile(file); len(fams) == 0 {
		t.Errorf("no metrics in %s", file)
	}
	c.MetricsFile = filepath.Join(dir, "missing", "check.prom")
	if _, _, err := c.Run(s, Options{Now: testpki.Now}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("unwritable metrics file: %v", err)
	}
	c.Expiring, c.MetricsFile = false, ""
	if rep, exp, err := c.Run(s, Options{Now: testpki.Now}); err != nil || rep == nil || exp != nil || rep.WarnDays != DefaultWarnDays {
		t.Errorf("report: %v %v %v", rep, exp, err)
	}
}
