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
	return RemoveFileBeneath(path, "")
}

// RemoveFileBeneath is RemoveFile for a file beneath the directory beneath (a data
// directory), whose directory is opened beneath it with no symbolic link on the way,
// as Options.Beneath does for a write: the file removed is one in the directory that
// was examined, not one a link swapped in since leads to.
func RemoveFileBeneath(path, beneath string) error {
	if err := CheckDir(filepath.Dir(path)); err != nil {
		return err
	}
	at, pin, err := pinDir(path, beneath)
	if err != nil {
		return err
	}
	if pin != nil {
		defer pin.Close()
	}
	fi, err := os.Lstat(at)
	if err != nil {
		return &WriteError{Path: path, Op: "removing", Err: err}
	}
	if !fi.Mode().IsRegular() && fi.Mode()&os.ModeSymlink == 0 {
		return &WriteError{Path: path, Op: "removing", Err: errors.New("is a " + KindOf(fi.Mode()) + ", not a regular file")}
	}
	if err := os.Remove(at); err != nil {
		return &WriteError{Path: path, Op: "removing", Err: err}
	}
	syncDir(filepath.Dir(at))
	return nil
}
