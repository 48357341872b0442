package pgdata

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/pgcert/pgcert/pkg/keyperm"
)

// Setup is a data directory as the server reads it at start: where it is, which
// version's rules apply, its configuration, its SSL settings and the user it runs as.
// It is what pgcert's checker, renewal and repair work from, so that each reads the
// configuration once and the same way.
type Setup struct {
	Dir    *DataDir
	Config *Config
	// ConfErrs are what the server would log while reading its configuration (syntax
	// errors, includes it cannot open, values it refuses): at start each is fatal.
	ConfErrs []*ConfError
	SSL      SSL
	// DBUser is the user the server runs as: the data directory's owner, since the
	// server refuses to start on a directory it does not own.
	DBUser keyperm.Identity
	// Staged, when set, gives by setting name a file to check instead of the one the
	// setting names: a renewal checks a new set of files this way before it moves
	// them into place. Findings still name the files as the settings spell them.
	Staged map[string]string
}

// SSLFile is one file the SSL settings name.
type SSLFile struct {
	Setting string // ssl_cert_file, ...
	Value   string // as the setting spells it, which is how the server names it
	Path    string // resolved against the data directory
}

// SSLFileSettings lists the settings that name SSL files, in the order the server
// loads them (be_tls_init): certificate, key, CA, CRL file and directory.
var SSLFileSettings = []string{"ssl_cert_file", "ssl_key_file", "ssl_ca_file", "ssl_crl_file", "ssl_crl_dir"}

// Files returns the files the SSL settings name, in the order the server loads them;
// unset settings are left out.
func (s *Setup) Files() []SSLFile {
	values := map[string]string{
		"ssl_cert_file": s.SSL.CertFile, "ssl_key_file": s.SSL.KeyFile, "ssl_ca_file": s.SSL.CAFile,
		"ssl_crl_file": s.SSL.CRLFile, "ssl_crl_dir": s.SSL.CRLDir,
	}
	var out []SSLFile
	for _, name := range SSLFileSettings {
		if v := values[name]; v != "" {
			path := Resolve(s.Dir.Dir, v)
			if p, ok := s.Staged[name]; ok {
				path = p
			}
			out = append(out, SSLFile{Setting: name, Value: v, Path: path})
		}
	}
	return out
}

// File returns the file a setting names, as Files does; false when it is unset.
func (s *Setup) File(setting string) (SSLFile, bool) {
	for _, sf := range s.Files() {
		if sf.Setting == setting {
			return sf, true
		}
	}
	return SSLFile{}, false
}

// SetupError says why a data directory's setup could not be read at all. Kind tells
// callers which advice fits; Path is the directory or file concerned.
type SetupError struct {
	Kind SetupErrorKind
	// Dir is the data directory as given, or as found when it could be read.
	Dir  string
	Path string
	Err  error
}

// SetupErrorKind classifies a SetupError.
type SetupErrorKind int

// The kinds of SetupError.
const (
	// SetupNoDir: the directory does not exist.
	SetupNoDir SetupErrorKind = iota + 1
	// SetupDenied: the directory or its configuration may not be read by this user.
	SetupDenied
	// SetupNoConfig: no postgresql.conf was found for the directory.
	SetupNoConfig
	// SetupUnreadable: the configuration could not be read for another reason.
	SetupUnreadable
)

func (e *SetupError) Error() string {
	switch e.Kind {
	case SetupNoDir:
		return e.Path + ": no such directory"
	case SetupDenied:
		return e.Path + ": permission denied"
	case SetupNoConfig:
		return e.Path + ": no postgresql.conf found (not in the directory, not in postmaster.opts, not under /etc/postgresql)"
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return e.Path + ": cannot read the configuration"
}

func (e *SetupError) Unwrap() error { return e.Err }

// ReadSetup reads the data directory (or configuration directory) dir the way the
// server's -D does. Problems the server would report about its configuration are kept
// in ConfErrs for the caller to report; only what stops the configuration from being
// read at all is an error, a *SetupError: a directory that does not exist, is not a
// directory, or that may not be read.
func ReadSetup(dir string, lookup keyperm.Lookup) (*Setup, error) {
	dd, err := Inspect(dir)
	if err != nil {
		var pe *fs.PathError
		switch {
		case errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist):
			return nil, &SetupError{Kind: SetupNoDir, Dir: dir, Path: dir, Err: err}
		case errors.Is(err, fs.ErrPermission):
			return nil, &SetupError{Kind: SetupDenied, Dir: dir, Path: dir, Err: err}
		}
		return nil, &SetupError{Kind: SetupUnreadable, Dir: dir, Path: dir, Err: fmt.Errorf("%s: %w", dir, err)}
	}
	if dd.ConfigFile == "" {
		return nil, &SetupError{Kind: SetupNoConfig, Dir: dd.Dir, Path: dd.Dir}
	}
	cfg, loadErr := LoadConfigFile(dd.ConfigFile, dd.Dir)
	s := &Setup{Dir: dd, Config: cfg}
	for _, e := range ConfErrors(loadErr) {
		if e.File == "" && errors.Is(e.Err, fs.ErrPermission) {
			return nil, &SetupError{Kind: SetupDenied, Dir: dd.Dir, Path: dd.ConfigFile, Err: e.Err}
		}
		if e.File == "" {
			return nil, &SetupError{Kind: SetupUnreadable, Dir: dd.Dir, Path: dd.ConfigFile, Err: errors.New(e.Message)}
		}
		s.ConfErrs = append(s.ConfErrs, e)
	}
	ssl, sslErr := cfg.SSL(dd.Version)
	s.SSL = ssl
	s.ConfErrs = append(s.ConfErrs, ConfErrors(sslErr)...)
	s.DBUser = DirectoryOwner(dd.Dir, lookup)
	return s, nil
}

// ConfErrors flattens what this package returns into the server's messages, in order.
func ConfErrors(err error) []*ConfError {
	if err == nil {
		return nil
	}
	var list *ErrorList
	if errors.As(err, &list) {
		var out []*ConfError
		for _, e := range list.Errs {
			out = append(out, ConfErrors(e)...)
		}
		return out
	}
	var ce *ConfError
	if errors.As(err, &ce) {
		return []*ConfError{ce}
	}
	return []*ConfError{{Message: err.Error(), Err: err}}
}

// DirectoryOwner returns the identity of the user owning dir, with its groups. A user
// ID with no account keeps its number and the directory's group.
func DirectoryOwner(dir string, lookup keyperm.Lookup) keyperm.Identity {
	fi, err := os.Stat(dir)
	if err != nil {
		return keyperm.Identity{}
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return keyperm.Identity{}
	}
	id, err := lookup.LookupUID(st.Uid)
	if err != nil {
		id = keyperm.Identity{UID: st.Uid, GID: st.Gid}
	}
	return id
}

// CRLDirEntries lists the files of a CRL directory in name order, with their paths;
// subdirectories are left out. A directory that cannot be listed gives nothing: the
// caller's check of the directory itself reports why.
func CRLDirEntries(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	sort.Strings(out)
	return out
}
