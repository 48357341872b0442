package cli

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/stepca"
)

type caRevokeOptions struct {
	f      *Factory
	Serial string
	CADir  string
	Cert   string
	Reason string

	// DataDir is -D: the data directory whose recorded CA revokes.
	DataDir string
	// Step names a step-ca (else the one -D records).
	Step stepFlags
}

func newCaRevokeCmd(f *Factory, runF func(*caRevokeOptions) error) *cobra.Command {
	opts := &caRevokeOptions{f: f}
	reasons := ca.ReasonNames()
	cmd := &cobra.Command{
		Use:   "revoke (SERIAL | --cert FILE)",
		Short: "revoke a certificate the local CA issued",
		Long:  help.Long("ca revoke", "reasons", strings.Join(reasons, ", ")), Example: help.Example("ca revoke"),
		Args: func(cmd *cobra.Command, args []string) error {
			if err := ca.CheckRevokeArgs(len(args), opts.Cert != ""); err != nil {
				return &hint.UsageError{Err: err, Command: cmd.CommandPath()}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Serial = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return caRevokeRun(opts)
		},
	}
	cmdutil.AddCADirFlag(cmd, &opts.CADir)
	cmdutil.AddDataDirCAFlag(cmd, &opts.DataDir)
	addStepCAFlags(cmd, &opts.Step, false)
	fl := cmd.Flags()
	cmdutil.AddFileFlag(cmd, &opts.Cert, "cert", "the certificate `FILE` to revoke (its first certificate)", cmdutil.CertExts...)
	fl.StringVar(&opts.Reason, "reason", "", "the `REASON` recorded: keyCompromise, superseded, cessationOfOperation, ...")
	cmd.RegisterFlagCompletionFunc("reason", cmdutil.FixedCompletion(reasons...))
	return cmd
}

// parseSerial reads a serial number given on the command line (ca.SerialArg).
var parseSerial = ca.SerialArg

func caRevokeRun(opts *caRevokeOptions) error {
	f := opts.f
	reason, err := ca.ReasonFlag(opts.Reason)
	if err != nil {
		return err
	}
	if rec := ca.StepRecordFor(opts.DataDir, opts.CADir); opts.Step.URL != "" || rec != nil {
		ctx := context.Background()
		r, err := stepca.Revoke(ctx, stepca.RevokeArgs{CertFile: opts.Cert, Serial: opts.Serial, Reason: reason, ReadFile: f.ReadInput,
			Connect:     func() (*stepca.Client, error) { return f.stepClient(ctx, opts.Step, rec) },
			Provisioner: func(c *stepca.Client) (*stepca.Provisioner, error) { return f.stepProvisioner(ctx, c, opts.Step, rec) }})
		if err != nil {
			return err
		}
		return f.revoked(r, r.WriteText, []string{stepca.NextAfterRevoke(opts.DataDir)})
	}
	r, err := ca.RevokeNamed(ca.RevokeNamedOptions{CertFile: opts.Cert, Serial: opts.Serial, Reason: reason, ReadFile: f.ReadInput,
		OpenCA: func() (*ca.CA, error) { return f.OpenCAFor(opts.CADir, opts.DataDir) }, Now: f.Now})
	if err != nil {
		return err
	}
	return f.revoked(r.RevokeReport, r.WriteText, r.Next)
}

// revoked writes a revocation's report, then says what brings it to the
// servers.
func (f *Factory) revoked(v any, text func(io.Writer) error, next []string) error {
	if f.Global.JSON {
		return cmdutil.WriteJSON(f.IO.Out, v)
	}
	text(f.IO.Out)
	for _, line := range next {
		f.Infof("%s", line)
	}
	return nil
}
