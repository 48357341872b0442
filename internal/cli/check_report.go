package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/pgcert/pgcert/pkg/doctor"
)

// The levels of a check finding, and whose words a message is.
const (
	levelOK      = doctor.LevelOK
	levelWarning = doctor.LevelWarning
	levelError   = doctor.LevelError
	sourcePgcert = doctor.SourcePgcert
)

// checkReport is the report of pgcert check, and its --json document.
type checkReport = doctor.Report

// printCheckReport writes the human form: a heading, then per file its findings,
// each with the server's or libpq's words, a detail and a fix, then a summary.
func printCheckReport(w io.Writer, cs colorScheme, r *checkReport) {
	version := "PostgreSQL " + r.Version
	if r.VersionAssumed {
		version += " rules assumed"
	}
	fmt.Fprintf(w, "%s %s (%s, database user %s)\n", cs.Bold("data directory"), r.DataDirectory, version, r.DatabaseUser)
	for _, g := range r.Files {
		fmt.Fprintln(w)
		head := g.Name
		if g.Setting != "" {
			head += " (" + g.Setting + ")"
		}
		if g.Path != "" && g.Path != g.Name {
			head += "  " + g.Path
		}
		fmt.Fprintln(w, cs.Bold(head))
		for _, fd := range g.Findings {
			var level string
			switch fd.Level {
			case levelOK:
				level = cs.Green(pad(string(fd.Level), 7))
			case levelWarning:
				level = cs.Yellow(pad(string(fd.Level), 7))
			default:
				level = cs.Red(pad(string(fd.Level), 7))
			}
			msg := fd.Message
			if fd.Source != sourcePgcert {
				msg = string(fd.Source) + ": " + msg
			}
			fmt.Fprintf(w, "  %s  %s\n", level, msg)
			if fd.Level != levelOK && fd.File != "" && fd.Line > 0 {
				printIndented(w, 11, "at ", fmt.Sprintf("%s:%d", fd.File, fd.Line))
			}
			printIndented(w, 11, "", fd.Detail)
			printIndented(w, 11, "fix: ", fd.Fix)
		}
	}
	fmt.Fprintln(w)
	var parts []string
	if r.Errors > 0 {
		parts = append(parts, cs.Red(plural(r.Errors, "error", "errors")))
	}
	if r.Warnings > 0 {
		parts = append(parts, cs.Yellow(plural(r.Warnings, "warning", "warnings")))
	}
	if len(parts) == 0 {
		fmt.Fprintln(w, cs.Green("all ok"))
		return
	}
	fmt.Fprintln(w, strings.Join(parts, ", "))
}

// colorScheme is what printCheckReport paints with.
type colorScheme interface {
	Green(string) string
	Yellow(string) string
	Red(string) string
	Bold(string) string
}
