package pgdata

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// DataDir describes a directory pgcert was pointed at (`-D`): whether it is a data
// directory, which version's rules apply, and where the configuration is.
type DataDir struct {
	// Dir is the data directory, absolute: where PG_VERSION, postgresql.auto.conf and
	// the ssl_* files named relatively are.
	Dir string
	// ConfigDir is the directory -D named: the data directory, or a configuration
	// directory whose postgresql.conf sets data_directory. pg_hba.conf is there unless
	// hba_file says otherwise.
	ConfigDir string
	// ConfigFile is the postgresql.conf the server reads; empty when none was found.
	ConfigFile string
	// IsDataDir reports that Dir holds PG_VERSION and global/pg_control, which is
	// what the server itself requires.
	IsDataDir bool
	// Version is the version PG_VERSION states, or Newest when there is none.
	Version Version
	// VersionAssumed reports that Version is Newest because PG_VERSION is missing or
	// unreadable.
	VersionAssumed bool
	// Missing lists what Dir lacks to be a data directory (PG_VERSION,
	// global/pg_control).
	Missing []string
}

// Inspect examines dir the way the server's -D does. It finds the configuration:
// dir/postgresql.conf; else the config_file the server was last started with
// (postmaster.opts); else Debian's /etc/postgresql/<version>/<cluster>/postgresql.conf.
// When dir has a postgresql.conf but no PG_VERSION and the file sets data_directory,
// dir is a configuration directory and the data directory is the one it names.
// A directory that is not (yet) a data directory is not an error: it is reported so,
// with the newest version's rules assumed. A PG_VERSION that is there but is not a
// regular file is an error wrapping fsutil.ErrNotRegular.
func Inspect(dir string) (*DataDir, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("pgdata: %w", err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("pgdata: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("pgdata: %s is not a directory", abs)
	}
	d := &DataDir{Dir: abs, ConfigDir: abs}
	conf := filepath.Join(abs, ConfFileName)
	if exists(conf) {
		d.ConfigFile = conf
		if !exists(filepath.Join(abs, "PG_VERSION")) {
			if dd, file := dataDirectorySetting(conf, abs); dd != "" {
				if err := checkDataDirectory(file, dd); err != nil {
					return nil, err
				}
				d.Dir = dd
			}
		}
	}
	if err := d.examine(); err != nil {
		return nil, err
	}
	if d.ConfigFile == "" {
		d.ConfigFile = findConfigFile(d)
	}
	return d, nil
}

// examine finds out whether d is a data directory and of which version. A
// PG_VERSION that is not a regular file (a FIFO would hold the server's start, and
// pgcert, forever) is an error rather than a version assumed.
func (d *DataDir) examine() error {
	for _, m := range []string{"PG_VERSION", filepath.Join("global", "pg_control")} {
		if !exists(filepath.Join(d.Dir, m)) {
			d.Missing = append(d.Missing, m)
		}
	}
	d.IsDataDir = len(d.Missing) == 0
	v, err := ReadVersion(d.Dir)
	if errors.Is(err, fsutil.ErrNotRegular) {
		return err
	}
	if err != nil {
		v, d.VersionAssumed = Newest, true
	}
	d.Version = v
	return nil
}

// dataDirectorySetting returns the data_directory that conf sets, if it is absolute,
// with the file that sets it (conf, or a file it includes).
func dataDirectorySetting(conf, dir string) (value, file string) {
	cfg, _ := LoadConfigFile(conf, dir)
	if cfg == nil {
		return "", ""
	}
	if s, ok := cfg.Lookup("data_directory"); ok && filepath.IsAbs(s.Value) {
		return filepath.Clean(s.Value), s.File
	}
	return "", ""
}

// ErrDataDirOwner marks a data_directory setting that pgcert does not follow: it
// names a directory of another user than those who may write the setting.
var ErrDataDirOwner = errors.New("data_directory names a directory of another user than the setting's")

// checkDataDirectory refuses the data directory dataDir that file sets when a user
// who may write file (its owner, its directory's owner, anyone when others may
// write it) is neither root, the running user nor dataDir's owner. The data
// directory decides whose files pgcert may change: its owner's. A configuration
// directory of the database user's (Debian's /etc/postgresql/15/main belongs to
// postgres) naming a directory of root's would make root's files that user's to
// have changed, and a run as root would change them. Groups are not consulted.
func checkDataDirectory(file, dataDir string) error {
	var dd syscall.Stat_t
	if syscall.Stat(dataDir, &dd) != nil {
		return nil
	}
	euid := uint32(os.Geteuid())
	for _, p := range []string{file, filepath.Dir(file)} {
		var st syscall.Stat_t
		if syscall.Stat(p, &st) != nil {
			continue
		}
		writer := fmt.Sprintf("user %d", st.Uid)
		switch {
		case st.Mode&0o002 != 0 && st.Mode&syscall.S_ISVTX == 0:
			writer = "anyone"
		case st.Uid == 0 || st.Uid == euid || st.Uid == dd.Uid:
			continue
		}
		return fmt.Errorf("pgdata: %w: %s sets data_directory = '%s', a directory of user %d, and %s may write %s; name the data directory with -D",
			ErrDataDirOwner, file, dataDir, dd.Uid, writer, p)
	}
	return nil
}

// findConfigFile looks for the configuration of a data directory that does not hold
// it.
func findConfigFile(d *DataDir) string {
	if f := configFromOpts(filepath.Join(d.Dir, "postmaster.opts")); f != "" && exists(f) {
		return f
	}
	if d.VersionAssumed {
		return ""
	}
	debian := filepath.Join("/etc/postgresql", d.Version.String(), filepath.Base(d.Dir), ConfFileName)
	if exists(debian) {
		return debian
	}
	return ""
}

// maxOptsFileSize bounds the read of postmaster.opts, one command line.
const maxOptsFileSize = 64 << 10

// configFromOpts reads the config_file the server was started with from
// postmaster.opts, which holds its command line with each argument double-quoted.
func configFromOpts(path string) string {
	data, err := fsutil.ReadRegular(path, maxOptsFileSize)
	if err != nil {
		return ""
	}
	args := quotedArgs(data)
	for i, a := range args {
		switch {
		case strings.HasPrefix(a, "config_file="):
			return strings.TrimPrefix(a, "config_file=")
		case strings.HasPrefix(a, "--config-file="):
			return strings.TrimPrefix(a, "--config-file=")
		case strings.HasPrefix(a, "--config_file="):
			return strings.TrimPrefix(a, "--config_file=")
		case a == "--config-file" && i+1 < len(args):
			return args[i+1]
		}
	}
	return ""
}

func quotedArgs(data []byte) []string {
	var out []string
	s := string(data)
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return append(out, s[i+1:])
			}
			out = append(out, s[i+1:i+1+j])
			i += j + 2
		default:
			j := strings.IndexAny(s[i:], " \t\r\n")
			if j < 0 {
				j = len(s) - i
			}
			out = append(out, s[i:i+j])
			i += j
		}
	}
	return out
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}
