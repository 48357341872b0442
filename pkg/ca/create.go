package ca

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// DefaultCommonName is the root CA's Common Name when CreateOptions gives none.
const DefaultCommonName = "pgcert CA"

// CreateOptions says what CA Create makes.
type CreateOptions struct {
	// CommonName is the root CA's Common Name; empty means DefaultCommonName.
	CommonName string
	// Intermediate adds an intermediate CA, signed by the root with pathlen 0, that
	// does the everyday signing; the root goes to the root/ subdirectory.
	Intermediate bool
	// IntermediateCommonName is the intermediate's Common Name; empty means
	// CommonName followed by " Intermediate". It must differ from the root's, or
	// verifiers could not tell the two apart.
	IntermediateCommonName string
	// IntermediateDays is the intermediate's validity; 0 means
	// selfsign.DefaultIntermediateCADays. It is cut to the root's.
	IntermediateDays int
	// Key is the kind of key made for each CA (ECDSA P-256 by default).
	Key keys.GenerateOptions
	// Days is the root's validity; 0 means selfsign.DefaultRootCADays. The
	// intermediate gets selfsign.DefaultIntermediateCADays, cut to the root's.
	Days int
	// Passphrase, when set, encrypts the CA keys (PKCS#8, PBES2 with
	// PBKDF2-HMAC-SHA256 and AES-256-CBC); Encrypt tunes it.
	Passphrase []byte
	Encrypt    keys.EncryptOptions
	// AllowEdDSA allows an Ed25519 CA key, which ErrEdDSACA otherwise refuses.
	AllowEdDSA bool
	// AllowDataDir allows a CA inside a PostgreSQL data directory, which
	// *DataDirError otherwise refuses.
	AllowDataDir bool
	// Now is the time of creation.
	Now time.Time
	// Rand is the source of serials and signature randomness; nil means
	// crypto/rand. Key generation uses Key.Rand.
	Rand io.Reader
}

// ErrEdDSACA refuses an Ed25519 CA key: every certificate it signs carries an EdDSA
// signature, and libpq takes the hash for SCRAM channel binding from the server
// certificate's signature algorithm. EdDSA has none, so SCRAM password logins over
// SSL fail ("could not find digest for NID UNDEF"), even with the default
// channel_binding=prefer. Ed25519 leaves signed by an ECDSA or RSA CA are fine.
var ErrEdDSACA = errors.New("ca: an Ed25519 CA breaks SCRAM channel binding: libpq derives its hash from the server certificate's signature, and EdDSA has none")

// ErrRSAPSSCA refuses an RSA-PSS CA key, before any key is made: such a CA signs
// every certificate and CRL with RSASSA-PSS, which pgcert's CRL writer does not
// make. An ECDSA or RSA CA certifies RSA-PSS server and client keys, and the
// server and libpq need nothing more.
var ErrRSAPSSCA = errors.New("ca: a CA key cannot be RSA-PSS: pgcert signs CRLs with ECDSA or RSA keys only; make the CA with --type ec or rsa, it certifies RSA-PSS keys")

// NotEmptyError is returned by Create for a directory that holds files of its own:
// a CA is made in a new or empty directory only.
type NotEmptyError struct {
	Dir  string
	Name string // one entry that is not part of a CA directory
}

func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("ca: %s is not empty (it holds %s) and is not a CA directory", e.Dir, e.Name)
}

