package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
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
	addCADirFlag(cmd, &opts.CADir)
	addDataDirCAFlag(cmd, &opts.DataDir)
	fl := cmd.Flags()
	addFileFlag(cmd, &opts.Index, "index", "the openssl ca or easy-rsa database `FILE` (index.txt)", "txt")
	addFileFlag(cmd, &opts.Serials, "serials", "a plain list `FILE` of revoked serials, with optional times and reasons (instead of --index)", "txt")
	addFileFlag(cmd, &opts.CACert, "ca-cert", "the CA certificate `FILE` that signs the CRL (with --index)", certExts...)
	addFileFlag(cmd, &opts.CAKey, "ca-key", "the CA's private key `FILE` (with --index)", keyExts...)
	addFileFlag(cmd, &opts.CRLNumber, "crlnumber", "the crlnumber `FILE`, read and advanced (with --index; default: crlnumber beside the index)")
	fl.IntVar(&opts.Days, "days", crl.DefaultDays, "days until nextUpdate, when the CRL expires")
	addOutFlag(cmd, &opts.Out, "", "write the CRL to `FILE` (default: standard output)", "crl", "pem")
	addCAPassInFlag(cmd, &opts.PassIn)
	addForceFlag(cmd, &opts.Force)
	return cmd
}

func crlGenRun(opts *crlGenOptions) error {
	f := opts.f
	o := opts.GenCRLOptions
	o.JSON, o.Stdout, o.LockOutput, o.ReadCerts = f.Global.JSON, f.IO.Out, f.lockOutputDataDir, f.readCertInputs
	o.Overwrite = func(p ...string) (bool, error) { return f.allowOverwrite(opts.Force, p...) }
	o.OpenCA = func() (*ca.CA, error) { return f.openCAFor(opts.CADir, opts.DataDir) }
	o.Unlock = func(cas ...*ca.CA) error { return f.unlockCAs(opts.PassIn, cas...) }
	o.LoadKey = func(p string) (*keys.Key, error) { return f.loadKey(p, "--passin", opts.PassIn) }
	o.Progress, o.Reporter, o.Now, o.Rand = f.IO.StartProgress, reporter{f}, f.Now, f.Rand
	if err := o.Validate(); err != nil {
		return err
	}
	if err := checkDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	res, err := ca.GenerateCRL(o)
	if err != nil {
		return err
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, res.Report)
	}
	if res.Written != nil {
		f.noteReplacedLink(res.Written)
	}
	res.Report.WriteText(f.IO.Out)
	return nil
}
