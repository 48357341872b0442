package pgdata

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// Names of the files the server reads from a data directory.
const (
	ConfFileName     = "postgresql.conf"
	AutoConfFileName = "postgresql.auto.conf"
	HBAFileName      = "pg_hba.conf"
	IdentFileName    = "pg_ident.conf"
)

// maxIncludeDepth is the server's limit on include nesting (ParseConfigFile: depth >
// 10 is refused); it is what stops include cycles other than a file including itself.
const maxIncludeDepth = 10

// Setting is one parameter assignment and where it was made.
type Setting struct {
	// Name is the parameter's name as written.
	Name string
	// Value is the value as the server stores it (quotes and escapes processed).
	Value string
	// File is the absolute path of the file, Line the line in it.
	File string
	Line int
}

// Config is the configuration the server would read: postgresql.conf with everything
// it includes, then postgresql.auto.conf (ALTER SYSTEM), in the order the server
// applies them, so that for each parameter the last assignment wins.
type Config struct {
	// DataDir is the data directory; postgresql.auto.conf is read from it and relative
	// paths in ssl_* settings are relative to it.
	DataDir string
	// File is the main configuration file, absolute.
	File string
	// Settings are all assignments in the order the server applies them.
	Settings []Setting
	// Files are the files read, in order.
	Files []string
	// Skipped are include_if_exists files that do not exist, which the server notes
	// with "skipping missing configuration file" and ignores.
	Skipped []string
}

// Lookup returns the assignment of the parameter name that the server uses: the last
// one, names compared without regard to case.
func (c *Config) Lookup(name string) (Setting, bool) {
	for i := len(c.Settings) - 1; i >= 0; i-- {
		if strings.EqualFold(c.Settings[i].Name, name) {
			return c.Settings[i], true
		}
	}
	return Setting{}, false
}

// All returns every assignment of name, first to last: all but the last are overridden.
func (c *Config) All(name string) []Setting {
	var out []Setting
	for _, s := range c.Settings {
		if strings.EqualFold(s.Name, name) {
			out = append(out, s)
		}
	}
	return out
}

// LoadConfig reads dataDir/postgresql.conf and dataDir/postgresql.auto.conf.
func LoadConfig(dataDir string) (*Config, error) {
	return LoadConfigFile(filepath.Join(dataDir, ConfFileName), dataDir)
}

// LoadConfigFile reads the configuration file confFile, with everything it includes,
// then postgresql.auto.conf from dataDir if it exists, as ProcessConfigFileInternal
// does. Problems are returned as *ConfError values (an *ErrorList when there are
// several) along with everything that could be read: the server would refuse to start
// with any of them, and would apply nothing on reload.
func LoadConfigFile(confFile, dataDir string) (*Config, error) {
	absConf, err := filepath.Abs(confFile)
	if err != nil {
		return nil, fmt.Errorf("pgdata: %w", err)
	}
	absData, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("pgdata: %w", err)
	}
	l := &loader{cfg: &Config{DataDir: absData, File: absConf}}
	l.file(absConf, true, "", 0, 0)
	l.file(filepath.Join(absData, AutoConfFileName), false, "", 0, 0)
	return l.cfg, joinErrors(l.errs)
}

type loader struct {
	cfg  *Config
	errs []error
}

func (l *loader) fail(file string, line int, sentinel error, format string, args ...any) {
	l.errs = append(l.errs, &ConfError{File: file, Line: line, Err: sentinel, Message: fmt.Sprintf(format, args...)})
}

// absolute resolves an included name against the directory of the including file, as
// AbsoluteConfigLocation does.
func absolute(name, callingFile string) string {
	if filepath.IsAbs(name) || callingFile == "" {
		return filepath.Clean(name)
	}
	return filepath.Join(filepath.Dir(callingFile), name)
}

func blank(s string) bool { return strings.Trim(s, " \t\r\n") == "" }

// file is ParseConfigFile: read one file (strict: it must exist) named from
// callingFile:callingLine at the given depth.
func (l *loader) file(name string, strict bool, callingFile string, callingLine, depth int) {
	if blank(name) {
		l.fail(callingFile, callingLine, ErrEmptyName, `empty configuration file name: "%s"`, name)
		return
	}
	if depth > maxIncludeDepth {
		l.fail(callingFile, callingLine, ErrNesting, `could not open configuration file "%s": maximum nesting depth exceeded`, name)
		return
	}
	abs := absolute(name, callingFile)
	if callingFile != "" && abs == callingFile {
		l.fail(callingFile, callingLine, ErrRecursion, `configuration file recursion in "%s"`, callingFile)
		return
	}
	data, err := readConfigFile(abs)
	if err != nil {
		if !strict && !errors.Is(err, ErrTooLarge) && !errors.Is(err, fsutil.ErrNotRegular) {
			l.cfg.Skipped = append(l.cfg.Skipped, abs)
			return
		}
		l.errs = append(l.errs, &ConfError{File: callingFile, Line: callingLine, Err: err,
			Message: fmt.Sprintf(`could not open configuration file "%s": %s`, abs, keyperm.Strerror(err))})
		return
	}
	l.cfg.Files = append(l.cfg.Files, abs)
	dirs, err := ParseConf(abs, data)
	if err != nil {
		l.errs = append(l.errs, unjoin(err)...)
	}
	for _, d := range dirs {
		switch strings.ToLower(d.Name) {
		case dirIncludeDir:
			l.dir(d.Value, abs, d.Line, depth+1)
		case dirIncludeIfExists:
			l.file(d.Value, false, abs, d.Line, depth+1)
		case dirInclude:
			l.file(d.Value, true, abs, d.Line, depth+1)
		default:
			l.cfg.Settings = append(l.cfg.Settings, Setting{Name: d.Name, Value: d.Value, File: abs, Line: d.Line})
		}
	}
}

// dir is ParseConfigDirectory: the files of a directory whose names end in .conf and
// do not start with a dot, in byte order of their names (the server sorts with
// strcmp), each read as if the including file included it.
func (l *loader) dir(name, callingFile string, callingLine, depth int) {
	if blank(name) {
		l.fail(callingFile, callingLine, ErrEmptyName, `empty configuration directory name: "%s"`, name)
		return
	}
	abs := absolute(name, callingFile)
	entries, err := os.ReadDir(abs)
	if err != nil {
		l.errs = append(l.errs, &ConfError{File: callingFile, Line: callingLine, Err: err,
			Message: fmt.Sprintf(`could not open configuration directory "%s": %s`, abs, keyperm.Strerror(err))})
		return
	}
	var files []string
	for _, e := range entries {
		n := e.Name()
		if len(n) < 6 || n[0] == '.' || !strings.HasSuffix(n, ".conf") {
			continue
		}
		p := filepath.Join(abs, n)
		st, err := os.Stat(p)
		if err != nil {
			l.errs = append(l.errs, &ConfError{File: callingFile, Line: callingLine, Err: err,
				Message: fmt.Sprintf(`could not stat file "%s": %s`, p, keyperm.Strerror(err))})
			return
		}
		if !st.IsDir() {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	for _, f := range files {
		l.file(f, true, callingFile, callingLine, depth)
	}
}

func unjoin(err error) []error {
	var list *ErrorList
	if errors.As(err, &list) {
		return list.Errs
	}
	return []error{err}
}
