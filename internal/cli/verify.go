package cli

import (
	"crypto/x509"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
)

// verifyOptions are verify's flags: the library's options.
type verifyOptions struct {
	f *Factory
	chain.VerifyFilesOptions
}

func newVerifyCmd(f *Factory, runF func(*verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{f: f}
	cmd := &cobra.Command{
		Use:   "verify CERT",
		Short: "verify a certificate or chain as libpq or the server will",
		Long:  help.Long("verify"), Example: help.Example("verify"),
		Args:              exactArgs(1, "the certificate file CERT"),
		ValidArgsFunction: cmdutil.CertFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddFileListFlag(cmd, &opts.Roots, "root", "trusted CA certificates `FILE`: root.crt, or the server's ssl_ca_file (repeatable)", cmdutil.CertExts...)
	fl.StringArrayVar(&opts.Hosts, "host", nil, "check the certificate names `HOST` as libpq does for sslmode=verify-full (repeatable)")
	fl.StringVar(&opts.Purpose, "purpose", "", "who checks the certificate: server (libpq checks a server's) or client (the server checks a client's); default: from its extendedKeyUsage")
	fl.StringVar(&opts.User, "user", "", "predict the server's cert authentication of the certificate as database `ROLE`")
	fl.StringVar(&opts.ClientName, "clientname", "CN", "with --user, what names the client, as pg_hba.conf's clientname: CN or DN")
	fl.StringVar(&opts.Map, "map", "", "with --user, the pg_hba.conf map= `NAME` to look the certificate's name up in (needs --ident)")
	cmdutil.AddFileFlag(cmd, &opts.Ident, "ident", "the server's pg_ident.conf `FILE`, for --map", "conf")
	cmd.RegisterFlagCompletionFunc("clientname", cmdutil.FixedCompletion("CN", "DN"))
	cmdutil.AddFileListFlag(cmd, &opts.CRLs, "crl", "CRL `FILE` (PEM, several CRLs allowed, or DER); every CA then needs one (repeatable)", "crl", "pem", "der")
	cmd.RegisterFlagCompletionFunc("purpose", cmdutil.FixedCompletion("server", "client"))
	return cmd
}

func verifyRun(opts *verifyOptions) error {
	f := opts.f
	o := opts.VerifyFilesOptions
	o.ReadCerts, o.ReadFile, o.Getenv, o.Reporter, o.Now = f.ReadCertInputs, f.ReadInput, f.Getenv, reporter{f}, f.Now
	o.ReadCRLs = func(paths []string) ([]*x509.RevocationList, error) { return crl.ParseFiles(paths, f.ReadInput) }
	v, err := chain.VerifyFiles(o)
	if err != nil {
		return err
	}
	if f.Global.JSON {
		if err := cmdutil.WriteJSON(f.IO.Out, v.Report()); err != nil {
			return err
		}
	} else {
		v.WriteText(f.IO.Out, f.IO.OutColors())
	}
	if !v.OK() {
		return cmdutil.ErrProblemsFound
	}
	return nil
}

// libpqRootFile is the root file libpq reads when sslrootcert is not set
// (chain.LibpqRootFile).
func libpqRootFile(f *Factory) string { return chain.LibpqRootFile(f.Getenv) }
