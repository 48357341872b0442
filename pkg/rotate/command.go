package rotate

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
)

// Command is a `pgcert renew` command line as its user gave it, so that a hint can
// repeat it with one thing changed and still do the rest of what was asked.
type Command struct {
	DataDir  string
	CADir    string
	Days     int
	Within   string
	Force    bool
	Rekey    bool
	Reload   bool
	Rollback bool
	PassIn   string
	// Wait is --wait; DefaultReloadWait is left out of the line.
	Wait         time.Duration
	AllowOutside []string
	// MetricsFile is --metrics-file: where Run leaves the run's state as Prometheus
	// metrics; empty for none. String leaves it out: a command repeated by hand
	// should not overwrite what the scheduled run reports.
	MetricsFile string
}

// String is the command line, each word quoted for a POSIX shell. A pass:
// passphrase is left out, not echoed: the command asks for it instead.
func (c Command) String() string {
	parts := []string{"pgcert renew", "-D", words.ShellWord(c.DataDir)}
	if c.Rollback {
		parts = append(parts, "--rollback")
	} else {
		if c.CADir != "" {
			parts = append(parts, "--ca-dir", words.ShellWord(c.CADir))
		}
		if c.Days > 0 {
			parts = append(parts, "--days", strconv.Itoa(c.Days))
		}
		if c.Within != "" {
			parts = append(parts, "--within", words.ShellWord(c.Within))
		}
		if c.Force {
			parts = append(parts, "--force")
		}
		if c.Rekey {
			parts = append(parts, "--rekey")
		}
		if c.PassIn != "" && !strings.HasPrefix(c.PassIn, "pass:") {
			parts = append(parts, "--passin", words.ShellWord(c.PassIn))
		}
	}
	if c.Reload {
		parts = append(parts, "--reload")
	}
	if c.Wait != DefaultReloadWait {
		parts = append(parts, "--wait", c.Wait.String())
	}
	for _, p := range c.AllowOutside {
		parts = append(parts, "--allow-outside", words.ShellWord(p))
	}
	return strings.Join(parts, " ")
}

// ExplainOutside is err with hints when it is an OutsideError: whose word the
// setting is, and c with --allow-outside for each refused file, for an admin who
// checked them. Any other err is returned as it is.
func ExplainOutside(err error, c Command) error {
	var oe *OutsideError
	if !errors.As(err, &oe) {
		return err
	}
	c.AllowOutside = slices.Clone(c.AllowOutside)
	for _, p := range oe.Paths {
		// Allowing a file allows its .prev: name each file once.
		if base, ok := strings.CutSuffix(p, PrevSuffix); !ok || !slices.Contains(oe.Paths, base) {
			c.AllowOutside = append(c.AllowOutside, p)
		}
	}
	return &hint.Error{Err: err, Hints: []string{
		"a setting naming a file outside the data directory is the database owner's word (ALTER SYSTEM), not yours; see docs/security.md",
		"if you checked the file and mean renew to write it: " + c.String(),
	}}
}
