package ca

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// CA is a CA directory opened by Open or Create.
type CA struct {
	// Dir is the directory, absolute.
	Dir string
	// Cert is the issuing CA's certificate (ca.crt): the one Issue signs with.
	Cert *x509.Certificate
	// Parent is the CA that issued Cert, kept in Dir/root, when Cert is an
	// intermediate; nil for a root CA.
	Parent *CA

	// Notify, when set, receives what a run repaired in the directory (see Repair)
	// and other things worth a warning. Open copies it to Parent when set before.
	Notify func(msg string)
	// Waiting, when set, is called when another run holds the directory's lock,
	// before waiting for it.
	Waiting func(dir string)

	key crypto.Signer
}

var (
	// ErrNotCA is returned by Open for a directory without ca.crt.
	ErrNotCA = errors.New("ca: not a CA directory (no ca.crt)")
	// ErrExists is returned by Create for a directory that already holds a CA.
	ErrExists = errors.New("ca: a CA already exists in this directory")
	// ErrKeyLocked is returned when an operation needs the CA key before Unlock.
	ErrKeyLocked = errors.New("ca: the CA key is not loaded (call Unlock)")
	// ErrNoRoot is returned when the chain to a self-signed root is not in the
	// directory: ca.crt is an intermediate and root/ca.crt is missing.
	ErrNoRoot = errors.New("ca: the root CA certificate is not in the CA directory (root/ca.crt)")
)

// Open reads the CA in dir: ca.crt and, when it is an intermediate, the root CA in
// dir/root. The private keys are read later, by Unlock, so that listing or revoking
// never asks for a passphrase.
func Open(dir string) (*CA, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	data, err := readBounded(filepath.Join(abs, CertFile), certFileLimit)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(abs); serr != nil {
			return nil, fmt.Errorf("%w: %s does not exist", ErrNotCA, abs)
		}
		return nil, fmt.Errorf("%w: %s", ErrNotCA, abs)
	}
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		return nil, fmt.Errorf("ca: %s: %w", filepath.Join(abs, CertFile), err)
	}
	c := &CA{Dir: abs, Cert: certs[0]}
	if !c.Cert.BasicConstraintsValid || !c.Cert.IsCA {
		return nil, fmt.Errorf("ca: %s is not a CA certificate (basicConstraints CA:TRUE is missing)", filepath.Join(abs, CertFile))
	}
	if !selfSigned(c.Cert) {
		rootDir := filepath.Join(abs, RootDir)
		if fi, err := os.Lstat(rootDir); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			// A root shared by several intermediates (CreateIntermediate): the
			// root is worked on where it lives, so its lock and database are
			// the ones every intermediate's CA directory shares.
			if real, err := filepath.EvalSymlinks(rootDir); err == nil {
				rootDir = real
			}
		}
		if _, err := os.Stat(filepath.Join(rootDir, CertFile)); err == nil {
			p, err := Open(rootDir)
			if err != nil {
				return nil, err
			}
			if err := c.Cert.CheckSignatureFrom(p.Cert); err != nil {
				return nil, fmt.Errorf("ca: %s was not issued by %s: %w", filepath.Join(abs, CertFile), filepath.Join(rootDir, CertFile), err)
			}
			c.Parent = p
		}
	}
	return c, nil
}

// selfSigned reports whether c is its own issuer.
func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil
}

// KeyPath is the issuing CA's key file.
func (c *CA) KeyPath() string { return filepath.Join(c.Dir, KeyFile) }

// CertPath is the issuing CA's certificate file.
func (c *CA) CertPath() string { return filepath.Join(c.Dir, CertFile) }

// Chain returns the issuing CA's certificate followed by its issuers up to the root.
func (c *CA) Chain() []*x509.Certificate {
	var out []*x509.Certificate
	for x := c; x != nil; x = x.Parent {
		out = append(out, x.Cert)
	}
	return out
}

