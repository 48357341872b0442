package doctor

import (
	"fmt"
	"slices"
	"time"

	"github.com/pgcert/pgcert/pkg/pgdata"
)

// Level is how bad a finding is.
type Level string

// The levels of a finding. An error is what makes the server refuse to start or a
// client refuse to connect; a warning is what will, or what weakens SSL.
const (
	LevelOK      Level = "ok"
	LevelWarning Level = "warning"
	LevelError   Level = "error"
)

// Source says whose words a finding's message is.
type Source string

// The sources of a finding's message: the server's or libpq's own words (what they
// log or print), or pgcert's when neither says anything of its own.
const (
	SourceServer Source = "server"
	SourceLibpq  Source = "libpq"
	SourcePgcert Source = "pgcert"
)

// Finding is one verdict on one aspect of one file.
type Finding struct {
	// Level is ok, warning or error.
	Level Level `json:"level"`
	// Check names what was checked, a stable identifier (docs: the check JSON
	// document) such as "order", "match" or "crl-validity".
	Check string `json:"check"`
	// Message is the finding; when Source is server or libpq, it is that program's
	// words.
	Message string `json:"message"`
	Source  Source `json:"source"`
	// Detail says more: the server's DETAIL line, or what follows from the finding.
	Detail string `json:"detail,omitempty"`
	// Fix says what to do.
	Fix string `json:"fix,omitempty"`
	// File and Line locate a finding inside a configuration file.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Cert describes one certificate of a file.
type Cert struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// DaysLeft counts whole days from the check's time to NotAfter, rounding toward
	// zero.
	DaysLeft int    `json:"days_left"`
	SHA256   string `json:"sha256"`
	IsCA     bool   `json:"is_ca"`
}

// CRL describes one CRL of a file.
type CRL struct {
	Issuer     string    `json:"issuer"`
	Number     string    `json:"number,omitempty"`
	ThisUpdate time.Time `json:"this_update"`
	// NextUpdate is zero for a CRL without one, which OpenSSL takes as current for
	// ever; DaysLeft is then 0.
	NextUpdate time.Time `json:"next_update,omitempty"`
	DaysLeft   int       `json:"days_left"`
	Revoked    int       `json:"revoked"`
	// File is the file the CRL came from, as the setting spells it (for ssl_crl_dir,
	// the entry inside the directory).
	File string `json:"file,omitempty"`
}

// Group is the findings about one file.
type Group struct {
	// Name is the file as its setting spells it, or its base name.
	Name string `json:"name"`
	// Path is the file's absolute path.
	Path string `json:"path"`
	// Setting is the parameter that names the file, if any.
	Setting      string    `json:"setting,omitempty"`
	Findings     []Finding `json:"findings"`
	Certificates []Cert    `json:"certificates,omitempty"`
	CRLs         []CRL     `json:"crls,omitempty"`
}

// Report is the whole result of a check, and the --json document of `pgcert check`.
type Report struct {
	DataDirectory  string    `json:"data_directory"`
	ConfigFile     string    `json:"config_file"`
	Version        string    `json:"version"`
	VersionAssumed bool      `json:"version_assumed"`
	DatabaseUser   string    `json:"database_user"`
	CheckedAt      time.Time `json:"checked_at"`
	WarnDays       int       `json:"warn_days"`
	Hosts          []string  `json:"hosts"`
	Strict         bool      `json:"strict"`
	// OK is set when there is no error, and with Strict no warning either.
	OK       bool `json:"ok"`
	Errors   int  `json:"errors"`
	Warnings int  `json:"warnings"`
	// Files are the groups in the order the server reads the files: postgresql.conf,
	// ssl_cert_file, ssl_key_file, ssl_ca_file, ssl_crl_file, ssl_crl_dir,
	// pg_hba.conf.
	Files []Group `json:"files"`
}

// ForSettings returns the groups of the files the given settings name, in report
// order: a renewal judges only the files it replaces.
func (r *Report) ForSettings(settings ...string) []Group {
	var out []Group
	for _, g := range r.Files {
		if g.Setting != "" && slices.Contains(settings, g.Setting) {
			out = append(out, g)
		}
	}
	return out
}

// SSLFiles returns the groups of ssl_cert_file, ssl_key_file, ssl_ca_file,
// ssl_crl_file and ssl_crl_dir: the files that hold certificates, keys and CRLs.
func (r *Report) SSLFiles() []Group { return r.ForSettings(pgdata.SSLFileSettings...) }

// At returns the group's findings at level, in order.
func (g Group) At(level Level) []Finding {
	var out []Finding
	for _, fd := range g.Findings {
		if fd.Level == level {
			out = append(out, fd)
		}
	}
	return out
}

// add records a finding and returns it for the caller to complete.
func (g *Group) add(level Level, check string, source Source, message string) *Finding {
	g.Findings = append(g.Findings, Finding{Level: level, Check: check, Source: source, Message: message})
	return &g.Findings[len(g.Findings)-1]
}

func (g *Group) ok(check, format string, args ...any) *Finding {
	return g.add(LevelOK, check, SourcePgcert, fmt.Sprintf(format, args...))
}

func (g *Group) warn(check, format string, args ...any) *Finding {
	return g.add(LevelWarning, check, SourcePgcert, fmt.Sprintf(format, args...))
}

func (g *Group) fail(check, format string, args ...any) *Finding {
	return g.add(LevelError, check, SourcePgcert, fmt.Sprintf(format, args...))
}

func (fd *Finding) detail(format string, args ...any) *Finding {
	fd.Detail = fmt.Sprintf(format, args...)
	return fd
}

func (fd *Finding) fix(format string, args ...any) *Finding {
	fd.Fix = fmt.Sprintf(format, args...)
	return fd
}

func (fd *Finding) at(file string, line int) *Finding {
	fd.File, fd.Line = file, line
	return fd
}

// tally counts errors and warnings and decides OK.
func (r *Report) tally() {
	r.Errors, r.Warnings = 0, 0
	for _, g := range r.Files {
		for _, fd := range g.Findings {
			switch fd.Level {
			case LevelError:
				r.Errors++
			case LevelWarning:
				r.Warnings++
			}
		}
	}
	r.OK = r.Errors == 0 && (!r.Strict || r.Warnings == 0)
}
