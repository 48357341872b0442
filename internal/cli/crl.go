package cli

import (
	"bufio"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/crl"
)

// newCrlCmd is `pgcert crl`, the parent of the revocation list commands.
func newCrlCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "crl",
		Short: "make, merge, file and show certificate revocation lists",
		Long:  help.Long("crl"), Example: help.Example("crl"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCrlGenCmd(f, nil), newCrlMergeCmd(f, nil), newCrlDirCmd(f, nil), newCrlShowCmd(f, nil))
	return cmd
}

// readCRLInputs reads every CRL of the files given, in order. A file without a CRL,
// or with a damaged one, is an error naming it.
func (f *Factory) readCRLInputs(paths []string) ([]crl.Input, error) {
	var out []crl.Input
	for _, p := range paths {
		data, err := f.readInput(p)
		if err != nil {
			return nil, err
		}
		stop := f.IO.StartProgress("reading " + p)
		in, err := crl.ParseFile(p, data)
		stop()
		if err != nil {
			return nil, err
		}
		out = append(out, in...)
	}
	return out, nil
}

// crlOutput says where a command's CRL PEM goes: a file, or standard output.
type crlOutput struct {
	Path  string // "" for standard output
	Force bool
}

// resolveCRLOutput checks -o before any work: "" and "-" mean standard output, which
// --json (one document on stdout) cannot share; an existing file needs --force or a
// yes at the terminal.
func (f *Factory) resolveCRLOutput(path string, force bool) (crlOutput, error) {
	if path == "" || path == "-" {
		if f.Global.JSON {
			return crlOutput{}, usageErrorf("--json prints a report on standard output: give the CRL file with -o FILE")
		}
		return crlOutput{}, nil
	}
	ok, err := f.allowOverwrite(force, path)
	if err != nil {
		return crlOutput{}, err
	}
	if !ok && fileExists(path) {
		return crlOutput{}, &fsutil.ExistsError{Path: path, LinkTarget: linkTarget(path)}
	}
	return crlOutput{Path: path, Force: ok}, nil
}

// writeCRLOutput writes a CRL through write to out: standard output, or the file
// (mode 0644; as root inside a data directory, owned by its owner). The Written is
// nil for standard output.
func (f *Factory) writeCRLOutput(out crlOutput, write func(io.Writer) error) (*fsutil.Written, error) {
	if out.Path == "" {
		bw := bufio.NewWriterSize(f.IO.Out, 256<<10)
		if err := write(bw); err != nil {
			return nil, err
		}
		return nil, bw.Flush()
	}
	return fsutil.WriteFileFunc(out.Path, fsutil.DirOwnerOptions(filepath.Dir(out.Path), fsutil.PublicMode, out.Force), write)
}

// crlBytes is the write function of writeCRLOutput for a CRL file held in memory.
func crlBytes(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

// linkTarget returns the target of a symbolic link, "" for anything else.
func linkTarget(path string) string {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		t, _ := os.Readlink(path)
		return t
	}
	return ""
}
