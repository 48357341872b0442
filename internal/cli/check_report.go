package cli

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// The levels of a check finding.
const (
	levelOK      = "ok"
	levelWarning = "warning"
	levelError   = "error"
)

// checkFinding is one line of `pgcert check`: a verdict on one aspect of one file.
type checkFinding struct {
	// Level is ok, warning or error.
	Level string `json:"level"`
	// Check names what was checked, a stable identifier (see README.md, "JSON output",
	// pgcert check).
	Check string `json:"check"`
	// Message is the finding; when Source is server or libpq, it is that program's
	// words.
	Message string `json:"message"`
	Source  string `json:"source"`
	// Detail says more: the server's DETAIL line, or what follows from the finding.
	Detail string `json:"detail,omitempty"`
	// Fix says what to do.
	Fix string `json:"fix,omitempty"`
	// File and Line locate a finding inside a configuration file.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// checkCert describes one certificate of a file.
type checkCert struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	DaysLeft  int       `json:"days_left"`
	SHA256    string    `json:"sha256"`
	IsCA      bool      `json:"is_ca"`
}

// checkCRL describes one CRL of a file.
type checkCRL struct {
	Issuer     string    `json:"issuer"`
	Number     string    `json:"number,omitempty"`
	ThisUpdate time.Time `json:"this_update"`
	NextUpdate time.Time `json:"next_update,omitempty"`
	DaysLeft   int       `json:"days_left"`
	Revoked    int       `json:"revoked"`
	File       string    `json:"file,omitempty"`
}

// checkGroup is the findings about one file.
type checkGroup struct {
	// Name is the file as its setting spells it, or its base name.
	Name string `json:"name"`
	// Path is the file's absolute path.
	Path string `json:"path"`
	// Setting is the parameter that names the file, if any.
	Setting      string         `json:"setting,omitempty"`
	Findings     []checkFinding `json:"findings"`
	Certificates []checkCert    `json:"certificates,omitempty"`
	CRLs         []checkCRL     `json:"crls,omitempty"`
}

// checkReport is the whole result of `pgcert check`, and its --json document.
type checkReport struct {
	DataDirectory  string       `json:"data_directory"`
	ConfigFile     string       `json:"config_file"`
	Version        string       `json:"version"`
	VersionAssumed bool         `json:"version_assumed"`
	DatabaseUser   string       `json:"database_user"`
	CheckedAt      time.Time    `json:"checked_at"`
	WarnDays       int          `json:"warn_days"`
	Hosts          []string     `json:"hosts"`
	Strict         bool         `json:"strict"`
	OK             bool         `json:"ok"`
	Errors         int          `json:"errors"`
	Warnings       int          `json:"warnings"`
	Files          []checkGroup `json:"files"`
}

// add records a finding and returns it for the caller to complete.
func (g *checkGroup) add(level, check, source, message string) *checkFinding {
	g.Findings = append(g.Findings, checkFinding{Level: level, Check: check, Source: source, Message: message})
	return &g.Findings[len(g.Findings)-1]
}

func (g *checkGroup) ok(check, format string, args ...any) *checkFinding {
	return g.add(levelOK, check, sourcePgcert, fmt.Sprintf(format, args...))
}

func (g *checkGroup) warn(check, format string, args ...any) *checkFinding {
	return g.add(levelWarning, check, sourcePgcert, fmt.Sprintf(format, args...))
}

func (g *checkGroup) fail(check, format string, args ...any) *checkFinding {
	return g.add(levelError, check, sourcePgcert, fmt.Sprintf(format, args...))
}

// The sources of a finding's message: whose words they are.
const (
	sourceServer = "server"
	sourceLibpq  = "libpq"
	sourcePgcert = "pgcert"
)

func (fd *checkFinding) detail(format string, args ...any) *checkFinding {
	fd.Detail = fmt.Sprintf(format, args...)
	return fd
}

func (fd *checkFinding) fix(format string, args ...any) *checkFinding {
	fd.Fix = fmt.Sprintf(format, args...)
	return fd
}

func (fd *checkFinding) at(file string, line int) *checkFinding {
	fd.File, fd.Line = file, line
	return fd
}

// tally counts errors and warnings and decides OK.
func (r *checkReport) tally() {
	r.Errors, r.Warnings = 0, 0
	for _, g := range r.Files {
		for _, fd := range g.Findings {
			switch fd.Level {
			case levelError:
				r.Errors++
			case levelWarning:
				r.Warnings++
			}
		}
	}
	r.OK = r.Errors == 0 && (!r.Strict || r.Warnings == 0)
}

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
				level = cs.Green(pad(fd.Level, 7))
			case levelWarning:
				level = cs.Yellow(pad(fd.Level, 7))
			default:
				level = cs.Red(pad(fd.Level, 7))
			}
			msg := fd.Message
			if fd.Source != sourcePgcert {
				msg = fd.Source + ": " + msg
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

// daysLeft counts whole days from now to t, rounding toward zero, as chain does in its
// messages.
func daysLeft(t, now time.Time) int {
	return int(t.Sub(now) / (24 * time.Hour))
}

// whenText says how far t is from now: "in 12 days", "3 days ago", "today".
func whenText(t, now time.Time) string {
	d := daysLeft(t, now)
	switch {
	case d == 0 && t.After(now):
		return "within a day"
	case d == 0:
		return "today"
	case d == 1:
		return "in 1 day"
	case d > 1:
		return fmt.Sprintf("in %d days", d)
	case d == -1:
		return "1 day ago"
	}
	return fmt.Sprintf("%d days ago", -d)
}

func dateText(t time.Time) string { return t.UTC().Format(time.DateOnly) }
