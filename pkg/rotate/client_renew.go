package rotate

import (
	"crypto"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// RenewClientOptions say how RenewClient renews a role's client bundle from a
// CA directory.
type RenewClientOptions struct {
	// Role is the role; Dir its bundle directory, "" for CA_DIR/clients/ROLE.
	Role, Dir string
	// Days, Rekey are ReissueOptions'; RevokeOld revokes the replaced
	// certificate (reason superseded) once the new bundle is written.
	Days             int
	Rekey, RevokeOld bool
	// Bundle holds the bundle's layout choices (Host, PK8); its Role, Dir and
	// Rand are filled in.
	Bundle ca.ClientBundleOptions

	// CA is the CA directory, opened and unlocked once the bundle's
	// directory is known.
	CA *ca.DirSigner
	// Write says how the bundle is written; Owner, when set, returns the owner
	// of the files in the bundle's directory.
	Write ca.BundleWrite
	Owner func(dir string) ca.FileOwner
	// Generate makes a new key (ReissueOptions); Now is the clock, Rand the
	// randomness.
	Generate func(keys.GenerateOptions) (crypto.Signer, error)
	Now      func() time.Time
	Rand     io.Reader
}

// RenewedClient is what RenewClient did: the report of ca renew client
// (--json), and Next, what brings a revocation of the old certificate to the
// servers (ca.CA.NextAfterRevoke), when it was revoked.
type RenewedClient struct {
	*ca.BundleRenewal
	Next []string `json:"-"`
}

// RenewClient issues a new certificate for a role's bundle (ReissueClient),
// writes the bundle anew (ca.CA.WriteClientBundle), and with RevokeOld revokes
// the certificate it replaces: a revocation done before is only warned of, and
// a failed one says how to finish it, as the new bundle is written by then.
func RenewClient(o RenewClientOptions) (*RenewedClient, error) {
	caDir, err := o.CA.Home()
	if err != nil {
		return nil, err
	}
	out := o.Dir
	if out == "" {
		out = filepath.Join(caDir, ca.ClientsDir, o.Role)
	}
	if out, err = filepath.Abs(out); err != nil {
		return nil, err
	}
	c, err := o.CA.Open()
	if err != nil {
		return nil, err
	}
	if err := ca.NeedRoot(c); err != nil {
		return nil, err
	}
	re, err := ReissueClient(c, ReissueOptions{Role: o.Role, Dir: out, Days: o.Days, Rekey: o.Rekey, Now: o.Now(), Rand: o.Rand, Generate: o.Generate})
	if err != nil {
		return nil, err
	}
	bo := o.Bundle
	bo.Role, bo.Dir, bo.Rand = o.Role, out, o.Rand
	w := o.Write
	if o.Owner != nil {
		w.Owner = o.Owner(out)
	}
	b, err := c.WriteClientBundle(re.Issued, re.Key, bo, w)
	if err != nil {
		return nil, err
	}
	old := re.Old
	r := &RenewedClient{BundleRenewal: &ca.BundleRenewal{BundleReport: *b, OldSerial: ca.SerialHex(old.SerialNumber.Bytes()),
		OldNotAfter: old.NotAfter.UTC().Format(time.RFC3339), Rekeyed: re.Rekeyed}}
	if !o.RevokeOld {
		return r, nil
	}
	_, err = c.Revoke(old.SerialNumber, ca.ReasonSuperseded, o.Now())
	var ar *ca.AlreadyRevokedError
	switch {
	case errors.As(err, &ar):
		w.Reporter.Warnf("the old certificate %s was revoked already", r.OldSerial)
	case err != nil:
		return nil, hint.With(fmt.Errorf("the new bundle is written, but revoking the old certificate %s failed: %w", r.OldSerial, err),
			fmt.Sprintf("revoke it with: pgcert ca revoke %s --ca-dir %s --reason superseded", r.OldSerial, words.ShellWord(c.Dir)))
	}
	r.OldRevoked = true
	r.Next = c.NextAfterRevoke()
	return r, nil
}
