package cmdutil

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/hint"
)

// maxInputSize bounds any file pgcert reads whole. The largest real input is a CRL
// of a million entries (about 40 MB); a limit keeps /dev/zero or a disk image given by
// mistake from filling memory. Each parser applies its own, tighter limit.
const maxInputSize = 256 << 20

// ReadInput reads a file given on the command line ("-" is standard input). Errors
// name the file.
func (f *Factory) ReadInput(path string) ([]byte, error) {
	var r io.Reader
	size := 0
	if path == "-" {
		r = f.IO.In
	} else {
		// A FIFO or a device (planted in a data directory, or named by mistake)
		// would hold the read forever: refused before anything waits on it.
		file, err := fsutil.OpenInput(path)
		if err != nil {
			return nil, hint.Input(path, err)
		}
		defer file.Close()
		fi, err := file.Stat()
		if err == nil && fi.Size() > maxInputSize {
			// Refused before reading 256 MiB to find out.
			return nil, tooLarge(path)
		}
		r = file
		if err == nil {
			size = int(fi.Size())
		}
	}
	// A regular file is read into a buffer of its own size: growing one as
	// io.ReadAll does would leave copies of a large CRL behind for the garbage
	// collector, doubling the peak memory of pgcert show on it.
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(r, maxInputSize+1))
	data := buf.Bytes()
	if err != nil {
		return nil, hint.Input(path, err)
	}
	if len(data) > maxInputSize {
		return nil, tooLarge(path)
	}
	return data, nil
}

func tooLarge(path string) error {
	return hint.Errorf(nil, "%s is larger than %d MiB: not a file pgcert reads", path, maxInputSize>>20)
}

// AllowOverwrite decides whether existing outputs may be replaced: --force says
// yes; at a terminal the person is asked (the default is no); without one the answer
// is no, and the write fails with a hint naming --force.
func (f *Factory) AllowOverwrite(force bool, paths ...string) (bool, error) {
	if force {
		return true, nil
	}
	var existing []string
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			existing = append(existing, p)
		}
	}
	if len(existing) == 0 {
		return false, nil
	}
	p := f.Asker()
	if p == nil {
		return false, nil
	}
	msg := fmt.Sprintf("%s exists. Replace it?", existing[0])
	if len(existing) > 1 {
		msg = fmt.Sprintf("%s and %d other file(s) exist. Replace them?", existing[0], len(existing)-1)
	}
	return p.Confirm(msg, false)
}

// NoteReplacedLink tells the user that a symbolic link at an output path was replaced
// by a regular file, and that its target was left alone.
func (f *Factory) NoteReplacedLink(w *fsutil.Written) {
	if w.ReplacedLink != "" {
		f.Warnf("%s was a symbolic link to %s; replaced the link with a new file, the target is unchanged", w.Path, w.ReplacedLink)
	}
}

// FileExists reports whether something (a file, a link, anything) is at path.
func FileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// linkTarget returns the target of a symbolic link, "" for anything else.
func linkTarget(path string) string {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		t, _ := os.Readlink(path)
		return t
	}
	return ""
}
