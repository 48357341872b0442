package rotate

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/stepca"
)

// rollbackRefuses are the flags that say what to renew and how, which a rollback,
// putting the previous files back, has no use for.
var rollbackRefuses = []string{"ca-dir", "days", "within", "force", "rekey", "passin"}

// ParseWithin reads --within: a number of days ("30", "30d"), the unit of
// certificate lifetimes, or a Go duration ("720h") for a test that needs less than
// a day. A negative value is refused, as a usage error.
func ParseWithin(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil && n >= 0 {
		return time.Duration(n) * 24 * time.Hour, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, hint.Usagef("--within %s: give days (30, 30d) or a duration (720h)", s)
}

// Validate refuses a command line Run cannot carry out, as a hint.UsageError
// naming the flag: a --within that does not read, a --wait that is not positive,
// and with --rollback a flag that only a renewal uses. given says whether a flag
// (named without its dashes) was on the command line, for flags whose zero value
// is a valid choice.
func (c Command) Validate(given func(flag string) bool) error {
	if c.Within != "" {
		if _, err := ParseWithin(c.Within); err != nil {
			return err
		}
	}
	if c.Wait <= 0 {
		return hint.Usagef("--wait must be positive, such as 30s")
	}
	if c.Rollback {
		for _, name := range rollbackRefuses {
			if given(name) {
				return hint.Usagef("--rollback puts the previous files back: --%s does not apply", name)
			}
		}
	}
	return nil
}

// RunOptions is the world a Command runs in: the Options of Renew and Rollback
// (Run fills Setup, OpenCA and the settings of the command line), and the hooks
// that need the data directory Run reads first.
type RunOptions struct {
	Options
	// ReadSetup reads the data directory dir (pgdata.ReadSetup, with what stops it
	// explained).
	ReadSetup func(dir string) (*pgdata.Setup, error)
	// CAFor opens the local CA of the data directory dataDir.
	CAFor func(dataDir string) (*ca.CA, error)
	// Remote gives the step-ca the renewal asks instead of a local CA, nil for none;
	// a nil Remote hook means none.
	Remote func(dataDir string) (*StepRemote, error)
	// Print reports a renewal or a rollback, also one that ended in an error after
	// it changed files (the report says what was changed).
	Print func(*Report) error
}

// Run carries out the command line c: a rollback with c.Rollback, else a renewal
// (Renew) from the local CA or the step-ca o.Remote gives. Errors carry what to do
// about them: the command line allowing refused files outside the data directory
// (ExplainOutside), and a step-ca's remedies. A renewal with c.MetricsFile leaves
// its state there, whether it succeeded or not, so that an alert sees a failing
// scheduled run.
func (c Command) Run(o RunOptions) error {
	if c.MetricsFile == "" || c.Rollback {
		_, err := c.run(o)
		return err
	}
	rep, err := c.run(o)
	dir, aerr := filepath.Abs(c.DataDir)
	if aerr != nil {
		dir = c.DataDir
	}
	fams := Metrics(dir, rep, err, o.now(), metrics.ReadFile(c.MetricsFile))
	if werr := metrics.WriteFile(c.MetricsFile, fams); werr != nil && err == nil {
		err = werr
	}
	return err
}

// run is Run without the metrics: the renewal's report (nil for a rollback or a
// failure before one) and the error.
func (c Command) run(o RunOptions) (*Report, error) {
	setup, err := o.ReadSetup(c.DataDir)
	if err == nil {
		err = setup.RefuseSpecialFiles()
	}
	if err != nil {
		return nil, err
	}
	ro := o.Options
	ro.Setup, ro.Force, ro.Rekey, ro.Days, ro.Reload, ro.Wait = setup, c.Force, c.Rekey, c.Days, c.Reload, c.Wait
	ro.AllowOutside = c.AllowOutside
	if c.Within != "" {
		ro.Within, ro.WithinSet = mustWithin(c.Within), true
	}
	ro.OpenCA = func() (*ca.CA, error) { return o.CAFor(setup.Dir.Dir) }
	if c.Rollback {
		rep, err := Rollback(ro)
		return nil, ExplainOutside(c.print(o, rep, err), c)
	}
	if o.Remote != nil {
		remote, err := o.Remote(setup.Dir.Dir)
		if err != nil {
			return nil, err
		}
		if remote != nil {
			ro.Remote = remote
		}
	}
	rep, err := Renew(ro)
	return rep, ExplainOutside(stepca.Hinted(c.print(o, rep, err)), c)
}

// print prints rep when there is one, and gives err, else the printing's error.
func (c Command) print(o RunOptions, rep *Report, err error) error {
	if rep != nil && o.Print != nil {
		if perr := o.Print(rep); perr != nil && err == nil {
			return perr
		}
	}
	return err
}

// mustWithin is ParseWithin of a --within that Validate accepted.
func mustWithin(s string) time.Duration {
	d, _ := ParseWithin(s)
	return d
}
