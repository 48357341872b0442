package cli

import (
	"crypto"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

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
		Long: `Build server.crt from whatever pile of certificates the CA sent: the leaf first,
then the intermediate that signed it, then that one's issuer, up to the root — what
the manual asks for ("append the certificate of the signing authority to server.crt,
then its parent authority's certificate, and so on"). The server sends the first
certificate as its own: with an intermediate first it refuses to start ("key values
mismatch"), and with an issuer missing clients cannot verify it.

The files may hold any number of certificates, PEM (text before and between blocks
is fine, as openssl -text writes it) or DER, in any order, with duplicates and
unrelated certificates; duplicates are dropped and unrelated certificates left out,
each named in a warning. The leaf is the certificate of --key when given, else the
only certificate that is not a CA. Issuers are found by signature, not only by name;
when several could sign (a cross-signed intermediate), the longest valid path wins.

A PKCS#12 file (.p12, .pfx: what a CA's download or a Windows or Java export
gives) may be among the inputs: its certificates are read with the others and, when
it is the only one and --key is not given, its key picks the leaf. --key may be a
PKCS#12 file too. Its password comes from --passin, or is asked for at a terminal;
an empty password is tried first.

The root is written last when server.crt holds more than one certificate, as the
manual advises (--no-root leaves it out); a leaf signed by the root itself is written
alone. --root names files of trusted roots the chain must reach (root.crt); without
it, a chain that stops below a root is written with a warning naming the issuer
clients must trust, unless a root among the inputs shows that an intermediate is
missing.

pgcert refuses to write a chain with an issuer missing, a broken signature, an
intermediate that may not sign certificates (no CA:TRUE or keyCertSign), an expired
certificate (a warning with --allow-expired) or a key that is not the leaf's; every
message names the certificate by subject and file. The file is written 0644; as
root inside a data directory it takes the directory's owner.

Exit codes: 0 written, 1 refused or failed (nothing written), 2 bad usage.`,
		Example: `  # instead of: cat server-only.crt intermediate.crt root.crt > server.crt
  pgcert chain server-only.crt ca-bundle.pem

  # pick the leaf by its key, write into the data directory
  pgcert chain --key server.key -o "$PGDATA/server.crt" download/*.pem

  # check that the chain reaches the root clients trust, and leave the root out
  pgcert chain --root root.crt --no-root -o server.crt leaf.pem chain.pem

  # fix the order of an existing server.crt in place
  pgcert chain --key server.key -o server.crt --force server.crt`,
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
	fl.StringVarP(&opts.Output, "out", "o", "server.crt", "write the chain to `FILE` (- for standard output)")
	fl.StringVar(&opts.Key, "key", "", "the private key `FILE` of the server: its certificate is the leaf")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of an encrypted --key or of PKCS#12 inputs: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.StringArrayVar(&opts.Roots, "root", nil, "trusted root certificates `FILE` the chain must reach (repeatable)")
	fl.BoolVar(&opts.NoRoot, "no-root", false, "leave the root out of the file")
	fl.BoolVar(&opts.AllowExpired, "allow-expired", false, "write a chain with expired or not yet valid certificates, with a warning")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file")
	cmd.MarkFlagFilename("out", "crt", "pem")
	cmd.MarkFlagFilename("key", "key", "pem", "der")
	cmd.MarkFlagFilename("root", "crt", "pem", "der")
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

	for _, w := range path.Warnings {
		f.warnf("%s; written all the same (--allow-expired)", chainText(w))
	}
	if len(path.Unrelated) > 0 {
		f.warnf("left out %s not on the path of the leaf %s: %s", plural(len(path.Unrelated), "certificate", "certificates"), path.Leaf(), chain.ShortList(path.Unrelated))
	}
	if len(path.Duplicates) > 0 {
		f.warnf("%s", chain.DroppedDuplicates(path.Duplicates))
	}
	switch {
	case path.Missing != nil:
		top := path.Certs[len(path.Certs)-1]
		f.warnf("no root among the inputs: the chain ends with %s, whose issuer %s clients must hold in their root.crt (give the root with --root to check that the chain reaches it)", top, path.Missing.Issuer)
	case plan.RootLeftOut:
		root, _ := path.Root()
		f.infof("left out the root %s: the leaf is signed by the root itself, so server.crt holds the leaf alone and clients hold the root", root)
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
	w, err := fsutil.WriteFile(opts.Output, data, dataDirOwner(filepath.Dir(opts.Output), fsutil.PublicMode, force))
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
