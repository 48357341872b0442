package keyperm

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// FileInfo is what stat(2) says about a file, following symbolic links as the server
// and libpq do, together with what Stat learnt on the way: whether the name was a
// link, where it led, and the directories a process must search to reach it.
type FileInfo struct {
	// Path is the file that was examined, as given to Stat.
	Path string
	// Name is how messages name the file. The server names a key as ssl_key_file
	// spells it (usually relative to the data directory), which is not always the
	// path a caller stats; Named sets it. Empty means Path.
	Name string
	// Err is the error stat() returned; when it is set, the other fields but Path,
	// Name and Dirs are zero.
	Err error
	// Mode holds the type bits and the permission bits of the file (of the link's
	// target for a symbolic link).
	Mode fs.FileMode
	// UID and GID own the file (the link's target).
	UID, GID uint32
	// Symlink reports that Path itself is a symbolic link; Target is then the file it
	// finally resolves to.
	Symlink bool
	Target  string
	// Dirs are the directories from the root down to the file, for Path and, for a
	// link, for Target too: a process that may not search one of them cannot reach
	// the file at all.
	Dirs []DirInfo

	dev, ino uint64
}

// DirInfo is one directory on the way to a file.
type DirInfo struct {
	Path     string
	Mode     fs.FileMode
	UID, GID uint32
}

// Named returns a copy of fi whose messages call the file name.
func (fi FileInfo) Named(name string) FileInfo {
	fi.Name = name
	return fi
}

// name is the file's name in messages.
func (fi FileInfo) name() string {
	if fi.Name != "" {
		return fi.Name
	}
	return fi.Path
}

// Resolved is the file a change must be made to: the link's target for a symbolic
// link, Path otherwise.
func (fi FileInfo) Resolved() string {
	if fi.Symlink && fi.Target != "" {
		return fi.Target
	}
	return fi.Path
}

// Regular reports whether stat succeeded on a regular file.
func (fi FileInfo) Regular() bool {
	return fi.Err == nil && fi.Mode.IsRegular()
}

// Stat examines the file at path as the server would, through symbolic links. It never
// fails: a stat error is kept in FileInfo.Err for the judges to report the way the
// server does.
func Stat(path string) FileInfo {
	fi := FileInfo{Path: path}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	fi.Dirs = dirsOf(abs, nil)
	if lst, err := os.Lstat(path); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
		fi.Symlink = true
		if t, err := filepath.EvalSymlinks(path); err == nil {
			if t, err = filepath.Abs(t); err == nil {
				fi.Target = t
				fi.Dirs = dirsOf(t, fi.Dirs)
			}
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		fi.Err = err
		return fi
	}
	fi.Mode = st.Mode()
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		fi.UID, fi.GID = sys.Uid, sys.Gid
		fi.dev, fi.ino = uint64(sys.Dev), sys.Ino
	}
	return fi
}

// dirsOf appends to have the directories above the absolute path p that it does not
// list yet, from the root down. Directories that cannot be examined are left out: the
// file's own stat reports that failure.
func dirsOf(p string, have []DirInfo) []DirInfo {
	var chain []string
	for d := filepath.Dir(p); ; d = filepath.Dir(d) {
		chain = append(chain, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	seen := make(map[string]bool, len(have))
	for _, d := range have {
		seen[d.Path] = true
	}
	for i := len(chain) - 1; i >= 0; i-- {
		d := chain[i]
		if seen[d] {
			continue
		}
		st, err := os.Stat(d)
		if err != nil {
			continue
		}
		di := DirInfo{Path: d, Mode: st.Mode()}
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			di.UID, di.GID = sys.Uid, sys.Gid
		}
		have = append(have, di)
		seen[d] = true
	}
	return have
}

// Strerror is what the server and libpq print for err where their messages say %m:
// the C library's strerror(errno), which Go spells with a lower-case first letter.
// An error without an errno gives its own text.
func Strerror(err error) string {
	var nr *fsutil.NotRegularError
	if errors.As(err, &nr) {
		// No errno: pgcert refused the file before the server would have
		// waited on it. Said in the same style.
		return "Not a regular file: a " + nr.Kind
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" && s[0] >= 'a' && s[0] <= 'z' {
			s = string(s[0]-'a'+'A') + s[1:]
		}
		return s
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "No such file or directory"
	}
	if errors.Is(err, fs.ErrPermission) {
		return "Permission denied"
	}
	return err.Error()
}
