package fsutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// ErrNotRegular marks a path that is not a regular file where pgcert reads or changes
// one: a FIFO, a device, a socket, a directory or (where links are not followed) a
// symbolic link.
var ErrNotRegular = errors.New("not a regular file")

// NotRegularError names a path that is not a regular file, and what it is instead, so
// that the admin sees at once why pgcert stopped: reading a FIFO would wait for a
// writer forever, reading /dev/kmsg or a tape device would wait for data or have side
// effects, and neither is ever an SSL file or a configuration.
type NotRegularError struct {
	Path string
	// Kind says what the path is: "FIFO (named pipe)", "character device", ...
	Kind string
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is a %s, not a regular file", e.Path, e.Kind)
}

// Is makes errors.Is(err, ErrNotRegular) true.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// KindOf names the kind of file mode describes, as NotRegularError spells it.
func KindOf(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return "regular file"
	case mode&fs.ModeNamedPipe != 0:
		return "FIFO (named pipe)"
	case mode&fs.ModeCharDevice != 0:
		return "character device"
	case mode&fs.ModeDevice != 0:
		return "block device"
	case mode&fs.ModeSocket != 0:
		return "socket"
	case mode&fs.ModeSymlink != 0:
		return "symbolic link"
	case mode.IsDir():
		return "directory"
	}
	return "special file"
}

// kindOfStat names the kind of file a stat(2) mode describes.
func kindOfStat(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		return "regular file"
	case unix.S_IFIFO:
		return "FIFO (named pipe)"
	case unix.S_IFCHR:
		return "character device"
	case unix.S_IFBLK:
		return "block device"
	case unix.S_IFSOCK:
		return "socket"
	case unix.S_IFLNK:
		return "symbolic link"
	case unix.S_IFDIR:
		return "directory"
	}
	return "special file"
}

// testHookAfterStat runs between the first look at a path and its open, where a
// test swaps the file for something else.
var testHookAfterStat func(path string)

// OpenRegular opens path for reading when it is a regular file, without following a
// symbolic link at its last component (a link there is refused as one). It is the
// open for files another user may have put in place: a FIFO, a device or a socket is
// refused at once, naming its kind, before anything waits on it. The path is looked
// at first (so that a device is not even opened when it is seen in time), then
// opened with O_NONBLOCK, which makes the open of a FIFO return at once whatever
// happened in between, and judged again by fstat on the descriptor, which is what
// counts. O_NONBLOCK is then cleared: reads of a regular file never block anyway.
// Errors are *fs.PathError, or *NotRegularError.
func OpenRegular(path string) (*os.File, error) {
	return openRegular(path, false)
}

// OpenInput opens path for reading when it resolves to a regular file, following
// symbolic links: the open for a file the admin named, or one the server itself
// reads through links (ssl_cert_file, postgresql.conf) when pgcert only reads it to
// say what the server will think. Kinds are refused as by OpenRegular.
func OpenInput(path string) (*os.File, error) {
	return openRegular(path, true)
}

func openRegular(path string, follow bool) (*os.File, error) {
	var st unix.Stat_t
	look, flags := unix.Lstat, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NOFOLLOW
	if follow {
		look, flags = unix.Stat, flags&^unix.O_NOFOLLOW
	}
	if err := ignoringEINTR(func() error { return look(path, &st) }); err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, &NotRegularError{Path: path, Kind: kindOfStat(st.Mode)}
	}
	if testHookAfterStat != nil {
		testHookAfterStat(path)
	}
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Open(path, flags, 0)
		return err
	})
	if errors.Is(err, unix.ELOOP) && !follow {
		return nil, &NotRegularError{Path: path, Kind: "symbolic link"}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return regularFile(fd, path)
}

// OpenRegularFile opens path with flag (os.O_RDWR, os.O_WRONLY|os.O_APPEND, with
// os.O_CREATE and perm as os.OpenFile takes them) when it is a regular file, without
// following a symbolic link at its last component: the open for a file pgcert keeps
// and changes in place, such as a CA's index.txt, where a link another user planted
// would take the change to a file of theirs choosing. Kinds are refused as by
// OpenRegular. Errors are *fs.PathError, or *NotRegularError.
func OpenRegularFile(path string, flag int, perm os.FileMode) (*os.File, error) {
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Open(path, flag|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NOFOLLOW, uint32(perm.Perm()))
		return err
	})
	if errors.Is(err, unix.ELOOP) {
		return nil, &NotRegularError{Path: path, Kind: "symbolic link"}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return regularFile(fd, path)
}

// regularFile checks that the descriptor fd holds a regular file, clears
// O_NONBLOCK and returns it as an *os.File named path; fd is closed on failure.
func regularFile(fd int, path string) (*os.File, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, &NotRegularError{Path: path, Kind: kindOfStat(st.Mode)}
	}
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err == nil {
		_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl&^unix.O_NONBLOCK)
	}
	if err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// ErrTooLarge marks a file larger than the limit its reader gave.
var ErrTooLarge = errors.New("file too large")

// ReadInput reads the regular file at path (through links, as OpenInput), refusing
// one larger than limit bytes: before reading when its size says so, or as soon as
// the read runs past it (a file that grows while it is read). Errors are those of
// OpenInput, a *fs.PathError of the read, or one wrapping ErrTooLarge.
func ReadInput(path string, limit int64) ([]byte, error) {
	f, err := OpenInput(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, path, limit)
}

// ReadRegular reads the regular file at path without following a link at its last
// component (as OpenRegular), bounded by limit as ReadInput.
func ReadRegular(path string, limit int64) ([]byte, error) {
	f, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, path, limit)
}

// readLimited reads f whole into a buffer of its size, refusing more than limit.
func readLimited(f *os.File, path string, limit int64) ([]byte, error) {
	tooLarge := fmt.Errorf("%s: %w: more than %d bytes", path, ErrTooLarge, limit)
	size := int64(0)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	if size > limit {
		return nil, tooLarge
	}
	// One read past the limit tells a file that grew from one that fits.
	buf := make([]byte, 0, size+1)
	for {
		if int64(len(buf)) > limit {
			return nil, tooLarge
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
	}
	if int64(len(buf)) > limit {
		return nil, tooLarge
	}
	return buf, nil
}

// ignoringEINTR retries a system call interrupted by a signal (Go's runtime sends
// SIGURG to preempt goroutines).
func ignoringEINTR(fn func() error) error {
	for {
		err := fn()
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
