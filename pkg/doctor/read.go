package doctor

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// maxFileSize bounds a certificate, key or CRL file the check reads whole: pgcert's
// limit for any input (a CRL of a million entries is about 40 MB), so that a setting
// that names /dev/zero or a disk image does not fill memory.
const maxFileSize = 256 << 20

// readFile reads a file a setting names. Its errors name the file in the words
// pgcert uses for any input it cannot read. The file is looked at before it is
// opened, opened without blocking, and read only when it is a regular file
// (fsutil.OpenInput): the settings and pg_hba.conf belong to the database user, who
// could otherwise point a check run as root at a FIFO that never answers, a device
// that never ends, or one whose mere open does something (/dev/watchdog).
func readFile(path string) ([]byte, error) {
	file, err := fsutil.OpenInput(path)
	var nr *fsutil.NotRegularError
	switch {
	case errors.As(err, &nr) && nr.Kind == "directory":
		return nil, fmt.Errorf("%s is a directory", path)
	case errors.As(err, &nr):
		return nil, fmt.Errorf("%s is not a regular file", path)
	case err != nil:
		return nil, readError(path, err)
	}
	defer file.Close()
	fi, err := file.Stat()
	switch {
	case err != nil:
		return nil, readError(path, err)
	case fi.Size() > maxFileSize:
		return nil, tooLarge(path)
	}
	size := int(fi.Size())
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(file, maxFileSize+1)); err != nil {
		return nil, readError(path, err)
	}
	if buf.Len() > maxFileSize {
		return nil, tooLarge(path)
	}
	return buf.Bytes(), nil
}

func tooLarge(path string) error {
	return fmt.Errorf("%s is larger than %d MiB: not a file pgcert reads", path, maxFileSize>>20)
}

func readError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no such file", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s: permission denied", path)
	}
	return fmt.Errorf("reading %s: %w", path, err)
}
