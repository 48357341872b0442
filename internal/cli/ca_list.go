package cli

import (
	"github.com/spf13/cobra"

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
		Long: `List the CA's index (index.txt) in the order the certificates were issued: status,
serial number, expiry, revocation time and reason, subject. A certificate the index
calls valid whose expiry has passed is shown as expired (openssl ca -updatedb would
write that into the index; pgcert leaves the index alone). Certificates issued by
openssl ca or easy-rsa in the same directory are listed too.

Filters, all of which a certificate must match: --revoked (revoked certificates),
--expiring DAYS (certificates still valid that expire within DAYS days: the ones to
renew), --cn PATTERN (a commonName matching a shell pattern, such as 'client-*';
quote it). The index is read as a stream and the listing written as one, so a CA of a
million certificates lists in about 45 MB; the columns are as wide as the longest
value seen so far.

Exit codes: 0 listed, 1 failure (no CA, unreadable index), 2 bad usage.`,
		Example: `  # instead of: cat index.txt; openssl ca -status SERIAL
  pgcert ca list
  pgcert ca list --json --ca-dir /srv/pgca
  pgcert ca list --expiring 30
  pgcert ca list --revoked --cn 'app-*'`,
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
