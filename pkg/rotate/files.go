package rotate

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// maxInputSize bounds a file read whole: the largest real one is a CRL of a million
// entries (about 40 MB); the bound keeps a device or a disk image named by a setting
// from filling memory.
const maxInputSize = 256 << 20

// readFile reads one of the server's files, with errors that name it.
func readFile(path string) ([]byte, error) {
	file, err := fsutil.OpenInput(path)
	if err != nil {
		return nil, inputError(path, err)
	}
	defer file.Close()
	size := 0
	fi, err := file.Stat()
	if err == nil && fi.IsDir() {
		return nil, failf([]string{"give the path of a file, not a directory"}, "%s is a directory", path)
	}
	if err == nil && fi.Mode().IsRegular() {
		if fi.Size() > maxInputSize {
			return nil, tooLarge(path)
		}
		size = int(fi.Size())
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(file, maxInputSize+1)); err != nil {
		return nil, inputError(path, err)
	}
	if buf.Len() > maxInputSize {
		return nil, tooLarge(path)
	}
	return buf.Bytes(), nil
}

func tooLarge(path string) error {
	return failf(nil, "%s is larger than %d MiB: not a file pgcert reads", path, maxInputSize>>20)
}

// ownerOptions are the write options that give a new file in dir to dir's owner
// when running as root and dir belongs to someone else: the server reads its files
// as the user it runs as, which owns the data directory.
func ownerOptions(dir string, mode os.FileMode) fsutil.Options {
	return fsutil.DirOwnerOptions(dir, mode, true)
}

// replaceOptions are the write options of a file that replaces path: its mode and
// owner when it exists (a Debian key is root:ssl-cert 0640, and stays so), else what
// a new file in the data directory dataDir gets: 0600 for a key, 0644 otherwise,
// owned by the data directory's owner.
func replaceOptions(dataDir, path string, key bool) fsutil.Options {
	fi, err := os.Stat(path)
	if err != nil {
		mode := fsutil.PublicMode
		if key {
			mode = fsutil.KeyMode
		}
		return ownerOptions(dataDir, mode)
	}
	o := fsutil.Options{Mode: fi.Mode().Perm(), Force: true}
	if os.Geteuid() == 0 {
		o.Chown = true
		o.UID, o.GID = -1, -1
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			o.UID, o.GID = int(st.Uid), int(st.Gid)
		}
	}
	return o
}

// FileReport describes a file a renewal or a rollback wrote.
type FileReport = fsutil.FileReport

// readPrev reads a FILE.prev for Rollback without following a link at its name and
// only if it is a regular file: the data directory's owner could make server.crt.prev
// a link to a file only root may read, or a FIFO that never answers, and a rollback
// run as root would copy the one into the data directory and hang on the other.
// A missing file is an error wrapping fs.ErrNotExist.
func readPrev(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errors.Is(err, syscall.ELOOP) {
		return nil, failf([]string{"pgcert renew writes .prev files itself, as regular files: remove the link, or put the file back by hand"},
			"%s is a symbolic link; nothing was changed", path)
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, inputError(path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, inputError(path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, failf([]string{"pgcert renew writes .prev files itself, as regular files: remove it, or put the file back by hand"},
			"%s is not a regular file (%v); nothing was changed", path, fi.Mode().Type())
	}
	if fi.Size() > maxInputSize {
		return nil, tooLarge(path)
	}
	data := make([]byte, 0, fi.Size()+bytes.MinRead)
	buf := bytes.NewBuffer(data)
	if _, err := buf.ReadFrom(io.LimitReader(f, maxInputSize+1)); err != nil {
		return nil, inputError(path, err)
	}
	if buf.Len() > maxInputSize {
		return nil, tooLarge(path)
	}
	return buf.Bytes(), nil
}
