package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
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
	addCADirFlag(cmd, &opts.CADir)
	fl := cmd.Flags()
	fl.BoolVar(&opts.Revoked, "revoked", false, "list only revoked certificates")
	fl.IntVar(&opts.Expiring, "expiring", 0, "list only valid certificates expiring within `DAYS` days")
	fl.StringVar(&opts.CN, "cn", "", "list only certificates with a commonName matching the shell `PATTERN`")
	return cmd
}

func caListRun(opts *caListOptions) error {
	f := opts.f
	filter := ca.ListFilter{Revoked: opts.Revoked, CN: opts.CN}
	switch {
	case opts.Expiring < 0:
		return usageErrorf("--expiring takes a number of days, 0 or more, not %d", opts.Expiring)
	case opts.Expiring > 0 && opts.Revoked:
		return usageErrorf("--revoked and --expiring select different certificates: --expiring lists valid ones")
	case filter.Check() != nil:
		return usageErrorf("--cn %q is not a valid pattern: use *, ? and [...] as in the shell", opts.CN)
	}
	now := f.Now()
	if opts.Expiring > 0 {
		filter.ExpiringBy = now.AddDate(0, 0, opts.Expiring)
	}
	c, err := f.openCADir(opts.CADir)
	if err != nil {
		return err
	}
	out := ca.NewListTable(f.IO.Out)
	if f.Global.JSON {
		out = ca.NewListJSON(f.IO.Out, c.Dir)
	}
	n := 0
	err = c.ScanListing(now, filter, func(lc *ca.ListedCert) error {
		n++
		return out.Add(lc)
	})
	if err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if n == 0 && !f.Global.JSON {
		if filter != (ca.ListFilter{}) {
			f.infof("no certificate of the CA in %s matches", c.Dir)
		} else {
			f.infof("the CA in %s has issued no certificate yet", c.Dir)
		}
	}
	return nil
}
