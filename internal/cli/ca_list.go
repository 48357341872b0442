package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/ca"
)

type caListOptions struct {
	f     *Factory
	CADir string
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

Exit codes: 0 listed, 1 failure (no CA, unreadable index), 2 bad usage.`,
		Example: `  # instead of: cat index.txt; openssl ca -status SERIAL
  pgcert ca list
  pgcert ca list --json --ca-dir /srv/pgca`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return caListRun(opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	return cmd
}

func caListRun(opts *caListOptions) error {
	f := opts.f
	c, err := f.openCADir(opts.CADir)
	if err != nil {
		return err
	}
	r, err := c.Listing(f.Now())
	if err != nil {
		return err
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	if len(r.Certificates) == 0 {
		f.infof("the CA in %s has issued no certificate yet", c.Dir)
		return nil
	}
	tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tSERIAL\tEXPIRES\tREVOKED\tSUBJECT")
	for _, lc := range r.Certificates {
		revoked := "-"
		if lc.RevokedAt != nil {
			revoked = (*lc.RevokedAt)[:10]
			if *lc.Reason != ca.ReasonNone.String() {
				revoked += " " + *lc.Reason
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", lc.Status, lc.Serial, lc.Expires[:10], revoked, lc.Subject)
	}
	return tw.Flush()
}
