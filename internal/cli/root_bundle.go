package cli

import (
	"fmt"
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
		if check, err = f.checkChain(opts.CheckChain, roots.Certs, now); err != nil {
			return err
		}
	}
	for _, w := range roots.Warnings {
		f.warnf("%s", chain.RootsWarning(w))
	}
	if len(roots.Duplicates) > 0 {
		f.infof("%s", chain.DroppedDuplicates(roots.Duplicates))
	}
	w, err := fsutil.WriteFile(opts.Output, roots.PEM(), dataDirOwner(filepath.Dir(opts.Output), fsutil.PublicMode, force))
	if err != nil {
		return err
	}
	f.noteReplacedLink(w)
	if f.Global.JSON {
		r := rootBundleJSON{File: fsutil.Report(w), Duplicates: chain.Refs(roots.Duplicates), Warnings: []string{}}
		for _, in := range roots.Certs {
			r.Certificates = append(r.Certificates, chain.Describe(in, chain.BundleRole(in)))
		}
		for _, e := range roots.Warnings {
			r.Warnings = append(r.Warnings, chain.RootsWarning(e))
		}
		if check != nil {
			j := check.Report()
			r.CheckChain = &j
		}
		return writeJSON(f.IO.Out, r)
	}
	fmt.Fprintf(f.IO.Out, "wrote %s: %s, mode %04o\n", w.Path, plural(len(roots.Certs), "certificate", "certificates"), w.Mode)
	for _, in := range roots.Certs {
		fmt.Fprintf(f.IO.Out, "  %s, %s\n", in, in.Expiry(now))
	}
	if check != nil {
		top := check.Chain[len(check.Chain)-1]
		fmt.Fprintf(f.IO.Out, "%s chains to %s, %s\n", check.File, chain.Subject(top.Cert), check.Purpose.Verifier())
	}
	return nil
}

// checkChain verifies the certificate file against the bundle being built, failing
// when it does not chain to it.
func (f *Factory) checkChain(file string, roots []chain.Input, now time.Time) (*chain.Verdict, error) {
	ins, err := f.readCertInputs([]string{file}, "--check-chain")
	if err != nil {
		return nil, err
	}
	purpose := chain.PurposeOf(ins[0].Cert)
	v, err := chain.VerifyFile(file, ins, chain.VerifyOptions{Now: now, Roots: roots, Purpose: purpose}, nil)
	if err != nil {
		return nil, err
	}
	if e := v.Err; e != nil {
		return nil, failf([]string{e.Fix(purpose), "nothing was written"},
			"%s does not chain to the bundle %s: %s (error %d at depth %d, %s)", file, purpose.Verifier(), e.Reason, int(e.Reason), e.Depth, e.Cert)
	}
	return v, nil
}

// rootBundleJSON is the --json output of `pgcert root` (README.md, "JSON output", pgcert root).
type rootBundleJSON struct {
	File         fileReport           `json:"file"`
	Certificates []chain.Element      `json:"certificates"`
	Duplicates   []chain.Ref          `json:"duplicates"`
	Warnings     []string             `json:"warnings"`
	CheckChain   *chain.VerdictReport `json:"check_chain"`
}
