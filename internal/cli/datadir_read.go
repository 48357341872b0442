package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// serverSetup is a data directory as the server reads it at start: where it is, which
// version's rules apply, its configuration, its SSL settings and the user it runs as.
type serverSetup struct {
	Dir    *pgdata.DataDir
	Config *pgdata.Config
	// ConfErrs are what the server would log while reading its configuration (syntax
	// errors, includes it cannot open, values it refuses): at start each is fatal.
	ConfErrs []*pgdata.ConfError
	SSL      pgdata.SSL
	// DBUser is the user the server runs as: the data directory's owner, since the
	// server refuses to start on a directory it does not own.
	DBUser keyperm.Identity
	// Staged, when set, gives by setting name a file to check instead of the one the
	// setting names: pgcert renew checks a new set of files this way before it moves
	// them into place. Findings still name the files as the settings spell them.
	Staged map[string]string
}

// sslFile is one file the SSL settings name.
type sslFile struct {
	Setting string // ssl_cert_file, ...
	Value   string // as the setting spells it, which is how the server names it
	Path    string // resolved against the data directory
}

// sslSettingsOrder is the order the server loads its SSL files in (be_tls_init):
// certificate, key, CA, CRL file and directory.
var sslSettingsOrder = []string{"ssl_cert_file", "ssl_key_file", "ssl_ca_file", "ssl_crl_file", "ssl_crl_dir"}

// Files returns the files the SSL settings name, in the order the server loads them;
// unset settings are left out.
func (s *serverSetup) Files() []sslFile {
	values := map[string]string{
		"ssl_cert_file": s.SSL.CertFile, "ssl_key_file": s.SSL.KeyFile, "ssl_ca_file": s.SSL.CAFile,
		"ssl_crl_file": s.SSL.CRLFile, "ssl_crl_dir": s.SSL.CRLDir,
	}
	var out []sslFile
	for _, name := range sslSettingsOrder {
		if v := values[name]; v != "" {
			path := pgdata.Resolve(s.Dir.Dir, v)
			if p, ok := s.Staged[name]; ok {
				path = p
			}
			out = append(out, sslFile{Setting: name, Value: v, Path: path})
		}
	}
	return out
}

// File returns the file a setting names, as Files does; false when it is unset.
func (s *serverSetup) File(setting string) (sslFile, bool) {
	for _, sf := range s.Files() {
		if sf.Setting == setting {
			return sf, true
		}
	}
	return sslFile{}, false
}

// readServerSetup reads the data directory (or configuration directory) dir the way
// the server's -D does. Problems the server would report about its configuration are
// kept in ConfErrs for the caller to report; only what stops pgcert from reading the
// configuration at all is an error: a directory that does not exist, is not a
// directory, or that pgcert may not read.
func readServerSetup(dir string, lookup keyperm.Lookup) (*serverSetup, error) {
	dd, err := pgdata.Inspect(dir)
	if err != nil {
		var pe *fs.PathError
		switch {
		case errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist):
			return nil, failf([]string{"give the data directory with -D, the directory that holds PG_VERSION"}, "%s: no such directory", dir)
		case errors.Is(err, fs.ErrPermission):
			return nil, failf(readHints(dir), "%s: permission denied", dir)
		}
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if dd.ConfigFile == "" {
		return nil, failf([]string{
			"give the data directory (the one with PG_VERSION) or the directory that holds postgresql.conf",
		}, "%s: no postgresql.conf found (not in the directory, not in postmaster.opts, not under /etc/postgresql)", dd.Dir)
	}
	cfg, loadErr := pgdata.LoadConfigFile(dd.ConfigFile, dd.Dir)
	s := &serverSetup{Dir: dd, Config: cfg}
	for _, e := range confErrors(loadErr) {
		if e.File == "" && errors.Is(e.Err, fs.ErrPermission) {
			return nil, failf(readHints(dd.Dir), "%s: permission denied: pgcert cannot read the server's configuration", dd.ConfigFile)
		}
		if e.File == "" {
			return nil, failf(nil, "%s", e.Message)
		}
		s.ConfErrs = append(s.ConfErrs, e)
	}
	ssl, sslErr := cfg.SSL(dd.Version)
	s.SSL = ssl
	s.ConfErrs = append(s.ConfErrs, confErrors(sslErr)...)
	s.DBUser = directoryOwner(dd.Dir, lookup)
	return s, nil
}

// readHints says how to run pgcert so that it can read a data directory, which
// belongs to the database user with mode 0700.
func readHints(dir string) []string {
	return []string{fmt.Sprintf("run pgcert as root or as the database user, e.g. sudo -u postgres pgcert ... -D %s", dir)}
}

// confErrors flattens what pgdata returns into the server's messages, in order.
func confErrors(err error) []*pgdata.ConfError {
	if err == nil {
		return nil
	}
	var list *pgdata.ErrorList
	if errors.As(err, &list) {
		var out []*pgdata.ConfError
		for _, e := range list.Errs {
			out = append(out, confErrors(e)...)
		}
		return out
	}
	var ce *pgdata.ConfError
	if errors.As(err, &ce) {
		return []*pgdata.ConfError{ce}
	}
	return []*pgdata.ConfError{{Message: err.Error(), Err: err}}
}

// directoryOwner returns the identity of the user owning dir, with its groups. A user
// ID with no account keeps its number and the directory's group.
func directoryOwner(dir string, lookup keyperm.Lookup) keyperm.Identity {
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

// userLabel names a user in output: its login, or its number.
func userLabel(id keyperm.Identity) string {
	if id.Name != "" {
		return id.Name
	}
	return fmt.Sprintf("uid %d", id.UID)
}

// crlDirEntries lists the files of a CRL directory in name order, with their paths;
// subdirectories are left out. A directory that cannot be listed gives nothing: the
// directory's own check reports why.
func crlDirEntries(dir string) []string {
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
