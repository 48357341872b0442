package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// selfsignOptions are the flags of `pgcert selfsign`, in its two forms.
type selfsignOptions struct {
	f *Factory

	Req    string
	Key    string
	Output string
	PassIn string

	DataDir string
	Hosts   []string
	Type    string
	Curve   string
	Bits    int

	Days  int
	Text  bool
	Force bool
	NewCA bool
	// lib is what the flags say, for the library.
	lib bootstrap.SelfSignCommand
}

func newSelfsignCmd(f *Factory, runF func(*selfsignOptions) error) *cobra.Command {
	opts := &selfsignOptions{f: f}
	cmd := &cobra.Command{
		Use:   "selfsign {--req FILE --key FILE | -D PGDATA}",
		Short: "make a self-signed server certificate",
		Long:  help.Long("selfsign", "days", fmt.Sprint(selfsign.DefaultServerDays)), Example: help.Example("selfsign"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			changed := cmd.Flags().Changed
			opts.lib = bootstrap.SelfSignCommand{KeyHooks: f.keyHooks(opts.PassIn, ""),
				ReadFile: f.readInput, InspectDataDir: inspectDataDir, LockDataDir: f.lockDataDir, DefaultHosts: f.defaultHosts,
				Request: opts.Req, Key: opts.Key, Output: opts.Output, OutputSet: changed("out"), PassIn: opts.PassIn,
				DataDir: opts.DataDir, Hosts: opts.Hosts,
				KeyFlags: bootstrap.KeyFlags{Type: opts.Type, Curve: opts.Curve, Bits: opts.Bits, TypeSet: changed("type"), CurveSet: changed("curve"), BitsSet: changed("bits")},
				Days:     opts.Days, Text: opts.Text, Force: opts.Force, NewCA: opts.NewCA, Now: f.Now}
			if err := opts.lib.CheckFlags(); err != nil {
				return err
			}
			if err := checkDays(opts.Days, f.Now(), false); err != nil {
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
	addFileFlag(cmd, &opts.Req, "req", "the certificate request `FILE` to sign", "req", "csr", "pem", "der")
	addFileFlag(cmd, &opts.Key, "key", "the request's private key `FILE` (PEM, DER or PKCS#12)", keyExts...)
	addOutFlag(cmd, &opts.Output, "server.crt", "write the certificate to `FILE` (with --req)", "crt", "pem")
	addKeyPassInFlag(cmd, &opts.PassIn)
	addPgdataFlag(cmd, &opts.DataDir, "write server.key and server.crt into the data directory `PGDATA`")
	fl.StringSliceVar(&opts.Hosts, "host", nil, "a host name or IP address clients connect to (repeatable; with -D)")
	addKeyTypeFlagsWhen(cmd, " with -D", &opts.Type, &opts.Curve, &opts.Bits)
	fl.IntVar(&opts.Days, "days", selfsign.DefaultServerDays, "days the certificate is valid")
	fl.BoolVar(&opts.Text, "text", false, "write the certificate in text before its PEM block, as openssl -text does")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace existing files (and allow --type ed25519 with -D)")
	fl.BoolVar(&opts.NewCA, "new-ca", false, "with -D, replace a server.crt a CA issued (clients that trust that CA stop verifying the server)")
	return cmd
}

func selfsignRun(opts *selfsignOptions) error {
	f := opts.f
	r, err := bootstrap.SelfSignRequest(opts.lib)
	switch {
	case err != nil:
		return err
	case f.Global.JSON:
		return writeJSON(f.IO.Out, r)
	}
	return r.WriteText(f.IO.Out)
}

// dataDirWritten is the --json output of `pgcert selfsign -D`.
type dataDirWritten = bootstrap.SelfSignedResult

func selfsignDataDirRun(opts *selfsignOptions) error {
	f := opts.f
	result, err := bootstrap.SelfSignDataDir(opts.lib)
	switch {
	case err != nil:
		return err
	case f.Global.JSON:
		return writeJSON(f.IO.Out, result)
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
	return bootstrap.DefaultHosts(host, err, cliReporter{f})
}

// inspectDataDir examines -D's directory, which must exist but need not be a data
// directory yet, and removes what an interrupted run left in a data directory.
func inspectDataDir(dir string) (*pgdata.DataDir, error) {
	return bootstrap.InspectDataDir(dir, removeRenewLeftovers)
}
