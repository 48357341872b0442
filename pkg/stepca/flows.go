package stepca

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
	"math/big"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// IssuedOf returns certs, a certificate file's certificates (the leaf, then
// perhaps its chain), as an Issued of c: the leaf and the intermediates, without
// c's root, which step-ca never sends as an intermediate.
func (c *Client) IssuedOf(certs []*x509.Certificate) *Issued {
	is := &Issued{Cert: certs[0]}
	for _, x := range certs[1:] {
		if !x.Equal(c.Root) {
			is.Intermediates = append(is.Intermediates, x)
		}
	}
	return is
}

// Chain returns is's chain as a pkg/ca CA, leaf-side first: its intermediates,
// then c's root; client bundles and server chains are made from it.
func (c *Client) Chain(is *Issued) *ca.CA {
	return ca.ChainOf(append(is.Intermediates, c.Root)...)
}

// Revocation is a revocation the step-ca took: the --json document of ca revoke
// with a step-ca.
type Revocation struct {
	Serial  string `json:"serial"`
	Subject string `json:"subject,omitempty"`
	Reason  string `json:"reason"`
	CAURL   string `json:"ca_url"`
}

// WriteText writes the revocation in one line.
func (r Revocation) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "revoked %s, reason %s, at the step-ca %s\n", r.Serial, r.Reason, r.CAURL)
	return err
}

// RevokeOptions say what RevokeWith revokes: the first certificate of Certs
// (read from CertFile, which errors name), else Serial.
type RevokeOptions struct {
	Certs    []*x509.Certificate
	CertFile string
	Serial   *big.Int
	Reason   ca.Reason
	// Provisioner returns the provisioner that revokes; it is called only once
	// the certificate is known to be the CA's, so that a refusal comes before a
	// password is asked for.
	Provisioner func() (*Provisioner, error)
}

// RevokeWith revokes a certificate at the step-ca, which revokes passively: the
// certificate is listed in its next CRL. A certificate that does not chain to
// c's root is refused (a hint.Error) before anything is asked of the CA;
// ca.ReasonNone is sent as unspecified, as step-ca takes no CRL entry without
// a reason code. Errors of the CA come with hints (Hinted).
func (c *Client) RevokeWith(ctx context.Context, o RevokeOptions) (*Revocation, error) {
	r := &Revocation{Reason: o.Reason.String(), CAURL: c.URL}
	serial := o.Serial
	if len(o.Certs) > 0 {
		if err := c.Verify(c.IssuedOf(o.Certs)); err != nil {
			return nil, hint.Errorf([]string{"revoke it with the CA that issued it"}, "%s was not issued by the step-ca at %s (it does not chain to its root)", o.CertFile, c.URL)
		}
		serial = o.Certs[0].SerialNumber
		r.Subject = o.Certs[0].Subject.String()
	}
	r.Serial = ca.SerialHex(serial.Bytes())
	p, err := o.Provisioner()
	if err != nil {
		return nil, err
	}
	code := int(o.Reason)
	if o.Reason == ca.ReasonNone {
		code = ReasonUnspecified
	}
	if err := c.Revoke(ctx, p, serial, code, ""); err != nil {
		return nil, Hinted(err)
	}
	return r, nil
}

// RenewBundleOptions say which client bundle RenewBundle renews.
type RenewBundleOptions struct {
	// Certs are the bundle's certificates, read from CertFile (which errors
	// name); Role is the role it logs in as.
	Certs    []*x509.Certificate
	CertFile string
	Role     string
	// Key returns the bundle's key and Connect the step-ca; each is called once
	// the bundle is known to be Role's, so that a refusal comes before a
	// passphrase is asked for or the CA is reached.
	Key     func() (crypto.Signer, error)
	Connect func() (*Client, error)
}

// RenewedBundle is what RenewBundle made.
type RenewedBundle struct {
	// Chain is the new certificate's chain, Issued the certificate, Old the one it
	// replaces, Client the step-ca that renewed it.
	Chain  *ca.CA
	Issued *ca.Issued
	Old    *x509.Certificate
	Key    crypto.Signer
	Client *Client
}

// RenewBundle renews a client bundle's certificate with step-ca's /1.0/renew:
// mutual TLS with the bundle's certificate and key, which step-ca takes as the
// authorisation, so no password is needed; the key is kept, as step-ca renews
// the certificate of the key it has. A bundle of another role is refused (a
// hint.Error); errors of the CA come with hints (Hinted).
func RenewBundle(ctx context.Context, o RenewBundleOptions) (*RenewedBundle, error) {
	old := o.Certs[0]
	if old.Subject.CommonName != o.Role {
		return nil, hint.Errorf([]string{"give the bundle of " + o.Role + " with -o DIR"}, "%s is the certificate of %q, not of %q", o.CertFile, old.Subject.CommonName, o.Role)
	}
	key, err := o.Key()
	if err != nil {
		return nil, err
	}
	c, err := o.Connect()
	if err != nil {
		return nil, err
	}
	is, err := c.Renew(ctx, c.IssuedOf(o.Certs), key)
	if err != nil {
		return nil, Hinted(err)
	}
	return &RenewedBundle{Chain: c.Chain(is), Issued: &ca.Issued{Cert: is.Cert}, Old: old, Key: key, Client: c}, nil
}

// CheckRootKey refuses key, read from file (the --root-key of init and renew),
// when it is not the key of c's root: the root's CRL it would sign would not
// verify, and the server would refuse every connection.
func (c *Client) CheckRootKey(key crypto.Signer, file string) error {
	if !keys.PublicKeysEqual(key.Public(), c.Root.PublicKey) {
		return hint.Errorf([]string{"give the key of the step-ca's root (secrets/root_ca_key)"}, "--root-key %s is not the key of the step-ca's root %s", file, c.Root.Subject)
	}
	return nil
}
