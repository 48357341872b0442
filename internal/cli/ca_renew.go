package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/rotate"
)

// newCaRenewCmd is `pgcert ca renew`, the parent of client.
func newCaRenewCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "renew",
		Short: "replace a certificate the local CA issued with a new one for the same name",
		Long: `Replace a certificate before it expires: a new one with the same subject, signed by
the local CA and recorded in its index. pgcert renew -D renews a data directory's
server certificate and CRLs.

Exit codes: see the subcommands.`,
		Example: `  pgcert ca renew client --user alice --revoke-old
  pgcert renew -D /var/lib/postgresql/15/main --reload`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCaRenewClientCmd(f, nil))
	return cmd
}

type caRenewClientOptions struct {
	f         *Factory
	CADir     string
	User      string
	OutDir    string
	Days      int
	Rekey     bool
	RevokeOld bool
	PK8       bool
	Host      string
	PassIn    string
}

func newCaRenewClientCmd(f *Factory, runF func(*caRenewClientOptions) error) *cobra.Command {
	opts := &caRenewClientOptions{f: f}
	cmd := &cobra.Command{
		Use:   "client --user ROLE",
		Short: "issue a new client certificate for a role, to replace its current one",
		Long: `Make a new client certificate for a database role, with the subject of its current
one (the server's cert method still logs it in as the same role), and write the
bundle into the output directory (default CA_DIR/clients/ROLE): postgresql.crt,
postgresql.key, root.crt.

The current certificate is the bundle's postgresql.crt when the directory holds
one, else the newest valid certificate the CA's index lists for the role. Its key,
postgresql.key, is kept when it is there and matches (--rekey makes a new one);
without it a new key is made. The new certificate lasts as long as the old one did
(--days changes it).

--revoke-old revokes the old certificate (reason superseded) once the new bundle is
written. The server refuses it from the next CRL it loads: pgcert renew -D PGDATA
--reload refreshes root.crl when the CA revoked certificates since it was made.

Exit codes: 0 written, 1 failure (nothing written, nothing revoked), 2 bad usage.`,
		Example: `  # instead of: openssl x509 -x509toreq -in postgresql.crt -signkey postgresql.key -out alice.csr
  #             openssl ca -config ca.cnf -in alice.csr -out postgresql.crt
  #             openssl ca -config ca.cnf -revoke old.crt -crl_reason superseded
  pgcert ca renew client --user alice --revoke-old

  # a bundle kept in ~/.postgresql, with a new key
  pgcert ca renew client --user alice -o ~/.postgresql --rekey`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkRole(opts.User); err != nil {
				return err
			}
			if err := checkDays(opts.Days, f.Now(), true); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return caRenewClientRun(opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	fl := cmd.Flags()
	fl.StringVar(&opts.User, "user", "", "the database `ROLE` whose certificate is renewed")
	fl.StringVarP(&opts.OutDir, "out", "o", "", "the bundle `DIR`ectory (default: CA_DIR/clients/ROLE)")
	fl.IntVar(&opts.Days, "days", 0, "validity in days (default: that of the current certificate; cut to the CA's)")
	fl.BoolVar(&opts.Rekey, "rekey", false, "make a new key instead of keeping postgresql.key")
	fl.BoolVar(&opts.RevokeOld, "revoke-old", false, "revoke the replaced certificate (reason superseded)")
	fl.BoolVar(&opts.PK8, "pk8", false, "also write postgresql.pk8, the key as DER PKCS#8 for the JDBC driver")
	fl.StringVar(&opts.Host, "host", "", "the server's host `NAME`, for the printed connection string")
	fl.StringVar(&opts.PassIn, "passin", "", "passphrase `SOURCE` of the CA key: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	cmd.MarkFlagRequired("user")
	cmd.MarkFlagDirname("out")
	return cmd
}

// clientRenewal is the --json output of ca renew client: the new bundle, and the
// certificate it replaces.
type clientRenewal struct {
	clientBundle
	OldSerial   string `json:"old_serial"`
	OldNotAfter string `json:"old_not_after"`
	OldRevoked  bool   `json:"old_revoked"`
	Rekeyed     bool   `json:"rekeyed"`
}

func caRenewClientRun(opts *caRenewClientOptions) error {
	f := opts.f
	caDir, err := f.resolveCADir(opts.CADir)
	if err != nil {
		return err
	}
	out := opts.OutDir
	if out == "" {
		out = filepath.Join(caDir, clientsSubdir, opts.User)
	}
	if out, err = filepath.Abs(out); err != nil {
		return err
	}
	c, err := f.openSigningCA(caDir, opts.PassIn)
	if err != nil {
		return err
	}
	if err := needRoot(c); err != nil {
		return err
	}
	old, err := rotate.CurrentClient(c, opts.User, out, f.Now())
	if err != nil {
		return err
	}
	key, err := rotate.ClientKey(out, old, opts.Rekey)
	if err != nil {
		return err
	}
	rekeyed := key == nil
	if rekeyed {
		if key, err = f.generateKey(rotate.LikeKey(old.PublicKey)); err != nil {
			return err
		}
	}
	req, err := ca.Renewal(old, key.Public())
	if err != nil {
		return err
	}
	req.Days = opts.Days
	if req.Days == 0 {
		req.Days = max(durationDays(old.NotAfter.Sub(old.NotBefore)), 1)
	}
	req.Now, req.Rand = f.Now(), f.Rand
	is, err := c.Issue(req)
	if err != nil {
		return caIssueError(c, err)
	}
	b, files, err := f.bundleFiles(c, is, key, opts.User, out, opts.PK8, true, opts.Host)
	if err != nil {
		return err
	}
	if err := f.writeBundle(b, files); err != nil {
		return err
	}
	r := clientRenewal{clientBundle: *b, OldSerial: ca.SerialHex(old.SerialNumber.Bytes()),
		OldNotAfter: old.NotAfter.UTC().Format(time.RFC3339), Rekeyed: rekeyed}
	if opts.RevokeOld {
		_, err := c.Revoke(old.SerialNumber, ca.ReasonSuperseded, f.Now())
		var ar *ca.AlreadyRevokedError
		switch {
		case errors.As(err, &ar):
			f.warnf("the old certificate %s was revoked already", r.OldSerial)
		case err != nil:
			return withHints(fmt.Errorf("the new bundle is written, but revoking the old certificate %s failed: %w", r.OldSerial, err),
				fmt.Sprintf("revoke it with: pgcert ca revoke %s --ca-dir %s --reason superseded", r.OldSerial, shellWord(c.Dir)))
		}
		r.OldRevoked = true
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	fmt.Fprintf(f.IO.Out, "renewed the client certificate of role %q: serial %s until %s (replaces %s, until %s)\n",
		r.Role, r.Serial, r.NotAfter[:10], r.OldSerial, r.OldNotAfter[:10])
	if rekeyed {
		fmt.Fprintln(f.IO.Out, "  with a new key")
	}
	for _, fr := range r.Files {
		fmt.Fprintf(f.IO.Out, "  wrote %s (mode %s)\n", fr.Path, fr.Mode)
	}
	if r.OldRevoked {
		fmt.Fprintf(f.IO.Out, "revoked %s (superseded): the server refuses it once its root.crl is refreshed (pgcert renew -D PGDATA --reload)\n", r.OldSerial)
	}
	fmt.Fprintf(f.IO.Out, "connect with:\n  psql \"%s\"\n", r.ConnString)
	return nil
}
