package cmdutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/passphrase"
	"github.com/pgcert/pgcert/internal/prompt"
	"github.com/pgcert/pgcert/pkg/hint"
)

// Exit codes, the same for every command.
const (
	ExitOK          = 0
	ExitFailure     = 1 // the work failed, or a check found problems
	ExitUsage       = 2 // the command line was wrong
	ExitInterrupted = 130
)

// ErrProblemsFound is returned by checks that have already reported what they found;
// it only sets the exit code.
var ErrProblemsFound = errors.New("problems found")

// HintsFor returns what to do about the errors every command may meet.
func HintsFor(err error) []string {
	var hints []string
	var e *hint.Error
	if errors.As(err, &e) {
		hints = append(hints, e.Hints...)
	}
	var usage *hint.UsageError
	if errors.As(err, &usage) {
		hints = append(hints, usage.Hints...)
	}
	var exists *fsutil.ExistsError
	if errors.As(err, &exists) {
		if fi, err := os.Lstat(exists.Path); err == nil && fi.IsDir() {
			hints = append(hints, "it is a directory, which is never replaced: choose another output with -o")
		} else if exists.LinkTarget != "" {
			hints = append(hints, "add --force to replace the link itself; its target is never written through")
		} else {
			hints = append(hints, "add --force to replace it, or choose another output with -o")
		}
	}
	var we *fsutil.WriteError
	var pe *fs.PathError
	if errors.As(err, &we) {
		dir := filepath.Dir(we.Path)
		if fsutil.IsNoSpace(err) {
			hints = append(hints, fmt.Sprintf("free space on the filesystem that holds %s; no file was changed", dir))
		} else if unwritable(err) {
			hints = append(hints, fmt.Sprintf("check that you may write to %s; no file was changed", dir))
		} else if errors.Is(err, fsutil.ErrForeignLink) {
			hints = append(hints, "give a path that does not pass through that link: another user may have put it there to redirect pgcert's files")
		} else if errors.Is(err, fs.ErrNotExist) {
			hints = append(hints, fmt.Sprintf("the directory %s does not exist: create it, or choose another output", dir))
		}
	} else if errors.As(err, &pe) && (pe.Op == "mkdir" && unwritable(err) || errors.Is(err, syscall.EROFS)) {
		hints = append(hints, fmt.Sprintf("check that you may write to %s", filepath.Dir(pe.Path)))
	}
	var spec *passphrase.SpecError
	if errors.As(err, &spec) {
		hints = append(hints, "for example --passin env:PGCERT_PASS or --passin file:/path/to/passfile")
	}
	return hints
}

// unwritable reports whether err says that a directory may not be written: its
// permissions, or a read-only filesystem.
func unwritable(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// ExitCode returns the process exit code for err.
func ExitCode(err error) int {
	var usage *hint.UsageError
	var e *hint.Error
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, prompt.ErrInterrupted):
		return ExitInterrupted
	case errors.As(err, &usage):
		return ExitUsage
	case errors.As(err, &e) && e.Code != 0:
		return e.Code
	}
	return ExitFailure
}

// errNoDataDir is the usage error of a command that needs a data directory run with
// neither -D nor $PGDATA.
var errNoDataDir = errors.New("give the data directory with -D PGDATA, or set the PGDATA environment variable")
