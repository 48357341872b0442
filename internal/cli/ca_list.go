package cli

import (
	"fmt"
	"text/tabwriter"
	"time"

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

// listedCert is one certificate in ca list --json.
type listedCert struct {
	Status    string  `json:"status"`
	Serial    string  `json:"serial"`
	Subject   string  `json:"subject"`
	Expires   string  `json:"expires"`
	RevokedAt *string `json:"revoked_at"`
	Reason    *string `json:"reason"`
	File      *string `json:"file"`
}

// listReport is the --json output of ca list.
type listReport struct {
	CADir        string       `json:"ca_dir"`
	Certificates []listedCert `json:"certificates"`
}

func caListRun(opts *caListOptions) error {
	f := opts.f
	c, err := f.openCADir(opts.CADir)
	if err != nil {
		return err
	}
	records, err := c.List()
	if err != nil {
		return err
	}
	now := f.Now()
	r := listReport{CADir: c.Dir, Certificates: []listedCert{}}
	for _, rec := range records {
		e := rec.Entry
		lc := listedCert{
			Status:  e.Status.String(),
			Serial:  ca.SerialHex(e.Serial),
			Subject: string(e.Subject),
			Expires: e.Expires.UTC().Format(time.RFC3339),
		}
		if e.Status == ca.StatusValid && !now.Before(e.Expires) {
			lc.Status = ca.StatusExpired.String()
		}
		if e.Status == ca.StatusRevoked {
			at, reason := e.Revoked.UTC().Format(time.RFC3339), e.Reason.String()
			lc.RevokedAt, lc.Reason = &at, &reason
		}
		if rec.File != "" {
			file := rec.File
			lc.File = &file
		}
		r.Certificates = append(r.Certificates, lc)
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
