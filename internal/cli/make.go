package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/world"
)

type makeOptions struct {
	f     *Factory
	Spec  string
	Out   string
	Force bool
}

func newMakeCmd(f *Factory, runF func(*makeOptions) error) *cobra.Command {
	opts := &makeOptions{f: f}
	cmd := &cobra.Command{
		Use:   "make -f SPEC -o DIR",
		Short: "build a whole test PKI (CAs, keys, certificates, CRLs, bundles) from one spec file",
		Long:  help.Long("make"), Example: help.Example("make"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return makeRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Spec, "file", "f", "", "the YAML spec `FILE` of the world to build")
	cmdutil.AddOutDirFlag(cmd, &opts.Out, "the output `DIR`, replaced as a whole (created when missing)")
	fl.BoolVar(&opts.Force, "force", false, "replace a DIR that holds files but was not made by pgcert make")
	cmd.MarkFlagFilename("file", "yaml", "yml")
	return cmd
}

// makeReport is the --json output of make.
type makeReport = world.Result

func makeRun(opts *makeOptions) error {
	f := opts.f
	res, err := world.MakeFile(opts.Spec, opts.Out, world.Options{Now: f.Now, Force: opts.Force, ReadFile: f.ReadInput})
	switch {
	case err != nil:
		return err
	case f.Global.JSON:
		return cmdutil.WriteJSON(f.IO.Out, res)
	}
	return res.WriteText(f.IO.Out)
}
