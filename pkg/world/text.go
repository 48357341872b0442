package world

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/pgcert/pgcert/pkg/hint"
)

// WriteText writes what `pgcert make` prints: each file made, then the counts;
// or one line when the directory was up to date.
func (r *Result) WriteText(w io.Writer) error {
	if !r.Changed {
		_, err := fmt.Fprintf(w, "%s is up to date (%d files)\n", r.Dir, len(r.Files))
		return err
	}
	made := 0
	for _, file := range r.Files {
		if file.Status == "made" {
			made++
			fmt.Fprintf(w, "made %s (%s)\n", file.Path, file.Mode)
		}
	}
	_, err := fmt.Fprintf(w, "%s: %d made, %d unchanged\n", r.Dir, made, len(r.Files)-made)
	return err
}

// MakeHint gives an error of Make for the spec file spec and the output dir
// the hint that says what to do: the user who can write there, or the command
// that replaces a directory Make did not make. Other errors are returned as
// they are.
func MakeHint(err error, spec, dir string) error {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return hint.With(err, "run pgcert make as a user who can write to "+dir+" and its parent directory")
	case errors.Is(err, ErrNotWorld):
		return hint.With(err, fmt.Sprintf("choose an empty or new directory, or replace %s as a whole: pgcert make -f %s -o %s --force", dir, spec, dir))
	}
	return err
}
