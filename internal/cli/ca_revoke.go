package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/ca"
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
	reasons := make([]string, len(ca.Reasons))
	for i, r := range ca.Reasons {
		reasons[i] = r.String()
	}
	cmd := &cobra.Command{
		Use:   "revoke (SERIAL | --cert FILE)",
		Short: "revoke a certificate the local CA issued",
		Long:  help.Long("ca revoke", "reasons", strings.Join(reasons, ", ")), Example: help.Example("ca revoke"),
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) > 1:
				return &UsageError{Err: fmt.Errorf("give one serial number"), Command: cmd.CommandPath()}
			case len(args) == 1 && opts.Cert != "":
				return &UsageError{Err: fmt.Errorf("give a serial number or --cert, not both"), Command: cmd.CommandPath()}
			case len(args) == 0 && opts.Cert == "":
				return &UsageError{Err: fmt.Errorf("give the serial number or --cert FILE of the certificate to revoke"), Command: cmd.CommandPath()}
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
	addCADirFlag(cmd, &opts.CADir)
	addDataDirCAFlag(cmd, &opts.DataDir)
	addStepCAFlags(cmd, &opts.Step, false)
	fl := cmd.Flags()
	addFileFlag(cmd, &opts.Cert, "cert", "the certificate `FILE` to revoke (its first certificate)", certExts...)
	fl.StringVar(&opts.Reason, "reason", "", "the `REASON` recorded: keyCompromise, superseded, cessationOfOperation, ...")
	cmd.RegisterFlagCompletionFunc("reason", fixedCompletion(reasons...))
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
	var rec *ca.StepRecord
	if opts.DataDir != "" && opts.CADir == "" {
		rec, _ = ca.ReadStepRecord(opts.DataDir)
	}
	if opts.Step.URL != "" || rec != nil {
		return f.caRevokeStep(opts, reason, rec)
	}
	c, err := f.openCAFor(opts.CADir, opts.DataDir)
	if err != nil {
		return err
	}
	o := ca.RevokeOptions{CertFile: opts.Cert, Reason: reason, Now: f.Now()}
	if o.Certs, o.Serial, err = ca.RevokeTarget(opts.Cert, opts.Serial, f.readInput); err != nil {
		return err
	}
	rv, err := c.RevokeWith(o)
	if err != nil {
		return err
	}
	r := rv.Report()
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	r.WriteText(f.IO.Out)
	for _, line := range c.NextAfterRevoke() {
		f.infof("%s", line)
	}
	return nil
}
