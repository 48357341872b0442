package ca

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// The files of a CA directory, relative to it. They are the names of openssl's demo
// CA (CA.pl) and of easy-rsa's pki/ directory, so that `openssl ca` (with the
// openssl.cnf pgcert writes) and easy-rsa work on a pgcert CA, and pgcert on theirs.
const (
	// CertFile is the issuing CA's certificate (PEM).
	CertFile = "ca.crt"
	// KeyFile is the issuing CA's private key: PKCS#8 PEM, mode 0600, encrypted when
	// the CA was made with a passphrase. Its directory, private/, is 0700.
	KeyFile = "private/ca.key"
	// IndexFile is openssl's certificate database: one line per issued certificate.
	IndexFile = "index.txt"
	// AttrFile holds the database's settings (unique_subject = no).
	AttrFile = "index.txt.attr"
	// SerialFile is the next serial openssl ca would use. pgcert draws random
	// serials instead (see Issue) and leaves this file to openssl.
	SerialFile = "serial"
	// CRLNumberFile is the number of the next CRL, used and advanced by every CRL
	// pgcert or openssl ca -gencrl makes.
	CRLNumberFile = "crlnumber"
	// NewCertsDir holds a copy of every certificate issued, named <SERIAL>.pem with
	// the serial in upper-case hex, as openssl ca writes them.
	NewCertsDir = "newcerts"
	// EasyRSACertsDir is easy-rsa's name for NewCertsDir; a CA directory that has it
	// and no newcerts/ is an easy-rsa PKI, and pgcert uses its directory.
	EasyRSACertsDir = "certs_by_serial"
	// CRLFile is the CA's latest CRL (PEM), as easy-rsa keeps pki/crl.pem.
	CRLFile = "crl.pem"
	// ConfigFile is an openssl ca configuration for the directory, so that
	// `openssl ca -config DIR/openssl.cnf` works on it.
	ConfigFile = "openssl.cnf"
	// LockFile is locked (flock) by every pgcert run that changes the directory.
	LockFile = "pgcert.lock"
	// RootDir holds the root CA when the issuing CA is an intermediate: a CA
	// directory of its own (root/ca.crt, root/private/ca.key, root/index.txt, ...),
	// whose database lists the intermediate. Keeping the root apart lets an admin
	// move root/private/ca.key offline once the intermediate exists.
	RootDir = "root"
)

// creatingFile marks a CA directory that Create is filling. Create writes it before
// anything else and removes it once ca.crt is in place, so a directory that has it
// is the leftover of an interrupted Create, which the next Create may fill again; a
// directory with CA files but without it may hold a CA whose ca.crt was lost, and
// its keys are never overwritten.
const creatingFile = ".pgcert-creating"

// layoutNames are the entries Create makes.
var layoutNames = map[string]bool{
	CertFile: true, "private": true, IndexFile: true, AttrFile: true, SerialFile: true,
	CRLNumberFile: true, NewCertsDir: true, CRLFile: true, ConfigFile: true, LockFile: true,
	RootDir: true, IndexFile + ".old": true, creatingFile: true, PendingFile: true,
}

// Modes of the directories Create makes. The CA directory and private/ are readable
// by their owner only: they hold the CA keys (and, by default, the client bundles
// pgcert init writes).
const (
	dirMode     os.FileMode = 0o700
	privateMode os.FileMode = 0o700
	// indexMode is what openssl ca gives its database (0666 less a usual umask).
	indexMode os.FileMode = 0o644
)

// DefaultDir returns where a CA lives when none is named: $PGCERT_CA_DIR, else
// $XDG_DATA_HOME/pgcert/ca, else ~/.local/share/pgcert/ca (the XDG base directory
// specification's default for per-user data). A per-user directory keeps the CA key
// out of any data directory, which pg_basebackup would copy to every replica.
// getenv looks variables up (os.LookupEnv in a real process).
func DefaultDir(getenv func(string) (string, bool)) (string, error) {
	if d, ok := getenv("PGCERT_CA_DIR"); ok && d != "" {
		return d, nil
	}
	if d, ok := getenv("XDG_DATA_HOME"); ok && filepath.IsAbs(d) {
		return filepath.Join(d, "pgcert", "ca"), nil
	}
	if h, ok := getenv("HOME"); ok && h != "" {
		return filepath.Join(h, ".local", "share", "pgcert", "ca"), nil
	}
	return "", errors.New("ca: no CA directory given, and neither PGCERT_CA_DIR, XDG_DATA_HOME nor HOME is set")
}

// DataDirError is returned by Create for a CA directory inside a PostgreSQL data
// directory: pg_basebackup copies a data directory whole, so the CA key would land on
// every replica, and a server backup would carry the means to mint client
// certificates.
type DataDirError struct {
	Dir     string // the CA directory
	DataDir string // the data directory holding it (where PG_VERSION is)
}

func (e *DataDirError) Error() string {
	return fmt.Sprintf("ca: %s is inside the PostgreSQL data directory %s", e.Dir, e.DataDir)
}

// CheckCADir refuses (*DataDirError) a CA directory inside a PostgreSQL data
// directory, or inside dataDir when given: the directory pgcert init is asked to set
// up, which may not be a data directory yet (no PG_VERSION before initdb).
func CheckCADir(dir, dataDir string) error {
	dd, _ := EnclosingDataDir(dir)
	if dd == "" && dataDir != "" && Within(dir, dataDir) {
		dd = dataDir
	}
	if dd == "" {
		return nil
	}
	return &DataDirError{Dir: dir, DataDir: dd}
}

// EnclosingDataDir returns the closest directory at or above dir (which need not
// exist) that holds a PG_VERSION file, or "" when there is none.
func EnclosingDataDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, "PG_VERSION")); err == nil && fi.Mode().IsRegular() {
			return d, nil
		}
		if d == filepath.Dir(d) {
			return "", nil
		}
	}
}

// Within reports whether path is dir or lies below it, after making both absolute
// and resolving symbolic links where they exist.
func Within(path, dir string) bool {
	p, d := resolve(path), resolve(dir)
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !filepath.IsAbs(rel) && (rel == "." || !startsWithDotDot(rel))
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}

// resolve makes p absolute and resolves symbolic links in its longest existing
// prefix.
func resolve(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	rest := ""
	for d := abs; ; d = filepath.Dir(d) {
		if r, err := filepath.EvalSymlinks(d); err == nil {
			return filepath.Join(r, rest)
		}
		if d == filepath.Dir(d) {
			return abs
		}
		rest = filepath.Join(filepath.Base(d), rest)
	}
}
