package crl

import (
	"bufio"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/notify"
)

// Reporter hears what a person should know on the way: a CRL kept although out
// of date, a check left undone, a directory created.
type Reporter = notify.Reporter

// progressOr returns p, or a progress that shows nothing when p is nil.
func progressOr(p func(label string) (stop func())) func(string) func() {
	if p == nil {
		return func(string) func() { return func() {} }
	}
	return p
}

// Output says where a CRL goes: a file, or standard output.
type Output struct {
	Path  string // "" for standard output
	Force bool   // an existing Path may be replaced
}

// ResolveOutput decides where a CRL goes before any work is done, so that
// nothing is signed only to be refused: "" and "-" mean standard output, which a
// JSON report (one document on standard output) cannot share; an existing file is
// replaced only when overwrite says yes (--force, or the person at a terminal).
// The ExistsError it returns names no link target: the caller looks at what is
// there when it reports the error.
func ResolveOutput(path string, json bool, overwrite func(paths ...string) (bool, error)) (Output, error) {
	if path == "" || path == "-" {
		if json {
			return Output{}, hint.Usagef("--json prints a report on standard output: give the CRL file with -o FILE")
		}
		return Output{}, nil
	}
	ok := false
	if overwrite != nil {
		var err error
		if ok, err = overwrite(path); err != nil {
			return Output{}, err
		}
	}
	if _, err := os.Lstat(path); !ok && err == nil {
		return Output{}, &fsutil.ExistsError{Path: path}
	}
	return Output{Path: path, Force: ok}, nil
}

// Write writes a CRL through write to stdout, buffered (a CRL of a million
// entries is written in small pieces), or to the file, mode 0644 since the
// server and libpq only read it; as root inside a data directory, the file takes
// the directory's owner. The Written is nil for standard output.
func (o Output) Write(stdout io.Writer, write func(io.Writer) error) (*fsutil.Written, error) {
	if o.Path == "" {
		bw := bufio.NewWriterSize(stdout, 256<<10)
		if err := write(bw); err != nil {
			return nil, err
		}
		return nil, bw.Flush()
	}
	return fsutil.WriteFileFunc(o.Path, fsutil.DirOwnerOptions(filepath.Dir(o.Path), fsutil.PublicMode, o.Force), write)
}

// ReadFiles reads every CRL of the files given, in order, through read (the
// caller's: the command line's refuses FIFOs and bounds the size). A file
// without a CRL, or with a damaged one, is an error naming it. progress, when
// not nil, is started for each file's parsing (a million entries take seconds)
// and returns the function that ends it.
func ReadFiles(paths []string, read func(path string) ([]byte, error), progress func(label string) (stop func())) ([]Input, error) {
	progress = progressOr(progress)
	var out []Input
	for _, p := range paths {
		data, err := read(p)
		if err != nil {
			return nil, err
		}
		stop := progress("reading " + p)
		in, err := ParseFile(p, data)
		stop()
		if err != nil {
			return nil, err
		}
		out = append(out, in...)
	}
	return out, nil
}

// ParseFiles reads every CRL of the files given, in order, through read, for a
// verifier that wants the lists themselves (pgcert verify --crl). A file
// without a CRL is an error naming it.
func ParseFiles(paths []string, read func(path string) ([]byte, error)) ([]*x509.RevocationList, error) {
	var out []*x509.RevocationList
	for _, p := range paths {
		data, err := read(p)
		if err != nil {
			return nil, err
		}
		lists, err := ParseCRLs(data)
		if err != nil {
			return nil, hint.With(fmt.Errorf("%s: %w", p, err), "give CRL files in PEM (X509 CRL blocks) or DER")
		}
		out = append(out, lists...)
	}
	return out, nil
}
