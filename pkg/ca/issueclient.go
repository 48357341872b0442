package ca

import (
	"crypto"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// CheckRole refuses, as a usage error, a role name that the server could never
// match to a certificate's Common Name.
func CheckRole(role string) error {
	switch {
	case strings.TrimSpace(role) == "":
		return hint.Usagef("give the role the certificate logs in as, e.g. --user alice")
	case len(role) > 64:
		return hint.Usagef("role %q: a Common Name holds at most 64 characters", role)
	case strings.ContainsAny(role, "\x00\n\r\t"):
		return hint.Usagef("role %q holds control characters", role)
	}
	return nil
}

// CheckRoleDir refuses, as a usage error, a role that cannot name its bundle
// directory (CLIENTS_DIR/ROLE): a slash or a dot name would put the bundle
// somewhere else; flag is how to give the directory instead.
func CheckRoleDir(role, flag string) error {
	if strings.Contains(role, "/") || role == "." || role == ".." {
		return hint.Usagef("role %q cannot name a bundle directory; give the directory with %s", role, flag)
	}
	return nil
}

// IssueClientOptions say what IssueClient makes and where. The funcs are the
// outside world's: each is called only when the steps before it passed, so that
// a refusal comes before a passphrase is asked for or a CA is reached.
type IssueClientOptions struct {
	// Role is the database role the certificate logs in as (CheckRole).
	Role string
	// Dir is the bundle's directory; "" means the signer's HOME/clients/ROLE.
	Dir string
	// Bundle holds the choices of the bundle's layout (Host, DBName, PK8, P12,
	// P12Legacy); its Role, Dir, Passphrase, KeyFormat and Rand are filled in.
	Bundle ClientBundleOptions
	// Encrypt encrypts the keys; P12 implies it.
	Encrypt bool
	// Days is the validity, cut to the CA's.
	Days int

	// Existing returns the key to certify instead of a new one (--key), or
	// nil; Signer the CA that signs; KeyFormat the form of postgresql.key,
	// refusing one that cannot be written (encrypted tells whether the keys
	// are).
	Existing  func() (crypto.Signer, error)
	Signer    func() (Signer, error)
	KeyFormat func(encrypted bool) (keys.Format, error)
	// Owner returns the owner of the files written into dir.
	Owner     func(dir string) (FileOwner, error)
	Overwrite func(paths []string) (bool, error)
	// Passphrase returns the new passphrase of the keys, keyPath naming them.
	Passphrase func(keyPath string) ([]byte, error)
	// GenerateKey makes the new key; Mkdir, Reporter are BundleWrite's; Now
	// is the clock, Rand the randomness of serials, signatures and salts.
	GenerateKey func() (crypto.Signer, error)
	Mkdir       func(dir string, owner FileOwner) error
	Reporter    Reporter
	Now         func() time.Time
	Rand        io.Reader
}

// IssueClient makes a client key (unless Existing gives one), has the signer
// certify it for the role, and writes the client bundle (WriteClientBundle). A
// bundle directory inside a data directory is refused: client keys belong to
// the clients, and pg_basebackup would copy them to every replica.
func IssueClient(o IssueClientOptions) (*BundleReport, error) {
	existing, err := o.Existing()
	if err != nil {
		return nil, err
	}
	s, err := o.Signer()
	if err != nil {
		return nil, err
	}
	home, err := s.Home()
	if err != nil {
		return nil, err
	}
	out := o.Dir
	if out == "" {
		if err := CheckRoleDir(o.Role, "-o DIR"); err != nil {
			return nil, err
		}
		out = filepath.Join(home, ClientsDir, o.Role)
	}
	if out, err = filepath.Abs(out); err != nil {
		return nil, err
	}
	var cde *ClientDirError
	if err := CheckClientDir(out, ""); errors.As(err, &cde) {
		return nil, hint.Errorf([]string{"client keys belong to the clients: choose a directory outside the data directory with -o"},
			"the client bundle directory %s is inside the data directory %s", out, cde.DataDir)
	}
	bo := o.Bundle
	bo.Role, bo.Dir, bo.Rand = o.Role, out, o.Rand
	encrypt := o.Encrypt || bo.P12
	if bo.KeyFormat, err = o.KeyFormat(encrypt); err != nil {
		return nil, err
	}
	owner, err := o.Owner(out)
	if err != nil {
		return nil, err
	}
	force, err := clearOutputs(o.Overwrite, bo.Paths())
	if err != nil {
		return nil, err
	}
	c, err := s.Open()
	if err != nil {
		return nil, err
	}
	if err := NeedRoot(c); err != nil {
		return nil, err
	}
	if encrypt {
		if bo.Passphrase, err = o.Passphrase(filepath.Join(out, ClientKeyFile)); err != nil {
			return nil, err
		}
	}
	key := existing
	if key == nil {
		if key, err = o.GenerateKey(); err != nil {
			return nil, err
		}
	}
	c, is, err := s.Sign(Order{Profile: selfsign.ClientLeaf, Names: []string{o.Role}, Key: key, Days: o.Days, Now: o.Now(), Rand: o.Rand})
	if err != nil {
		return nil, err
	}
	return c.WriteClientBundle(is, key, bo, BundleWrite{Owner: owner, Force: force, Mkdir: o.Mkdir, Reporter: o.Reporter})
}
