package cli

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

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
		Long: `Build a trust bundle — a client's root.crt (sslrootcert) or the server's ssl_ca_file —
from CA certificates in any number of files (PEM, text around blocks allowed, or DER).

Exact duplicates are dropped. A certificate that is not a CA is refused: OpenSSL
would not let it anchor a chain. --allow-leaf accepts a self-signed one, for a
client's root.crt that trusts a server's self-signed certificate itself. Expired
certificates, those expiring within --warn-days, and intermediates whose root is not
in the bundle (OpenSSL trusts a chain only up to a self-signed root) draw warnings.
The certificates are written sorted by subject, so the same inputs always give the
same file, each under a comment line naming its subject and expiry, which OpenSSL
skips. The file is written 0644; as root inside a data directory it takes the
directory's owner.

--check-chain CERT verifies that CERT (a server.crt, or a client certificate with its
chain) chains to the bundle with libpq's rules before anything is written: a client
certificate (extendedKeyUsage clientAuth without serverAuth) as the server checks it,
any other as libpq checks a server.

Exit codes: 0 written, 1 refused or failed (nothing written), 2 bad usage.`,
		Example: `  # instead of: cat ca1.crt ca2.crt > root.crt
  pgcert root ca1.crt ca2.crt

  # the server's ssl_ca_file, checked against a client certificate first
  pgcert root -o "$PGDATA/root.crt" --check-chain alice.crt corporate-root.pem

  # a client that trusts a server's self-signed certificate
  pgcert root --allow-leaf -o ~/.postgresql/root.crt server.crt`,
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
	fl.StringVarP(&opts.Output, "out", "o", "root.crt", "write the bundle to `FILE`")
	fl.BoolVar(&opts.AllowLeaf, "allow-leaf", false, "accept a self-signed certificate that is not a CA")
	fl.StringVar(&opts.CheckChain, "check-chain", "", "first verify that the certificate `FILE` chains to the bundle")
	fl.IntVar(&opts.WarnDays, "warn-days", defaultWarnDays, "warn about certificates that expire within this many days (0: only expired ones)")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace an existing output file")
	cmd.MarkFlagFilename("out", "crt", "pem")
	cmd.MarkFlagFilename("check-chain", "crt", "pem", "der")
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
