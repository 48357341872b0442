package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// selfsignOptions are the flags of `pgcert selfsign`, in its two forms, as the
// library's options.
type selfsignOptions struct {
	f *Factory
	bootstrap.SelfSignCommand
}

func newSelfsignCmd(f *Factory, runF func(*selfsignOptions) error) *cobra.Command {
	opts := &selfsignOptions{f: f}
	cmd := &cobra.Command{
		Use:   "selfsign {--req FILE --key FILE | -D PGDATA}",
		Short: "make a self-signed server certificate",
		Long:  help.Long("selfsign", "days", fmt.Sprint(selfsign.DefaultServerDays)), Example: help.Example("selfsign"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.KeyHooks, opts.ReadFile, opts.Now = f.keyHooks(opts.PassIn, ""), f.ReadInput, f.Now
			opts.InspectDataDir, opts.LockDataDir, opts.DefaultHosts = inspectDataDir, f.LockDataDir, f.defaultHosts
			opts.OutputSet, opts.KeyFlags = cmd.Flags().Changed("out"), keyFlags(cmd, opts.KeyFlags)
			if err := opts.CheckFlags(); err != nil {
				return err
			}
			if err := selfsign.CheckDays(opts.Days, f.Now(), false); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.DataDir != "" {
				return selfsignDataDirRun(opts)
			}
			return selfsignRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddFileFlag(cmd, &opts.Request, "req", "the certificate request `FILE` to sign", "req", "csr", "pem", "der")
	cmdutil.AddFileFlag(cmd, &opts.Key, "key", "the request's private key `FILE` (PEM, DER or PKCS#12)", cmdutil.KeyExts...)
	cmdutil.AddOutFlag(cmd, &opts.Output, "server.crt", "write the certificate to `FILE` (with --req)", "crt", "pem")
	cmdutil.AddKeyPassInFlag(cmd, &opts.PassIn)
	cmdutil.AddPgdataFlag(cmd, &opts.DataDir, "write server.key and server.crt into the data directory `PGDATA`")
	fl.StringSliceVar(&opts.Hosts, "host", nil, "a host name or IP address clients connect to (repeatable; with -D)")
	cmdutil.AddKeyTypeFlagsWhen(cmd, " with -D", &opts.KeyFlags.Type, &opts.KeyFlags.Curve, &opts.KeyFlags.Bits)
	fl.IntVar(&opts.Days, "days", selfsign.DefaultServerDays, "days the certificate is valid")
	fl.BoolVar(&opts.Text, "text", false, "write the certificate in text before its PEM block, as openssl -text does")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace existing files (and allow --type ed25519 with -D)")
	fl.BoolVar(&opts.NewCA, "new-ca", false, "with -D, replace a server.crt a CA issued (clients that trust that CA stop verifying the server)")
	return cmd
}

func selfsignRun(opts *selfsignOptions) error {
	f := opts.f
	r, err := bootstrap.SelfSignRequest(opts.SelfSignCommand)
	switch {
	case err != nil:
		return err
	case f.Global.JSON:
		return cmdutil.WriteJSON(f.IO.Out, r)
	}
	return r.WriteText(f.IO.Out)
}

// dataDirWritten is the --json output of `pgcert selfsign -D`.
type dataDirWritten = bootstrap.SelfSignedResult

func selfsignDataDirRun(opts *selfsignOptions) error {
	f := opts.f
	result, err := bootstrap.SelfSignDataDir(opts.SelfSignCommand)
	switch {
	case err != nil:
		return err
	case f.Global.JSON:
		return cmdutil.WriteJSON(f.IO.Out, result)
	}
	info := f.IO.ErrOut
	if f.Global.Quiet {
		info = io.Discard
	}
	return result.WriteText(info, f.IO.Out)
}

// defaultHosts are the names a self-signed certificate gets when none are given.
func (f *Factory) defaultHosts() []string {
	host, err := f.Hostname()
	return bootstrap.DefaultHosts(host, err, reporter{f})
}

// inspectDataDir examines -D's directory, which must exist but need not be a data
// directory yet, and removes what an interrupted run left in a data directory.
func inspectDataDir(dir string) (*pgdata.DataDir, error) {
	return bootstrap.InspectDataDir(dir, cmdutil.RemoveRenewLeftovers)
}
