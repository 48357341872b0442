package fsutil

import (
	"os"
	"syscall"
)

// DirOwnerOptions returns the write options that give a new file in dir to dir's
// owner when pgcert runs as root and the directory belongs to someone else: a data
// directory belongs to the user the server runs as, and the server reads its files
// as that user. Otherwise files keep the invoking user as owner.
func DirOwnerOptions(dir string, mode os.FileMode, force bool) Options {
	opts := Options{Mode: mode, Force: force}
	if os.Geteuid() != 0 {
		return opts
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return opts
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st.Uid == 0 {
		return opts
	}
	opts.Chown, opts.UID, opts.GID = true, int(st.Uid), int(st.Gid)
	return opts
}
