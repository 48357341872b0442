package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/inspect"
)

type crlShowOptions struct {
	f     *Factory
	Files []string
}

func newCrlShowCmd(f *Factory, runF func(*crlShowOptions) error) *cobra.Command {
	opts := &crlShowOptions{f: f}
	cmd := &cobra.Command{
		Use:   "show FILE...",
		Short: "describe the CRLs in files",
		Long:  help.Long("crl show"), Example: help.Example("crl show"),
		Args:              minArgs(1, "at least one FILE"),
		ValidArgsFunction: cmdutil.CrlFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return crlShowRun(opts)
		},
	}
	return cmd
}

func crlShowRun(opts *crlShowOptions) error {
	files, err := opts.f.describeFiles(opts.Files, inspect.OnlyCRLs)
	if err != nil {
		return err
	}
	return opts.f.printShownFiles(files)
}
