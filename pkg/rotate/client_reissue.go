package rotate

import (
	"crypto"
	"crypto/x509"
	"io"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
)

// ReissueOptions say how ReissueClient renews a role's client certificate.
type ReissueOptions struct {
	// Role is the role; Dir its bundle directory (CurrentClient, ClientKey).
	Role, Dir string
	// Days is the new validity; 0 keeps the current certificate's (at least a
	// day), as a renewal should not change what the client was given.
	Days int
	// Rekey makes a new key of the current key's kind even when the bundle's
	// key could be kept.
	Rekey bool
	Now   time.Time
	Rand  io.Reader
	// Generate makes a new key; the caller's, so that it can show progress for
	// slow RSA keys.
	Generate func(keys.GenerateOptions) (crypto.Signer, error)
}

// Reissued is a client certificate ReissueClient issued, and what it replaces.
type Reissued struct {
	Old    *x509.Certificate
	Key    crypto.Signer
	Issued *ca.Issued
	// Rekeyed says that Key is new.
	Rekeyed bool
}

// ReissueClient issues a new client certificate for o.Role from c, for the same
// name as the current one (CurrentClient), with the bundle's key unless o.Rekey
// or the bundle has none (ClientKey). Nothing is written: the caller writes the
// bundle. Errors of c.Issue come with hints (ca.IssueHint).
func ReissueClient(c *ca.CA, o ReissueOptions) (*Reissued, error) {
	old, err := CurrentClient(c, o.Role, o.Dir, o.Now)
	if err != nil {
		return nil, err
	}
	key, err := ClientKey(o.Dir, old, o.Rekey)
	if err != nil {
		return nil, err
	}
	r := &Reissued{Old: old, Key: key, Rekeyed: key == nil}
	if r.Rekeyed {
		if r.Key, err = o.Generate(LikeKey(old.PublicKey)); err != nil {
			return nil, err
		}
	}
	req, err := ca.Renewal(old, r.Key.Public())
	if err != nil {
		return nil, err
	}
	req.Days = o.Days
	if req.Days == 0 {
		req.Days = max(int((old.NotAfter.Sub(old.NotBefore)+12*time.Hour)/(24*time.Hour)), 1)
	}
	req.Now, req.Rand = o.Now, o.Rand
	if r.Issued, err = c.Issue(req); err != nil {
		return nil, ca.IssueHint(c, err)
	}
	return r, nil
}
