package rotate

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// The names libpq looks for in a client bundle (~/.postgresql by default).
const (
	clientCertName = "postgresql.crt"
	clientKeyName  = "postgresql.key"
)

// CurrentClient finds the client certificate of role that a renewal replaces: the
// bundle directory's postgresql.crt when there is one (it must be role's, and
// issued by a CA of c's chain), else the newest certificate c's index lists for
// /CN=role that is valid at now. A certificate the bundle holds wins over the index
// because it is the one the client actually uses.
func CurrentClient(c *ca.CA, role, dir string, now time.Time) (*x509.Certificate, error) {
	path := filepath.Join(dir, clientCertName)
	if _, err := os.Lstat(path); err == nil {
		data, err := readFile(path)
		if err != nil {
			return nil, err
		}
		certs, err := chain.ParseCertificates(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		leaf := certs[0]
		if leaf.Subject.CommonName != role {
			return nil, failf([]string{"give the role it belongs to with --user, or another bundle directory with -o"},
				"%s is the certificate of %q, not of %q", path, leaf.Subject.CommonName, role)
		}
		if !issuedBy(leaf, c) {
			return nil, failf([]string{"renew it with the CA that issued it (--ca-dir)"}, "%s was not issued by the CA in %s", path, c.Dir)
		}
		return leaf, nil
	}
	raw, err := asn1.Marshal(pkix.Name{CommonName: role}.ToRDNSequence())
	if err != nil {
		return nil, err
	}
	cert, err := c.Latest(raw, now)
	if err != nil {
		return nil, err
	}
	if cert == nil {
		return nil, failf([]string{fmt.Sprintf("issue one with: pgcert ca issue client --user %s", shellWord(role))},
			"no certificate to renew for role %q: %s does not exist, and the CA's index lists no valid certificate for /CN=%s", role, path, role)
	}
	return cert, nil
}

// ClientKey returns the bundle directory's postgresql.key when a renewal of old
// keeps it, and nil when a new key is to be made: with rekey, or when the bundle
// has no key. A key that is encrypted, or that does not belong to old, is refused
// rather than replaced, since the client may use it elsewhere.
func ClientKey(dir string, old *x509.Certificate, rekey bool) (crypto.Signer, error) {
	path := filepath.Join(dir, clientKeyName)
	if _, err := os.Lstat(path); rekey || err != nil {
		return nil, nil
	}
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	k, err := keys.Parse(data, nil)
	if errors.Is(err, keys.ErrPassphraseRequired) {
		return nil, failf([]string{"add --rekey for a new key"}, "%s is encrypted: pgcert ca renew client keeps only a plain key", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !keys.PublicKeysEqual(k.Signer.Public(), old.PublicKey) {
		return nil, failf([]string{"add --rekey for a new key"}, "%s does not belong to the certificate being renewed", path)
	}
	return k.Signer, nil
}

// issuedBy reports whether cert was signed by a CA of c's chain.
func issuedBy(cert *x509.Certificate, c *ca.CA) bool {
	for _, x := range c.CAs() {
		if bytes.Equal(cert.RawIssuer, x.Cert.RawSubject) && cert.CheckSignatureFrom(x.Cert) == nil {
			return true
		}
	}
	return false
}
