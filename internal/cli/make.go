package cli

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
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
	addOutDirFlag(cmd, &opts.Out, "the output `DIR`, replaced as a whole (created when missing)")
	fl.BoolVar(&opts.Force, "force", false, "replace a DIR that holds files but was not made by pgcert make")
	cmd.MarkFlagFilename("file", "yaml", "yml")
	return cmd
}

// makeReport is the --json output of make.
type makeReport struct {
	Dir string `json:"dir"`
	// Changed is false when DIR already held this world and was not touched.
	Changed bool               `json:"changed"`
	Files   []world.FileResult `json:"files"`
	Certs   []world.CertResult `json:"certs"`
}

func makeRun(opts *makeOptions) error {
	f := opts.f
	if opts.Spec == "" {
		return usageErrorf("give the spec with -f FILE")
	}
	if opts.Out == "" {
		return usageErrorf("give the output directory with -o DIR")
	}
	data, err := f.readInput(opts.Spec)
	if err != nil {
		return err
	}
	spec, err := world.Parse(opts.Spec, data)
	if err != nil {
		return err
	}
	res, err := world.Make(spec, opts.Out, world.Options{Now: f.Now, Force: opts.Force})
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return withHints(err, "run pgcert make as a user who can write to "+opts.Out+" and its parent directory")
		}
		if errors.Is(err, world.ErrNotWorld) {
			return withHints(err, fmt.Sprintf("choose an empty or new directory, or replace %s as a whole: pgcert make -f %s -o %s --force", opts.Out, opts.Spec, opts.Out))
		}
		return err
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, makeReport{Dir: res.Dir, Changed: res.Changed, Files: res.Files, Certs: res.Certs})
	}
	if !res.Changed {
		fmt.Fprintf(f.IO.Out, "%s is up to date (%d files)\n", res.Dir, len(res.Files))
		return nil
	}
	made := 0
	for _, file := range res.Files {
		if file.Status == "made" {
			made++
			fmt.Fprintf(f.IO.Out, "made %s (%s)\n", file.Path, file.Mode)
		}
	}
	fmt.Fprintf(f.IO.Out, "%s: %d made, %d unchanged\n", res.Dir, made, len(res.Files)-made)
	return nil
}
