package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// crlGenOptions are crl gen's flags: the library's options, and how to
// answer its questions.
type crlGenOptions struct {
	f *Factory
	ca.GenCRLOptions
	PassIn string
	Force  bool
}

func newCrlGenCmd(f *Factory, runF func(*crlGenOptions) error) *cobra.Command {
	opts := &crlGenOptions{f: f}
	cmd := &cobra.Command{
		Use:   "gen (--ca-dir DIR | --index FILE --ca-cert FILE --ca-key FILE | --serials FILE --ca-cert FILE --ca-key FILE)",
		Short: "make the CRL of a CA from its database",
		Long:  help.Long("crl gen", "days", fmt.Sprint(crl.DefaultDays)), Example: help.Example("crl gen"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return crlGenRun(opts)
		},
	}
	cmdutil.AddCADirFlag(cmd, &opts.CADir)
	cmdutil.AddDataDirCAFlag(cmd, &opts.DataDir)
	fl := cmd.Flags()
	cmdutil.AddFileFlag(cmd, &opts.Index, "index", "the openssl ca or easy-rsa database `FILE` (index.txt)", "txt")
	cmdutil.AddFileFlag(cmd, &opts.Serials, "serials", "a plain list `FILE` of revoked serials, with optional times and reasons (instead of --index)", "txt")
	cmdutil.AddFileFlag(cmd, &opts.CACert, "ca-cert", "the CA certificate `FILE` that signs the CRL (with --index)", cmdutil.CertExts...)
	cmdutil.AddFileFlag(cmd, &opts.CAKey, "ca-key", "the CA's private key `FILE` (with --index)", cmdutil.KeyExts...)
	cmdutil.AddFileFlag(cmd, &opts.CRLNumber, "crlnumber", "the crlnumber `FILE`, read and advanced (with --index; default: crlnumber beside the index)")
	fl.IntVar(&opts.Days, "days", crl.DefaultDays, "days until nextUpdate, when the CRL expires")
	cmdutil.AddOutFlag(cmd, &opts.Out, "", "write the CRL to `FILE` (default: standard output)", "crl", "pem")
	cmdutil.AddCAPassInFlag(cmd, &opts.PassIn)
	cmdutil.AddForceFlag(cmd, &opts.Force)
	return cmd
}

func crlGenRun(opts *crlGenOptions) error {
	f := opts.f
	o := opts.GenCRLOptions
	o.JSON, o.Stdout, o.LockOutput, o.ReadCerts = f.Global.JSON, f.IO.Out, f.LockOutputDataDir, f.ReadCertInputs
	o.Overwrite = func(p ...string) (bool, error) { return f.AllowOverwrite(opts.Force, p...) }
	o.OpenCA = func() (*ca.CA, error) { return f.OpenCAFor(opts.CADir, opts.DataDir) }
	o.Unlock = func(cas ...*ca.CA) error { return f.UnlockCAs(opts.PassIn, cas...) }
	o.LoadKey = func(p string) (*keys.Key, error) { return f.LoadKey(p, "--passin", opts.PassIn) }
	o.Progress, o.Reporter, o.Now, o.Rand = f.IO.StartProgress, reporter{f}, f.Now, f.Rand
	if err := o.Validate(); err != nil {
		return err
	}
	if err := selfsign.CheckDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	res, err := ca.GenerateCRL(o)
	if err != nil {
		return err
	}
	if f.Global.JSON {
		return cmdutil.WriteJSON(f.IO.Out, res.Report)
	}
	if res.Written != nil {
		f.NoteReplacedLink(res.Written)
	}
	res.Report.WriteText(f.IO.Out)
	return nil
}
