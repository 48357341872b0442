package fsutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrForeignLink marks a path that passes through a symbolic link another user put
// in a directory anyone may write to.
var ErrForeignLink = errors.New("a symbolic link another user put in a directory anyone may write to")

// CheckDir refuses a directory path that passes through a symbolic link another user
// planted in a directory anyone may write to (sticky and world-writable, as /tmp):
// the rule Linux applies when fs.protected_symlinks is 1, applied whatever the sysctl
// says, so that pgcert never writes into a directory of someone else's choosing. A
// link owned by the running user, or by the owner of the directory that holds it, is
// followed as usual. Parts of the path that do not exist yet are pgcert's to make.
// WriteFile, WriteFileFunc, Txn and RemoveFile check the directory of every file;
// code that writes into a directory by other means calls it first. Errors are
// *WriteError wrapping ErrForeignLink.
func CheckDir(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	cur := string(filepath.Separator)
	for _, elem := range strings.Split(strings.TrimPrefix(abs, cur), string(filepath.Separator)) {
		if elem == "" {
			continue
		}
		next := filepath.Join(cur, elem)
		fi, err := os.Lstat(next)
		if err != nil {
			return nil
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		if foreign, owner := foreignLink(fi, cur); foreign {
			return &WriteError{Path: dir, Op: "writing into", Err: &foreignLinkError{link: next, uid: owner, dir: cur}}
		}
		if cur, err = filepath.EvalSymlinks(next); err != nil {
			return nil
		}
	}
	return nil
}

// foreignLinkError says which link CheckDir refused, and why.
type foreignLinkError struct {
	link string
	uid  uint32
	dir  string
}

func (e *foreignLinkError) Error() string {
	return fmt.Sprintf("%s is a symbolic link that user %d put in %s, which anyone may write to: not followed", e.link, e.uid, e.dir)
}

func (e *foreignLinkError) Is(target error) bool { return target == ErrForeignLink }

// foreignLink reports whether the link described by fi, in directory dir, is one that
// fs.protected_symlinks would not follow, and who owns it.
func foreignLink(fi os.FileInfo, dir string) (bool, uint32) {
	link, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false, 0
	}
	di, err := os.Stat(dir)
	if err != nil {
		return false, 0
	}
	d, ok := di.Sys().(*syscall.Stat_t)
	if !ok || di.Mode()&os.ModeSticky == 0 || di.Mode().Perm()&0o002 == 0 {
		return false, 0
	}
	return link.Uid != uint32(os.Geteuid()) && link.Uid != d.Uid, link.Uid
}
