package cli

import (
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
)

type rootBundleOptions struct {
	f          *Factory
	Inputs     []string
	Output     string
	AllowLeaf  bool
	CheckChain string
	WarnDays   int
	Force      bool
}

func newRootBundleCmd(f *Factory, runF func(*rootBundleOptions) error) *cobra.Command {
	opts := &rootBundleOptions{f: f}
	cmd := &cobra.Command{
		Use:   "root CAFILE...",
		Short: "write root.crt: the CA certificates a client or the server trusts",
		Long:  help.Long("root"), Example: help.Example("root"),
		Args:              minArgs(1, "at least one CAFILE"),
		ValidArgsFunction: certFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if opts.WarnDays < 0 {
				return usageErrorf("--warn-days must be 0 or more, not %d", opts.WarnDays)
			}
			if runF != nil {
				return runF(opts)
			}
			return rootBundleRun(opts)
		},
	}
	fl := cmd.Flags()
	addOutFlag(cmd, &opts.Output, "root.crt", "write the bundle to `FILE`", "crt", "pem")
	fl.BoolVar(&opts.AllowLeaf, "allow-leaf", false, "accept a self-signed certificate that is not a CA")
	addFileFlag(cmd, &opts.CheckChain, "check-chain", "first verify that the certificate `FILE` chains to the bundle", certExts...)
	fl.IntVar(&opts.WarnDays, "warn-days", defaultWarnDays, "warn about certificates that expire within this many days (0: only expired ones)")
	addForceFlag(cmd, &opts.Force)
	return cmd
}

func rootBundleRun(opts *rootBundleOptions) error {
	f := opts.f
	force, err := f.allowOverwrite(opts.Force, opts.Output)
	if err != nil {
		return err
	}
	inputs, err := f.readCertInputs(opts.Inputs, "")
	if err != nil {
		return err
	}
	now := f.Now()
	// RootsOptions reads a zero window as its default; a nanosecond is "expired only".
	window := max(time.Duration(opts.WarnDays)*24*time.Hour, time.Nanosecond)
	roots, err := chain.BuildRoots(inputs, chain.RootsOptions{Now: now, AllowLeaf: opts.AllowLeaf, ExpiryWarning: window})
	if err != nil {
		return chain.RootsError(err, opts.AllowLeaf)
	}
	var check *chain.Verdict
	if opts.CheckChain != "" {
		ins, err := f.readCertInputs([]string{opts.CheckChain}, "--check-chain")
		if err != nil {
			return err
		}
		if check, err = chain.CheckBundle(opts.CheckChain, ins, roots.Certs, now); err != nil {
			return err
		}
	}
	for _, w := range roots.Warnings {
		f.warnf("%s", chain.RootsWarning(w))
	}
	if len(roots.Duplicates) > 0 {
		f.infof("%s", chain.DroppedDuplicates(roots.Duplicates))
	}
	w, err := fsutil.WriteFile(opts.Output, roots.PEM(), fsutil.DirOwnerOptions(filepath.Dir(opts.Output), fsutil.PublicMode, force))
	if err != nil {
		return err
	}
	f.noteReplacedLink(w)
	rep := roots.Report(fsutil.Report(w), check)
	if f.Global.JSON {
		return writeJSON(f.IO.Out, rep)
	}
	rep.WriteText(f.IO.Out, now)
	return nil
}
