package cli

import (
	"crypto"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
)

type chainOptions struct {
	f            *Factory
	Inputs       []string
	Output       string
	Key          string
	PassIn       string
	Roots        []string
	NoRoot       bool
	AllowExpired bool
	Force        bool
}

func newChainCmd(f *Factory, runF func(*chainOptions) error) *cobra.Command {
	opts := &chainOptions{f: f}
	cmd := &cobra.Command{
		Use:   "chain CERTFILE...",
		Short: "write server.crt: the server's certificate, then its issuers, in the order the server needs",
		Long:  help.Long("chain"), Example: help.Example("chain"),
		Args:              minArgs(1, "at least one CERTFILE"),
		ValidArgsFunction: certFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			if runF != nil {
				return runF(opts)
			}
			return chainRun(opts)
		},
	}
	fl := cmd.Flags()
	addOutFlag(cmd, &opts.Output, "server.crt", "write the chain to `FILE` (- for standard output)", "crt", "pem")
	addFileFlag(cmd, &opts.Key, "key", "the private key `FILE` of the server: its certificate is the leaf", keyExts...)
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of an encrypted --key or of PKCS#12 inputs: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	addFileListFlag(cmd, &opts.Roots, "root", "trusted root certificates `FILE` the chain must reach (repeatable)", certExts...)
	fl.BoolVar(&opts.NoRoot, "no-root", false, "leave the root out of the file")
	fl.BoolVar(&opts.AllowExpired, "allow-expired", false, "write a chain with expired or not yet valid certificates, with a warning")
	addForceFlag(cmd, &opts.Force)
	return cmd
}

func chainRun(opts *chainOptions) error {
	f := opts.f
	toStdout := opts.Output == "-"
	if toStdout && f.Global.JSON {
		return usageErrorf("-o - and --json both write to standard output: give an output file with -o")
	}
	force := false
	if !toStdout {
		var err error
		if force, err = f.allowOverwrite(opts.Force, opts.Output); err != nil {
			return err
		}
	}
	inputs, p12Keys, err := f.readPKIInputs(opts.Inputs, "", "--passin", opts.PassIn)
	if err != nil {
		return err
	}
	roots, err := f.readCertInputs(opts.Roots, "--root")
	if err != nil {
		return err
	}
	var pub crypto.PublicKey
	if opts.Key != "" {
		k, err := f.loadKey(opts.Key, "--passin", opts.PassIn)
		if err != nil {
			return err
		}
		pub = k.Signer.Public()
	} else if len(p12Keys) == 1 {
		// A PKCS#12 file holds the leaf's key: it picks the leaf, as --key would.
		pub = p12Keys[0].Signer.Public()
	}
	now := f.Now()
	plan, err := chain.PlanServerChain(inputs, chain.ServerOptions{Now: now, Key: pub, Roots: roots, AllowExpired: opts.AllowExpired, NoRoot: opts.NoRoot})
	if err != nil {
		return chain.LeafError(err, opts.Key)
	}
	path := plan.Path
	if len(plan.Problems) > 0 {
		f.infof("the path pgcert found, not written:")
		if !f.Global.Quiet {
			path.WriteText(f.IO.ErrOut, len(path.Certs), now)
		}
		return plan.Refusal()
	}

	for _, n := range plan.Notes() {
		if n.Warning {
			f.warnf("%s", n.Text)
		} else {
			f.infof("%s", n.Text)
		}
	}

	data := plan.PEM()
	written := plan.Written()
	if toStdout {
		if _, err := f.IO.Out.Write(data); err != nil {
			return err
		}
		f.infof("wrote %s to standard output", plural(written, "certificate", "certificates"))
		if !f.Global.Quiet {
			path.WriteText(f.IO.ErrOut, written, now)
		}
		return nil
	}
	w, err := fsutil.WriteFile(opts.Output, data, fsutil.DirOwnerOptions(filepath.Dir(opts.Output), fsutil.PublicMode, force))
	if err != nil {
		return err
	}
	f.noteReplacedLink(w)
	if f.Global.JSON {
		return writeJSON(f.IO.Out, plan.Report(fsutil.Report(w)))
	}
	fmt.Fprintf(f.IO.Out, "wrote %s: %s, mode %04o\n", w.Path, plural(written, "certificate", "certificates"), w.Mode)
	path.WriteText(f.IO.Out, written, now)
	return nil
}
