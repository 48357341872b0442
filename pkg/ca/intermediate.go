package ca

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// IntermediateOptions says what intermediate CA CreateIntermediate makes.
type IntermediateOptions struct {
	// CommonName is the intermediate's Common Name; required, and other than the
	// root's, so that verifiers and the admin can tell the CAs apart.
	CommonName string
	// Days is the validity; 0 means selfsign.DefaultIntermediateCADays. It is
	// cut to the root's.
	Days int
	// Key is the kind of key made for the intermediate.
	Key keys.GenerateOptions
	// Passphrase, when set, encrypts the new key as Create does; Encrypt tunes it.
	Passphrase []byte
	Encrypt    keys.EncryptOptions
	// AllowEdDSA and AllowDataDir lift the refusals Create makes.
	AllowEdDSA   bool
	AllowDataDir bool
	// Now is the time of creation; Rand the randomness (nil: crypto/rand).
	Now  time.Time
	Rand io.Reader
}

// ErrRootPathLen refuses an intermediate under a root whose pathLenConstraint
// is 0 (a pgcert root made without an intermediate): OpenSSL and the server
// would reject every certificate below the new CA.
var ErrRootPathLen = errors.New("ca: the root CA has pathlen 0: it may sign leaves only, not another CA")

// IntermediateRoot returns the root CA of c, which CreateIntermediate signs
// with: c itself when it is a root, else its parent.
func IntermediateRoot(c *CA) *CA {
	for c.Parent != nil {
		c = c.Parent
	}
	return c
}

// CreateIntermediate makes a new intermediate CA, signed by root (unlocked), in
// dir (new or empty, created 0700), as a CA directory of its own: dir/ca.crt,
// dir/private/ca.key and its own database, with dir/root a symbolic link to
// root's directory. Every intermediate under a root then shares the root's one
// database and lock, so the root's CRL lists every intermediate it revoked, and
// Open on dir finds the chain as it does for Create's intermediate. This is
// how one root gets one CA for server certificates and another for client
// certificates, as PostgreSQL's own test set has.
func CreateIntermediate(root *CA, dir string, o IntermediateOptions) (_ *CA, err error) {
	if root.Parent != nil || !selfSigned(root.Cert) {
		return nil, fmt.Errorf("ca: %s is not a root CA", root.Dir)
	}
	if root.Cert.MaxPathLen == 0 && root.Cert.MaxPathLenZero {
		return nil, ErrRootPathLen
	}
	if o.CommonName == "" || o.CommonName == root.Cert.Subject.CommonName {
		return nil, errors.New("ca: the intermediate CA needs a Common Name of its own, other than the root's")
	}
	if o.Now.IsZero() {
		return nil, errors.New("ca: no creation time")
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	if Within(abs, root.Dir) || Within(root.Dir, abs) {
		return nil, fmt.Errorf("ca: %s and the root's directory %s must not hold one another", abs, root.Dir)
	}
	if !o.AllowDataDir {
		if dd, err := EnclosingDataDir(abs); err == nil && dd != "" {
			return nil, &DataDirError{Dir: abs, DataDir: dd}
		}
	}
	if o.Key.Type == keys.TypeEd25519 && !o.AllowEdDSA {
		return nil, ErrEdDSACA
	}
	if o.Key.Type == keys.TypeRSAPSS {
		return nil, ErrRSAPSSCA
	}
	co := CreateOptions{Key: o.Key, Passphrase: o.Passphrase, Encrypt: o.Encrypt, AllowEdDSA: o.AllowEdDSA, Now: o.Now, Rand: o.Rand}
	_, statErr := os.Stat(abs)
	if err := os.MkdirAll(abs, dirMode); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	if statErr != nil {
		if err := fsutil.Sync(abs); err != nil {
			return nil, fmt.Errorf("ca: %w", err)
		}
	}
	unlock, err := lockDir(abs, nil)
	if err != nil {
		return nil, err
	}
	defer unlock()
	fsutil.RemoveStale(abs)
	marker := filepath.Join(abs, creatingFile)
	link := filepath.Join(abs, RootDir)
	if _, merr := os.Lstat(marker); merr == nil {
		// An interrupted CreateIntermediate's link, never followed: Remove
		// takes the link, not the root it points at.
		if fi, lerr := os.Lstat(link); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			if err := os.Remove(link); err != nil {
				return nil, fmt.Errorf("ca: %w", err)
			}
		}
	}
	if err := checkFresh(abs); err != nil {
		return nil, err
	}
	if _, err := fsutil.WriteFile(marker, nil, fsutil.Options{Mode: 0o600, Force: true}); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	defer func() {
		if err == nil {
			err = fsutil.RemoveFile(marker)
			return
		}
		// The link goes first, so that removeLayout never reaches the root.
		os.Remove(link)
		removeLayout(abs)
	}()
	key, err := newCAKey(co)
	if err != nil {
		return nil, err
	}
	issued, err := root.Issue(Request{
		Profile:   selfsign.IntermediateCA,
		Subject:   commonNameRDN(o.CommonName),
		PublicKey: key.Public(),
		Days:      intermediateDays(o.Days),
		PathLen:   0,
		Now:       o.Now,
		Rand:      o.Rand,
	})
	if err != nil {
		return nil, err
	}
	d, err := fsutil.OpenDir(abs)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	err = d.Symlink(root.Dir, filepath.Base(link))
	d.Close()
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	if err := writeLayout(abs, issued.Cert, key, co); err != nil {
		return nil, err
	}
	return &CA{Dir: abs, Cert: issued.Cert, Parent: root, key: key}, nil
}

// intermediateDays is days, or the default validity of an intermediate CA.
func intermediateDays(days int) int {
	if days <= 0 {
		return selfsign.DefaultIntermediateCADays
	}
	return days
}
