package rotate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

func TestParseWithin(t *testing.T) {
	for in, want := range map[string]time.Duration{"30": 30 * 24 * time.Hour, "7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour, "0": 0} {
		if got, err := ParseWithin(in); err != nil || got != want {
			t.Errorf("ParseWithin(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"soon", "-3", "-3d", "-1h"} {
		var ue *hint.UsageError
		if _, err := ParseWithin(in); !errors.As(err, &ue) {
			t.Errorf("ParseWithin(%q): %v, want a usage error", in, err)
		}
	}
}

func TestCommandValidate(t *testing.T) {
	none := func(string) bool { return false }
	for _, tc := range []struct {
		c     Command
		given []string
		want  string
	}{
		{Command{Within: "soon", Wait: time.Second}, nil, "--within soon: give days"},
		{Command{Wait: 0}, nil, "--wait must be positive"},
		{Command{Rollback: true, Wait: time.Second}, []string{"days"}, "--rollback puts the previous files back: --days does not apply"},
		{Command{Rollback: true, Wait: time.Second}, []string{"passin"}, "--rollback puts the previous files back: --passin does not apply"},
	} {
		given := func(f string) bool {
			for _, g := range tc.given {
				if g == f {
					return true
				}
			}
			return false
		}
		var ue *hint.UsageError
		if err := tc.c.Validate(given); !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%+v %v: %v, want %q", tc.c, tc.given, err, tc.want)
		}
	}
	if err := (Command{Rollback: true, Reload: true, Wait: time.Second}).Validate(none); err != nil {
		t.Errorf("a rollback with --reload: %v", err)
	}
}

func (fx *fixture) runOptions(t *testing.T, printed *[]*Report) RunOptions {
	o := fx.options(t)
	o.Setup, o.OpenCA = nil, nil
	return RunOptions{
		Options:   o,
		ReadSetup: func(dir string) (*pgdata.Setup, error) { return pgdata.ReadSetup(dir, keyperm.SystemLookup{}) },
		CAFor:     func(string) (*ca.CA, error) { return ca.Open(fx.CADir) },
		Print:     func(r *Report) error { *printed = append(*printed, r); return nil },
	}
}

func TestCommandRun(t *testing.T) {
	fx := newFixture(t)
	metricsFile := filepath.Join(t.TempDir(), "renew.prom")
	var printed []*Report
	c := Command{DataDir: fx.Dir, Wait: time.Second, MetricsFile: metricsFile}
	if err := c.Run(fx.runOptions(t, &printed)); err != nil {
		t.Fatal(err)
	}
	if len(printed) != 1 || printed[0].Action != "renewed" || fx.Leaf(t, "server.crt").Equal(fx.Old) {
		t.Fatalf("renewal: %+v", printed)
	}
	fams := metrics.ReadFile(metricsFile)
	var success float64 = -1
	for _, f := range fams {
		if f.Name == MetricRenewSuccess && len(f.Samples) == 1 {
			success = f.Samples[0].Value
		}
	}
	if success != 1 {
		t.Errorf("%s = %v in %s", MetricRenewSuccess, success, metricsFile)
	}

	printed = nil
	c = Command{DataDir: fx.Dir, Wait: time.Second, Rollback: true, MetricsFile: filepath.Join(t.TempDir(), "rollback.prom")}
	if err := c.Run(fx.runOptions(t, &printed)); err != nil {
		t.Fatal(err)
	}
	if len(printed) != 1 || printed[0].Action != "rolled_back" || !fx.Leaf(t, "server.crt").Equal(fx.Old) {
		t.Errorf("rollback: %+v", printed)
	}
	if _, err := os.Stat(c.MetricsFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a rollback wrote metrics: %v", err)
	}

	printed = nil
	o := fx.runOptions(t, &printed)
	o.ReadSetup = func(string) (*pgdata.Setup, error) { return nil, errors.New("unreadable") }
	c = Command{DataDir: fx.Dir, Wait: time.Second, MetricsFile: metricsFile}
	if err := c.Run(o); err == nil || err.Error() != "unreadable" || len(printed) != 0 {
		t.Fatalf("unreadable data directory: %v, printed %d", err, len(printed))
	}
	for _, f := range metrics.ReadFile(metricsFile) {
		if f.Name == MetricRenewSuccess && (len(f.Samples) != 1 || f.Samples[0].Value != 0) {
			t.Errorf("a failed run should leave %s 0: %+v", MetricRenewSuccess, f.Samples)
		}
	}
}
