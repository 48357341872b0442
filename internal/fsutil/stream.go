package fsutil

import (
	"io"
	"path/filepath"
)

// WriteFileFunc writes path atomically with opts, with the content produced by fill:
// WriteFile for content in memory, this for output too large to hold in memory twice,
// such as a CRL of a million entries that is encoded as it is written. The guarantees
// are the package's: a temporary file in the same directory, created with the final
// mode and owner before fill writes its first byte, synced, renamed over path (never
// without opts.Force), and the directory synced.
//
// fill writes to the temporary file unbuffered; it should buffer small writes itself.
// When fill fails, or a write fails, the temporary file is removed and path is left as
// it was. A failed write is returned as a *WriteError; any other error of fill is
// returned as it is.
func WriteFileFunc(path string, opts Options, fill func(io.Writer) error) (*Written, error) {
	st, err := stage(path, opts, fill)
	if err != nil {
		return nil, err
	}
	if err := st.commit(); err != nil {
		st.discard()
		return nil, err
	}
	if !opts.NoSync {
		syncDir(filepath.Dir(st.path))
	}
	st.unpin()
	return st.written, nil
}

// recordingWriter remembers the first error of the file it writes to, so that a
// failed write is told from an error of the code producing the content.
type recordingWriter struct {
	w   io.Writer
	err error
}

func (r *recordingWriter) Write(p []byte) (int, error) {
	n, err := r.w.Write(p)
	if err != nil && r.err == nil {
		r.err = err
	}
	return n, err
}

// writeFailure marks a failed write of the file being staged.
type writeFailure struct{ err error }

func (e *writeFailure) Error() string { return e.err.Error() }

// fillFile runs fill on w and returns its error, or a *writeFailure when a write
// failed (even one that fill ignored).
func fillFile(w io.Writer, fill func(io.Writer) error) error {
	rw := &recordingWriter{w: w}
	err := fill(rw)
	if rw.err != nil {
		return &writeFailure{rw.err}
	}
	return err
}

// wrapFillError turns a failed write into a *WriteError for path and leaves the
// errors of fill itself alone.
func wrapFillError(path string, err error) error {
	if wf, ok := err.(*writeFailure); ok {
		return &WriteError{Path: path, Op: "writing", Err: wf.err}
	}
	return err
}