// Intermediates returns the CA certificates that follow a leaf in server.crt or
// postgresql.crt: the chain without its self-signed root.
func (c *CA) Intermediates() []*x509.Certificate {
	ch := c.Chain()
	if r := c.Root(); r != nil {
		return ch[:len(ch)-1]
	}
	return ch
}

// Root returns the self-signed root at the top of the chain, the certificate clients
// put in root.crt, or nil when the directory does not hold it (ErrNoRoot).
func (c *CA) Root() *x509.Certificate {
	ch := c.Chain()
	if top := ch[len(ch)-1]; selfSigned(top) {
		return top
	}
	return nil
}

// CAs returns every CA of the chain, the issuing CA first, each with its directory:
// the CAs a server's root.crl needs a CRL for.
func (c *CA) CAs() []*CA {
	var out []*CA
	for x := c; x != nil; x = x.Parent {
		out = append(out, x)
	}
	return out
}

// Unlocked reports whether the CA key is loaded.
func (c *CA) Unlocked() bool { return c.key != nil }

// Unlock reads the issuing CA's private key, calling pass for its passphrase when it
// is encrypted, and checks that it belongs to ca.crt. Errors are those of keys.Parse
// (keys.ErrIncorrectPassphrase for a wrong passphrase), or a mismatch.
func (c *CA) Unlock(pass keys.PassphraseFunc) error {
	if c.key != nil {
		return nil
	}
	data, err := readBounded(c.KeyPath(), keyFileLimit)
	if err != nil {
		return fmt.Errorf("ca: reading the CA key: %w", err)
	}
	k, err := keys.Parse(data, pass)
	if err != nil {
		return fmt.Errorf("ca: %s: %w", c.KeyPath(), err)
	}
	if !keys.PublicKeysEqual(k.Signer.Public(), c.Cert.PublicKey) {
		return fmt.Errorf("ca: %s does not belong to %s", c.KeyPath(), c.CertPath())
	}
	c.key = k.Signer
	return nil
}

// KeyEncrypted reports whether the CA key file is encrypted, so that a caller knows
// whether Unlock will want a passphrase.
func (c *CA) KeyEncrypted() (bool, error) {
	data, err := readBounded(c.KeyPath(), keyFileLimit)
	if err != nil {
		return false, fmt.Errorf("ca: reading the CA key: %w", err)
	}
	info, err := keys.Inspect(data)
	if err != nil {
		return false, fmt.Errorf("ca: %s: %w", c.KeyPath(), err)
	}
	return info.Encrypted, nil
}

// notify passes msg to Notify, if set.
func (c *CA) notify(format string, args ...any) {
	if c.Notify != nil {
		c.Notify(fmt.Sprintf(format, args...))
	}
}

// lock takes the directory's lock (see lockDir) and loads the index, which repairs
// what an interrupted run left (see load): whatever runs under the lock starts from a
// consistent directory.
func (c *CA) lock() (*state, func(), error) {
	var waiting func()
	if c.Waiting != nil {
		waiting = func() { c.Waiting(c.Dir) }
	}
	unlock, err := lockDir(c.Dir, waiting)
	if err != nil {
		return nil, nil, err
	}
	st, err := c.load()
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return st, unlock, nil
}

// PEM encodes certificates as consecutive CERTIFICATE blocks.
func PEM(certs ...*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// Files returns the files a CA directory is made of, for each CA of the chain (the
// issuing CA first): ca.crt, the key, index.txt and its .attr, serial, crlnumber and
// openssl.cnf, as Create writes them. Reports list them after a Create.
func (c *CA) Files() []string {
	var out []string
	for _, x := range c.CAs() {
		for _, name := range []string{CertFile, KeyFile, IndexFile, AttrFile, SerialFile, CRLNumberFile, ConfigFile} {
			out = append(out, filepath.Join(x.Dir, name))
		}
	}
	return out
}
