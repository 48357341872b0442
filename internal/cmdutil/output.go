package cmdutil

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
)

// errorf prints "pgcert: error: ..." on standard error.
func (f *Factory) errorf(format string, args ...any) {
	cs := f.IO.ErrColors()
	fmt.Fprintf(f.IO.ErrOut, "pgcert: %s %s\n", cs.Red("error:"), fmt.Sprintf(format, args...))
}

// Warnf prints "pgcert: warning: ..." on standard error. Warnings are shown even
// with --quiet: they are about the user's secrets and files.
func (f *Factory) Warnf(format string, args ...any) {
	cs := f.IO.ErrColors()
	fmt.Fprintf(f.IO.ErrOut, "pgcert: %s %s\n", cs.Yellow("warning:"), fmt.Sprintf(format, args...))
}

// hintf prints "pgcert: hint: ..." on standard error.
func (f *Factory) hintf(format string, args ...any) {
	fmt.Fprintf(f.IO.ErrOut, "pgcert: hint: %s\n", fmt.Sprintf(format, args...))
}

// Infof prints progress on standard error unless --quiet.
func (f *Factory) Infof(format string, args ...any) {
	if f.Global.Quiet {
		return
	}
	fmt.Fprintf(f.IO.ErrOut, format+"\n", args...)
}

// WriteJSON writes v to w as one indented JSON document.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Report prints err with its hints and returns the exit code.
func (f *Factory) Report(err error) int {
	code := ExitCode(err)
	switch {
	case err == nil, err == ErrProblemsFound:
		return code
	case code == ExitInterrupted:
		fmt.Fprintln(f.IO.ErrOut, "pgcert: interrupted")
		return code
	}
	// A command that checks for an existing output itself makes the error without
	// looking at what is there: a symbolic link is said to be one, and the hint
	// then says that --force replaces the link, never its target.
	var exists *fsutil.ExistsError
	if errors.As(err, &exists) && exists.LinkTarget == "" {
		exists.LinkTarget = linkTarget(exists.Path)
	}
	msg := pkgPrefix.ReplaceAllString(err.Error(), "$1")
	f.errorf("%s", words.LowerFirst(msg))
	for _, h := range HintsFor(err) {
		f.hintf("%s", h)
	}
	var usage *hint.UsageError
	if asUsage(err, &usage) {
		cmd := "pgcert"
		if usage.Command != "" {
			cmd = usage.Command
		}
		f.hintf("run '%s --help' for usage", cmd)
	}
	return code
}

func asUsage(err error, target **hint.UsageError) bool {
	u, ok := err.(*hint.UsageError)
	if ok {
		*target = u
	}
	return ok
}

// pkgPrefix matches the package names pgcert's libraries start their messages with,
// as crypto/x509 does ("x509: ..."): useful to a Go caller, noise to a person reading
// "pgcert: error: server.key: keys: incorrect passphrase".
var pkgPrefix = regexp.MustCompile(`(^|: )(keys|selfsign|chain|crl|ca|pgdata|keyperm|probe|inspect|passphrase|fsutil|world): `)
