package doctor

import (
	"time"

	"github.com/pgcert/pgcert/pkg/pgdata"
)

// Validate judges a data directory's SSL files the way a renewal must before it
// installs new ones: it runs Check at now (with s.Staged naming the new files in place
// of the current ones) and returns the errors and the warnings of the SSL file groups
// as "file: message" lines, an error's detail in parentheses. Any problem means the
// server would refuse the set. It has the shape of rotate.Validator.
func Validate(s *pgdata.Setup, now time.Time) (problems, warnings []string) {
	rep := Check(s, Options{Now: now, WarnDays: DefaultWarnDays})
	for _, g := range rep.SSLFiles() {
		for _, fd := range g.Findings {
			msg := g.Name + ": " + fd.Message
			switch fd.Level {
			case LevelWarning:
				warnings = append(warnings, msg)
			case LevelError:
				if fd.Detail != "" {
					msg += " (" + fd.Detail + ")"
				}
				problems = append(problems, msg)
			}
		}
	}
	return problems, warnings
}