// Create makes a new CA in dir (created with mode 0700 when missing; an existing one
// must be empty): a self-signed root, and with Intermediate an intermediate below it,
// in the layout of layout.go. The result is unlocked. ErrExists when dir already holds
// a CA.
//
// The root has pathlen 0 when it signs leaves itself, pathlen 1 above an intermediate,
// which gets pathlen 0: no CA can be slipped in below the one that signs.
func Create(dir string, o CreateOptions) (_ *CA, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
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
	if o.Now.IsZero() {
		return nil, errors.New("ca: no creation time")
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	rootCN := o.CommonName
	if rootCN == "" {
		rootCN = DefaultCommonName
	}
	interCN := o.IntermediateCommonName
	if interCN == "" {
		interCN = rootCN + " Intermediate"
	}
	if o.Intermediate && interCN == rootCN {
		return nil, errors.New("ca: the intermediate CA needs a Common Name other than the root's")
	}
	_, statErr := os.Stat(abs)
	if err := os.MkdirAll(abs, dirMode); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	if statErr != nil {
		// A new directory's own name must last as long as what goes into it.
		if err := fsutil.Sync(abs); err != nil {
			return nil, fmt.Errorf("ca: %w", err)
		}
	}
	unlock, err := lockDir(abs, nil)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// The temporary files of a killed Create are no reason to call the directory
	// foreign.
	fsutil.RemoveStale(abs)
	if err := checkFresh(abs); err != nil {
		return nil, err
	}
	marker := filepath.Join(abs, creatingFile)
	if _, err := fsutil.WriteFile(marker, nil, fsutil.Options{Mode: 0o600, Force: true}); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	defer func() {
		if err == nil {
			err = fsutil.RemoveFile(marker)
		}
	}()
	// A Create that fails (a full disk, a directory it may not write) removes what
	// it wrote, so that no half-made CA is left; after a crash, the next Create
	// writes it all again.
	defer func() {
		if err != nil {
			removeLayout(abs)
		}
	}()

	if !o.Intermediate {
		root, err := makeRoot(abs, rootCN, 0, o)
		if err != nil {
			return nil, err
		}
		return root, nil
	}

	rootDir := filepath.Join(abs, RootDir)
	if err := os.MkdirAll(rootDir, dirMode); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	unlockRoot, err := lockDir(rootDir, nil)
	if err != nil {
		return nil, err
	}
	defer unlockRoot()
	root, err := makeRoot(rootDir, rootCN, 1, o)
	if err != nil {
		return nil, err
	}
	key, err := newCAKey(o)
	if err != nil {
		return nil, err
	}
	st, err := root.load()
	if err != nil {
		return nil, err
	}
	issuedAll, err := root.issueLocked(st, []Request{{
		Profile:   selfsign.IntermediateCA,
		Subject:   commonNameRDN(interCN),
		PublicKey: key.Public(),
		Days:      intermediateDays(o.IntermediateDays),
		PathLen:   0,
		Now:       o.Now,
		Rand:      o.Rand,
	}})
	if err != nil {
		return nil, err
	}
	issued := issuedAll[0]
	if err := writeLayout(abs, issued.Cert, key, o); err != nil {
		return nil, err
	}
	return &CA{Dir: abs, Cert: issued.Cert, Parent: root, key: key}, nil
}

// removeLayout removes the files Create writes, in dir and in dir/root, and the
// directories it makes once they are empty. Only the lock file stays: a run waiting
// for it would otherwise go on holding a lock that the next run does not see.
// checkFresh made sure that dir holds nothing else of value: no ca.crt, and no name
// a CA directory does not have. The marker of an unfinished Create goes last, and
// only when nothing Create writes is left, so that what remains is never taken for a
// lost CA by the next Create, nor a lost CA for leftovers.
func removeLayout(dir string) {
	left := false
	for _, d := range []string{filepath.Join(dir, RootDir), dir} {
		for _, name := range []string{CertFile, KeyFile, IndexFile, AttrFile, SerialFile, CRLNumberFile, ConfigFile, PendingFile} {
			if err := os.Remove(filepath.Join(d, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				left = true
			}
		}
		removeCopies(filepath.Join(d, NewCertsDir))
		for _, sub := range []string{NewCertsDir, "private"} {
			syscall.Rmdir(filepath.Join(d, sub))
		}
	}
	if !left {
		os.Remove(filepath.Join(dir, creatingFile))
	}
}

// removeCopies removes the regular files of a new CA's newcerts/ directory.
func removeCopies(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// checkFresh refuses a directory that holds a CA, anything a CA directory does not
// hold, or parts of a CA that an interrupted Create did not leave (see creatingFile).
func checkFresh(dir string) error {
	if _, err := os.Lstat(filepath.Join(dir, CertFile)); err == nil {
		return fmt.Errorf("%w: %s", ErrExists, dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	_, markErr := os.Lstat(filepath.Join(dir, creatingFile))
	interrupted := markErr == nil
	for _, e := range entries {
		switch {
		case e.Name() == RootDir && e.Type()&fs.ModeSymlink != 0:
			// The link CreateIntermediate makes to a shared root: writing a new
			// root through it would overwrite that root's key.
			return &IncompleteError{Dir: dir, Name: e.Name()}
		case !layoutNames[e.Name()]:
			return &NotEmptyError{Dir: dir, Name: e.Name()}
		case e.Name() != LockFile && !interrupted && !onlyLock(dir, e):
			return &IncompleteError{Dir: dir, Name: e.Name()}
		}
	}
	return nil
}

// onlyLock reports whether e is a root/ directory holding nothing but its lock file:
// what a failed Create leaves of the root (removeLayout keeps lock files), which
// holds no key to protect. Without it every retry would be refused.
func onlyLock(dir string, e fs.DirEntry) bool {
	if e.Name() != RootDir || !e.IsDir() {
		return false
	}
	entries, err := os.ReadDir(filepath.Join(dir, RootDir))
	if err != nil {
		return false
	}
	for _, x := range entries {
		if x.Name() != LockFile {
			return false
		}
	}
	return true
}

// IncompleteError is returned by Create for a directory that holds parts of a CA
// (Name, e.g. private/ or root/) but no ca.crt, and was not left by an interrupted
// Create: it may hold a CA key whose certificate was lost, which a new CA would
// overwrite.
type IncompleteError struct {
	Dir  string
	Name string
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("ca: %s holds %s of a CA but no %s: it may hold a CA key, which a new CA would overwrite", e.Dir, e.Name, CertFile)
}

// makeRoot makes a self-signed root CA in dir.
func makeRoot(dir, cn string, pathLen int, o CreateOptions) (*CA, error) {
	key, err := newCAKey(o)
	if err != nil {
		return nil, err
	}
	der, err := selfsign.Build(selfsign.Spec{
		Profile: selfsign.RootCA,
		Subject: commonNameRDN(cn),
		Now:     o.Now,
		Days:    o.Days,
		PathLen: pathLen,
		Rand:    o.Rand,
	}, nil, key, key.Public())
	if err != nil {
		return nil, err
	}
	cert, err := keys.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	if err := writeLayout(dir, cert, key, o); err != nil {
		return nil, err
	}
	return &CA{Dir: dir, Cert: cert, key: key}, nil
}

// KeyFor returns the kind of CA key to make for a CA whose leaves get keys of
// kind leaf, as `init --type` asks for both: the same kind, except an RSA key of
// the same size for RSA-PSS leaves (ErrRSAPSSCA says why a CA key is not RSA-PSS).
func KeyFor(leaf keys.GenerateOptions) keys.GenerateOptions {
	if leaf.Type == keys.TypeRSAPSS {
		leaf.Type = keys.TypeRSA
	}
	return leaf
}

func newCAKey(o CreateOptions) (crypto.Signer, error) {
	key, err := keys.Generate(o.Key)
	if err != nil {
		return nil, err
	}
	if _, ok := key.(ed25519.PrivateKey); ok && !o.AllowEdDSA {
		return nil, ErrEdDSACA
	}
	return key, nil
}

func commonNameRDN(cn string) pkix.RDNSequence {
	return pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: cn}}}
}

// writeLayout writes the files of a CA directory, ca.crt last: a directory without
// ca.crt is not a CA, so an interrupted Create leaves nothing that Open would take
// for one, and Create may run again.
func writeLayout(dir string, cert *x509.Certificate, key crypto.Signer, o CreateOptions) error {
	for _, d := range []struct {
		name string
		mode os.FileMode
	}{{"private", privateMode}, {NewCertsDir, dirMode}} {
		p := filepath.Join(dir, d.name)
		if err := os.Mkdir(p, d.mode); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("ca: %w", err)
		}
		if err := fsutil.SetBeneath(dir, d.name, d.mode, false, 0, 0); err != nil {
			return fmt.Errorf("ca: %w", err)
		}
	}
	// A new CA has issued nothing: a copy in newcerts/ is a leftover of an
	// interrupted Create (an intermediate whose CA is now replaced), which the new,
	// empty index would otherwise leave unexplained.
	removeCopies(filepath.Join(dir, NewCertsDir))
	var keyPEM []byte
	var err error
	if len(o.Passphrase) > 0 {
		keyPEM, err = keys.MarshalEncryptedPKCS8PEM(key, o.Passphrase, o.Encrypt)
	} else {
		keyPEM, err = keys.MarshalPKCS8PEM(key)
	}
	if err != nil {
		return err
	}
	if err := writeBookkeeping(dir, o.Rand); err != nil {
		return err
	}
	// Only the key and ca.crt are synced: ca.crt, written last, makes the directory
	// a CA, and needs its key. The bookkeeping files are defaults that load restores
	// when a crash left them empty.
	keyPath := filepath.Join(dir, KeyFile)
	if _, err := fsutil.WriteFile(keyPath, keyPEM, fsutil.Options{Mode: fsutil.KeyMode, Force: true, NoSync: true}); err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	if err := fsutil.Sync(keyPath); err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	if _, err := fsutil.WriteFile(filepath.Join(dir, CertFile), PEM(cert), fsutil.Options{Mode: fsutil.PublicMode, Force: true}); err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	return nil
}

// writeBookkeeping writes the files of a new CA directory besides its key and
// certificate, unsynced: the index (empty), index.txt.attr, serial (a random first
// serial, as openssl ca -create_serial draws), crlnumber (01) and openssl.cnf.
func writeBookkeeping(dir string, rnd io.Reader) error {
	for _, name := range []string{IndexFile, AttrFile, SerialFile, CRLNumberFile, ConfigFile} {
		data, err := defaultContent(dir, name, rnd)
		if err != nil {
			return err
		}
		if _, err := fsutil.WriteFile(filepath.Join(dir, name), data, fsutil.Options{Mode: indexMode, Force: true, NoSync: true}); err != nil {
			return fmt.Errorf("ca: %w", err)
		}
	}
	return nil
}

// defaultContent is what a new CA directory's bookkeeping file holds.
func defaultContent(dir, name string, rnd io.Reader) ([]byte, error) {
	switch name {
	case AttrFile:
		return Attr{UniqueSubject: false}.Format(), nil
	case SerialFile:
		first, err := selfsign.RandomSerial(rnd)
		if err != nil {
			return nil, err
		}
		return FormatSerialFile(first)
	case CRLNumberFile:
		return FormatSerialFile(big.NewInt(1))
	case ConfigFile:
		return opensslConfig(), nil
	}
	return nil, nil
}
