package ca

import (
	"crypto"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// IssueServerOptions say what IssueServer makes and where. The funcs are the
// outside world's: each is called only when the steps before it passed, so that
// a refusal comes before a passphrase is asked for or a CA is reached.
type IssueServerOptions struct {
	// Hosts are the names and addresses clients connect to; the first is the
	// Common Name.
	Hosts []string
	// CertPath and KeyPath are the files written: the chain (server.crt) and
	// the key, which is not written when Existing returns one.
	CertPath, KeyPath string
	// Days is the validity, cut to the CA's; NoRoot leaves the root out of the
	// chain file.
	Days   int
	NoRoot bool

	// Existing returns the key to certify instead of a new one (--key), or nil.
	Existing func() (crypto.Signer, error)
	// Overwrite says whether existing outputs among paths may be replaced
	// (--force, or a person's answer); without it nothing is replaced.
	Overwrite func(paths []string) (bool, error)
	// Signer returns the CA that signs.
	Signer func() (Signer, error)
	// GenerateKey makes the new key; Reporter hears of a validity cut to the
	// CA's and of replaced links; Now is the clock, Rand the randomness.
	GenerateKey func() (crypto.Signer, error)
	Reporter    Reporter
	Now         func() time.Time
	Rand        io.Reader
}

// ServerIssue is what IssueServer made: the report of ca issue server (--json)
// and the root file its text names.
type ServerIssue struct {
	IssuedFiles
	// RootCert is the root certificate file clients verify with, "" for a root
	// pgcert has no file of (a step-ca's).
	RootCert string `json:"-"`
}

// WriteText writes what ca issue server prints.
func (s *ServerIssue) WriteText(w io.Writer) error {
	return s.WriteServerText(w, s.RootCert)
}

// IssueServer makes a server key (unless Existing gives one), has the signer
// certify it for the hosts, and writes the key and the chain in one
// transaction, with the owner of their directory. A host that cannot be a name
// in a certificate is a usage error; an existing output is refused
// (fsutil.ExistsError) unless Overwrite allows it.
func IssueServer(o IssueServerOptions) (*ServerIssue, error) {
	if _, err := selfsign.HostSANs(o.Hosts); err != nil {
		return nil, &hint.UsageError{Err: fmt.Errorf("--host: %w", err)}
	}
	existing, err := o.Existing()
	if err != nil {
		return nil, err
	}
	paths := []string{o.CertPath, o.KeyPath}
	if existing != nil {
		paths = paths[:1]
	}
	force, err := clearOutputs(o.Overwrite, paths)
	if err != nil {
		return nil, err
	}
	s, err := o.Signer()
	if err != nil {
		return nil, err
	}
	if _, err := s.Open(); err != nil {
		return nil, err
	}
	key := existing
	if key == nil {
		if key, err = o.GenerateKey(); err != nil {
			return nil, err
		}
	}
	c, is, err := s.Sign(Order{Profile: selfsign.ServerLeaf, Names: o.Hosts, Key: key, Days: o.Days, Now: o.Now(), Rand: o.Rand})
	if err != nil {
		return nil, err
	}
	noteClamp(o.Reporter, is)
	keyPEM, err := keys.MarshalPKCS8PEM(key)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(o.CertPath)
	var txn fsutil.Txn
	if existing == nil {
		txn.Add(o.KeyPath, keyPEM, fsutil.DirOwnerOptions(dir, fsutil.KeyMode, force))
	}
	txn.Add(o.CertPath, c.ServerChain(is.Cert, o.NoRoot), fsutil.DirOwnerOptions(dir, fsutil.PublicMode, force))
	written, err := txn.Commit()
	if err != nil {
		return nil, err
	}
	noteLinks(o.Reporter, written)
	return &ServerIssue{IssuedFiles: c.IssuedFiles(is, written), RootCert: s.RootCertFile()}, nil
}

// clearOutputs asks overwrite about paths and refuses the first that exists
// when the answer is no; it returns the answer, the Force of the writes.
func clearOutputs(overwrite func([]string) (bool, error), paths []string) (bool, error) {
	force, err := overwrite(paths)
	if err != nil {
		return false, err
	}
	if !force {
		for _, p := range paths {
			if _, err := os.Lstat(p); err == nil {
				return false, &fsutil.ExistsError{Path: p}
			}
		}
	}
	return force, nil
}

// noteLinks warns of each output that was a symbolic link, replaced by a new
// file with its target left alone.
func noteLinks(rep Reporter, written []*fsutil.Written) {
	for _, w := range written {
		if w.ReplacedLink != "" {
			rep.Warnf("%s was a symbolic link to %s; replaced the link with a new file, the target is unchanged", w.Path, w.ReplacedLink)
		}
	}
}
