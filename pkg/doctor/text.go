package doctor

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/pgcert/pgcert/pkg/style"
)

// WriteText writes the report as `pgcert check` prints it: a heading, then per file
// its findings, each with the server's or libpq's words, a detail and a fix, then a
// summary. Levels are padded before s paints them, so the columns hold in colour.
func (r *Report) WriteText(w io.Writer, s style.Style) {
	version := "PostgreSQL " + r.Version
	if r.VersionAssumed {
		version += " rules assumed"
	}
	fmt.Fprintf(w, "%s %s (%s, database user %s)\n", s.Bold("data directory"), r.DataDirectory, version, r.DatabaseUser)
	for _, g := range r.Files {
		fmt.Fprintln(w)
		head := g.Name
		if g.Setting != "" {
			head += " (" + g.Setting + ")"
		}
		if g.Path != "" && g.Path != g.Name {
			head += "  " + g.Path
		}
		fmt.Fprintln(w, s.Bold(head))
		for _, fd := range g.Findings {
			var level string
			switch fd.Level {
			case LevelOK:
				level = s.Green(style.Pad(string(fd.Level), 7))
			case LevelWarning:
				level = s.Yellow(style.Pad(string(fd.Level), 7))
			default:
				level = s.Red(style.Pad(string(fd.Level), 7))
			}
			msg := fd.Message
			if fd.Source != SourcePgcert {
				msg = string(fd.Source) + ": " + msg
			}
			fmt.Fprintf(w, "  %s  %s\n", level, msg)
			if fd.Level != LevelOK && fd.File != "" && fd.Line > 0 {
				style.Indented(w, 11, "at ", fmt.Sprintf("%s:%d", fd.File, fd.Line))
			}
			style.Indented(w, 11, "", fd.Detail)
			style.Indented(w, 11, "fix: ", fd.Fix)
		}
	}
	fmt.Fprintln(w)
	var parts []string
	if r.Errors > 0 {
		parts = append(parts, s.Red(plural(r.Errors, "error", "errors")))
	}
	if r.Warnings > 0 {
		parts = append(parts, s.Yellow(plural(r.Warnings, "warning", "warnings")))
	}
	if len(parts) == 0 {
		fmt.Fprintln(w, s.Green("all ok"))
		return
	}
	fmt.Fprintln(w, strings.Join(parts, ", "))
}

// WriteText writes the list as `pgcert check --expiring` prints it: a table,
// soonest first, and a line counting what has expired or is expiring. The table is
// written in one piece, so that a reader of a pipe never sees half of it.
func (r *ExpiringReport) WriteText(w io.Writer, s style.Style) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%5s  %-10s  %-11s  %-8s  %s\n", "DAYS", "EXPIRES", "KIND", "STATUS", "FILE / NAME")
	for _, it := range r.Items {
		days, expires := "never", "-"
		if it.DaysLeft != nil {
			days, expires = fmt.Sprint(*it.DaysLeft), dateText(*it.Expires)
		}
		name := it.Subject
		if it.Kind == KindCRL {
			name = "CRL of " + it.Issuer
		}
		status := style.Pad(it.Status, 8)
		switch it.Status {
		case ExpirySoon:
			status = s.Yellow(status)
		case ExpiryExpired:
			status = s.Red(status)
		default:
			status = s.Green(status)
		}
		fmt.Fprintf(&b, "%5s  %-10s  %-11s  %s  %s: %s\n", days, expires, it.Kind, status, it.File, name)
	}
	switch {
	case len(r.Items) == 0:
		fmt.Fprintln(&b, "no certificate or CRL found")
	case r.Expired > 0 || r.Expiring > 0:
		fmt.Fprintf(&b, "%d expired, %d expiring within %d days\n", r.Expired, r.Expiring, r.WarnDays)
	}
	_, err := w.Write(b.Bytes())
	return err
}
