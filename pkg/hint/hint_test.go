package hint

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/pgcert/pgcert/internal/fsutil"
)

func TestInput(t *testing.T) {
	for _, c := range []struct {
		err       error
		msg, hint string
	}{
		{&fsutil.NotRegularError{Path: "p q", Kind: "fifo"}, "p q is a fifo, not a regular file: pgcert reads only regular files", "see what it is: ls -l 'p q'"},
		{&fsutil.NotRegularError{Path: "p q", Kind: "directory"}, "p q is a directory, not a regular file: pgcert reads only regular files", "give the path of a file, not a directory"},
		{&fs.PathError{Op: "open", Path: "p q", Err: fs.ErrPermission}, "p q: permission denied", "run as a user who may read it"},
	} {
		err := Input("p q", c.err)
		var h *Error
		if !errors.As(err, &h) || err.Error() != c.msg || len(h.Hints) != 1 || h.Hints[0] != c.hint {
			t.Errorf("Input(%v) = %v %#v", c.err, err, h)
		}
	}
	other := errors.New("EIO")
	if err := Input("f", other); err.Error() != "reading f: EIO" || !errors.Is(err, other) {
		t.Errorf("Input(EIO) = %v", err)
	}
}
