package pgdata

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// Version is a PostgreSQL major version as PG_VERSION states it. Since PostgreSQL 10
// a major version is one number ("15"); before, it was two ("9.6"), and Minor holds
// the second. Minor is never a release's bug-fix number: PG_VERSION does not hold one.
type Version struct {
	Major int
	Minor int
}

// NewestMajor is the newest PostgreSQL major version whose rules pgcert knows
// (PostgreSQL 18). A directory that is not yet a data directory is configured for it:
// everything pgcert writes (ssl settings, include_if_exists, clientcert=verify-full)
// reads the same from 14 to 18. The rules in POSTGRES-SSL.md were checked on 15.
const NewestMajor = 18

// Newest is NewestMajor as a Version.
var Newest = Version{Major: NewestMajor}

// ErrBadVersion marks a PG_VERSION file that does not hold a version.
var ErrBadVersion = errors.New("pgdata: PG_VERSION does not hold a version")

// String returns the version as PG_VERSION writes it.
func (v Version) String() string {
	if v.Major < 10 {
		return fmt.Sprintf("%d.%d", v.Major, v.Minor)
	}
	return strconv.Itoa(v.Major)
}

// AtLeast reports whether v is major (or major.minor for 9.x) or later.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || v.Major == major && v.Minor >= minor
}

// ParseVersion reads the contents of a PG_VERSION file: "15\n", or "9.6\n" before
// PostgreSQL 10.
func ParseVersion(data []byte) (Version, error) {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	line = bytes.TrimSpace(line)
	maj, minor, dotted := bytes.Cut(line, []byte("."))
	var v Version
	var err error
	if v.Major, err = strconv.Atoi(string(maj)); err != nil || v.Major <= 0 || len(maj) > 3 {
		return Version{}, fmt.Errorf("%w: %q", ErrBadVersion, line)
	}
	if dotted {
		if v.Minor, err = strconv.Atoi(string(minor)); err != nil || v.Minor < 0 || len(minor) > 3 || v.Major >= 10 {
			return Version{}, fmt.Errorf("%w: %q", ErrBadVersion, line)
		}
	} else if v.Major < 10 {
		return Version{}, fmt.Errorf("%w: %q", ErrBadVersion, line)
	}
	return v, nil
}

// maxVersionFileSize bounds the read of PG_VERSION, which holds one short line.
const maxVersionFileSize = 4 << 10

// ReadVersion reads dir/PG_VERSION. A link there is refused rather than followed
// (initdb writes a plain file, and an error quotes the file's first line), and so is
// anything but a regular file (fsutil.ErrNotRegular).
func ReadVersion(dir string) (Version, error) {
	data, err := fsutil.ReadRegular(filepath.Join(dir, "PG_VERSION"), maxVersionFileSize)
	if err != nil {
		return Version{}, fmt.Errorf("pgdata: %w", err)
	}
	return ParseVersion(data)
}
