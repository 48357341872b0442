package fsutil

import (
	"errors"
	"os"
	"path/filepath"
)

// RemoveFile removes the regular file or symbolic link at path (a link itself, never
// its target) and syncs the directory, so that a file pgcert retires, such as a stale
// CRL in a hashed directory, does not come back after a crash. A directory or any
// other kind of file is refused, and so is a directory reached through another user's
// link (CheckDir). Errors are *WriteError.
func RemoveFile(path string) error {
	if err := CheckDir(filepath.Dir(path)); err != nil {
		return err
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return &WriteError{Path: path, Op: "removing", Err: err}
	}
	if !fi.Mode().IsRegular() && fi.Mode()&os.ModeSymlink == 0 {
		return &WriteError{Path: path, Op: "removing", Err: errors.New("is a " + KindOf(fi.Mode()) + ", not a regular file")}
	}
	if err := os.Remove(path); err != nil {
		return &WriteError{Path: path, Op: "removing", Err: err}
	}
	syncDir(filepath.Dir(path))
	return nil
}
