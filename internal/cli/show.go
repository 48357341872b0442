package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/inspect"
	"github.com/pgcert/pgcert/pkg/keys"
)

// showOptions are the arguments of `pgcert show`.
type showOptions struct {
	f      *Factory
	PassIn string
	Files  []string
}

func newShowCmd(f *Factory, runF func(*showOptions) error) *cobra.Command {
	opts := &showOptions{f: f}
	cmd := &cobra.Command{
		Use:   "show FILE...",
		Short: "describe certificates, requests, CRLs and keys",
		Long:  help.Long("show"), Example: help.Example("show"),
		Args:              minArgs(1, "at least one FILE"),
		ValidArgsFunction: cmdutil.PkiFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.PassIn, "passin", "", "password `SOURCE` of PKCS#12 files: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	return cmd
}

func showRun(opts *showOptions) error {
	files, err := inspect.DescribeFiles(opts.Files, opts.f.describeOptions(opts.PassIn))
	if err != nil {
		return err
	}
	return opts.f.printShownFiles(files)
}

// describeFiles describes every file, keeping what keep picks (see
// inspect.DescribeFiles), asking for the password of a PKCS#12 file.
func (f *Factory) describeFiles(paths []string, keep func(path string, objs []*inspect.Object) ([]*inspect.Object, error)) ([]inspect.File, error) {
	o := f.describeOptions("")
	o.Keep = keep
	return inspect.DescribeFiles(paths, o)
}

// describeOptions reads files with cmdutil.ReadInput, under a spinner, and opens PKCS#12
// files with the --passin source passSpec, else a prompt.
func (f *Factory) describeOptions(passSpec string) inspect.FilesOptions {
	return inspect.FilesOptions{
		Now: f.Now(), ReadFile: f.ReadInput, Progress: f.IO.StartProgress,
		OpenPKCS12: func(path string, data []byte) (*keys.PKCS12, error) {
			p12, err := keys.ParsePKCS12(data, f.ExistingPassphrase("--passin", passSpec, path))
			if err != nil {
				return nil, cmdutil.KeyError(path, "--passin", err)
			}
			return p12, nil
		},
	}
}

// printShownFiles prints described files: one JSON document with --json, else
// each file's objects, a blank line between files.
func (f *Factory) printShownFiles(files []inspect.File) error {
	if f.Global.JSON {
		return inspect.WriteJSON(f.IO.Out, files)
	}
	return inspect.WriteText(f.IO.Out, files, f.IO.OutColors())
}
