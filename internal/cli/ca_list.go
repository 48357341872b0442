package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/ca"
)

type caListOptions struct {
	f        *Factory
	CADir    string
	Revoked  bool
	Expiring int
	CN       string
}

func newCaListCmd(f *Factory, runF func(*caListOptions) error) *cobra.Command {
	opts := &caListOptions{f: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "list the certificates the local CA issued, with their status",
		Long:  help.Long("ca list"), Example: help.Example("ca list"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return caListRun(opts)
		},
	}
	cmdutil.AddCADirFlag(cmd, &opts.CADir)
	fl := cmd.Flags()
	fl.BoolVar(&opts.Revoked, "revoked", false, "list only revoked certificates")
	fl.IntVar(&opts.Expiring, "expiring", 0, "list only valid certificates expiring within `DAYS` days")
	fl.StringVar(&opts.CN, "cn", "", "list only certificates with a commonName matching the shell `PATTERN`")
	return cmd
}

func caListRun(opts *caListOptions) error {
	f := opts.f
	note, err := ca.List(f.IO.Out, ca.ListOptions{Revoked: opts.Revoked, Expiring: opts.Expiring, CN: opts.CN, JSON: f.Global.JSON,
		OpenCA: func() (*ca.CA, error) { return f.OpenCADir(opts.CADir) }, Now: f.Now()})
	if note != "" {
		f.Infof("%s", note)
	}
	return err
}
