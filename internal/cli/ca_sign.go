package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

type caSignOptions struct {
	f       *Factory
	Request string
	CADir   string
	Profile string
	Output  string
	Days    int
	PassIn  string
	Force   bool
	// Step names a step-ca that signs instead.
	Step stepFlags
}

func newCaSignCmd(f *Factory, runF func(*caSignOptions) error) *cobra.Command {
	opts := &caSignOptions{f: f}
	cmd := &cobra.Command{
		Use:   "sign REQ",
		Short: "sign an outside certificate request as a server or client certificate",
		Long:  help.Long("ca sign"), Example: help.Example("ca sign"),
		Args:              exactArgs(1, "the request file REQ"),
		ValidArgsFunction: cmdutil.ReqFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Request = args[0]
			if runF != nil {
				return runF(opts)
			}
			return caSignRun(opts)
		},
	}
	cmdutil.AddCADirFlag(cmd, &opts.CADir)
	addStepCAFlags(cmd, &opts.Step, false)
	fl := cmd.Flags()
	fl.StringVar(&opts.Profile, "profile", "", "what the certificate is for: server or client")
	cmdutil.AddOutFlag(cmd, &opts.Output, "-", "write the certificate to `FILE` (- for standard output)", "crt", "pem")
	fl.IntVar(&opts.Days, "days", 0, "validity in days (default: 825; cut to the CA's)")
	cmdutil.AddCAPassInFlag(cmd, &opts.PassIn)
	cmdutil.AddForceFlag(cmd, &opts.Force)
	cmd.MarkFlagRequired("profile")
	cmd.RegisterFlagCompletionFunc("profile", cmdutil.FixedCompletion("server", "client"))
	return cmd
}

func caSignRun(opts *caSignOptions) error {
	f := opts.f
	profile, err := ca.LeafProfile(opts.Profile)
	if err != nil {
		return err
	}
	if err := selfsign.CheckDays(opts.Days, f.Now(), true); err != nil {
		return err
	}
	r, err := ca.SignCSR(ca.SignCSROptions{RequestFile: opts.Request, ReadFile: f.ReadInput, KeyError: bootstrap.RequestKeyError,
		Profile: profile, Output: opts.Output, JSON: f.Global.JSON, Days: opts.Days,
		Overwrite: func(paths []string) (bool, error) { return f.AllowOverwrite(opts.Force, paths...) },
		Signer: func() (ca.Signer, error) {
			if opts.Step.URL != "" {
				return f.stepSigner(opts.Step, nil), nil
			}
			return f.dirSigner(func() (string, error) { return f.ResolveCADir(opts.CADir) }, opts.PassIn), nil
		},
		Reporter: reporter{f}, Now: f.Now, Rand: f.Rand})
	if err != nil {
		return err
	}
	if opts.Output == "-" {
		if _, err := f.IO.Out.Write(r.PEM); err != nil {
			return err
		}
	}
	switch {
	case f.Global.JSON:
		return cmdutil.WriteJSON(f.IO.Out, r.IssuedFiles)
	case opts.Output != "-":
		fmt.Fprintf(f.IO.Out, "%s: wrote %s\n", r.Summary(opts.Profile), opts.Output)
	default:
		f.Infof("%s", r.Summary(opts.Profile))
	}
	return nil
}
