package ca

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/keys"
)

// The files of a client bundle: libpq's default names in ~/.postgresql, so that a
// bundle copied there works without any ssl* setting.
const (
	ClientCertFile = "postgresql.crt"
	ClientKeyFile  = "postgresql.key"
	ClientRootFile = "root.crt"
	// ClientPK8File is the key as DER PKCS#8, which the JDBC driver reads.
	ClientPK8File = "postgresql.pk8"
	// ClientP12File is the key, the certificate and its CAs as PKCS#12, which the
	// JDBC driver (sslkey=...p12) and .NET read.
	ClientP12File = "postgresql.p12"
)

// DefaultDBName is the database of the printed connection string: libpq defaults it
// to the role's name, which rarely exists, while every cluster has postgres.
const DefaultDBName = "postgres"

// ClientsDir is where client bundles go by default: CA_DIR/clients/ROLE inside the
// CA directory, which is private to its owner (0700), never inside a data directory,
// and where the CA already keeps what it issued.
const ClientsDir = "clients"

// ClientPaths are the files of a client bundle in dir: postgresql.crt,
// postgresql.key, root.crt, and with pk8 postgresql.pk8.
func ClientPaths(dir string, pk8 bool) []string {
	p := []string{filepath.Join(dir, ClientCertFile), filepath.Join(dir, ClientKeyFile), filepath.Join(dir, ClientRootFile)}
	if pk8 {
		p = append(p, filepath.Join(dir, ClientPK8File))
	}
	return p
}

// ClientDirError is a client bundle directory inside a PostgreSQL data directory:
// pg_basebackup would copy the client's key to every replica and backup, where it
// does not belong.
type ClientDirError struct {
	Dir     string
	DataDir string
}

func (e *ClientDirError) Error() string {
	return fmt.Sprintf("ca: the client bundle directory %s is inside the data directory %s", e.Dir, e.DataDir)
}

// CheckClientDir refuses (*ClientDirError) a client bundle directory at or below a
// data directory (a directory holding PG_VERSION), also through symbolic links, or
// below dataDir when given: the directory pgcert init sets up, which may not be a
// data directory yet.
func CheckClientDir(dir, dataDir string) error {
	for _, d := range []string{dir, resolve(dir)} {
		if dd, err := EnclosingDataDir(d); err == nil && dd != "" {
			return &ClientDirError{Dir: dir, DataDir: dd}
		}
	}
	if dataDir != "" && Within(dir, dataDir) {
		return &ClientDirError{Dir: dir, DataDir: dataDir}
	}
	return nil
}

// BundleFile is one file of a ClientBundle.
type BundleFile struct {
	Path string
	Data []byte
	Mode os.FileMode
}

// ClientBundle is a client certificate in libpq's layout, to be written whole or not
// at all (one fsutil.Txn). The JSON field names are those of pgcert's reports, which
// list the files as written instead.
type ClientBundle struct {
	Role string `json:"role"`
	Dir  string `json:"dir"`
	// Serial is the certificate's serial as SerialHex writes it, NotAfter its expiry
	// in RFC 3339.
	Serial   string `json:"serial"`
	NotAfter string `json:"not_after"`
	Clamped  bool   `json:"clamped"`
	// ConnString is the libpq connection string that uses the bundle with
	// sslmode=verify-full, with host=Host first when a host was given.
	ConnString string       `json:"connection_string"`
	Files      []BundleFile `json:"-"`
}

// ClientBundle lays out a client certificate c issued for role, with its key, in dir:
// postgresql.crt (the leaf, then the intermediates the server needs to build the
// chain), postgresql.key (0600: libpq refuses a key others may read), root.crt (the
// root, which verify-full checks the server against) and with pk8 postgresql.pk8.
// c must hold its root (ErrNoRoot).
func (c *CA) ClientBundle(is *Issued, key crypto.Signer, role, dir, host string, pk8 bool) (*ClientBundle, error) {
	return c.ClientBundleWith(is, key, ClientBundleOptions{Role: role, Dir: dir, Host: host, PK8: pk8})
}

// ClientBundleOptions say what ClientBundleWith lays out.
type ClientBundleOptions struct {
	// Role is the role the certificate logs in as, Dir the bundle's directory.
	Role, Dir string
	// Host, when set, comes first in the connection string.
	Host string
	// DBName is the connection string's database; "" means DefaultDBName.
	DBName string
	// PK8 adds postgresql.pk8, the key as DER PKCS#8 (encrypted with Passphrase).
	PK8 bool
	// P12 adds postgresql.p12: the key, the certificate and the CA certificates as
	// PKCS#12 protected by Passphrase ("" when nil), modern (AES, PBKDF2) unless
	// P12Legacy (3DES, for readers older than Java 12 or Windows Server 2019).
	P12, P12Legacy bool
	// Passphrase, when not nil, encrypts every key file of the bundle.
	Passphrase []byte
	// KeyFormat is the form of postgresql.key: keys.FormatPKCS8PEM (the default) or,
	// encrypted, keys.FormatTraditional for pgx. libpq reads only PEM key files,
	// so DER is refused here: postgresql.pk8 is the DER copy.
	KeyFormat keys.Format
	// Rand gives the salts and IVs of encrypted keys; nil means crypto/rand.
	Rand io.Reader
}

// Paths are the files of the bundle the options describe: ClientPaths, then
// postgresql.p12 with P12.
func (o ClientBundleOptions) Paths() []string {
	p := ClientPaths(o.Dir, o.PK8)
	if o.P12 {
		p = append(p, filepath.Join(o.Dir, ClientP12File))
	}
	return p
}

// ClientBundleWith is ClientBundle with every choice: the database of the
// connection string, encrypted keys in the form a client reads, postgresql.pk8 and
// postgresql.p12.
func (c *CA) ClientBundleWith(is *Issued, key crypto.Signer, o ClientBundleOptions) (*ClientBundle, error) {
	root := c.Root()
	if root == nil {
		return nil, ErrNoRoot
	}
	if o.KeyFormat == keys.FormatPKCS8DER {
		return nil, &keys.OptionError{Option: "postgresql.key format", Value: string(o.KeyFormat), Reason: "libpq reads only PEM key files; PK8 writes the DER copy"}
	}
	keyPEM, err := keys.Marshal(key, o.Passphrase, o.KeyFormat, o.Rand)
	if err != nil {
		return nil, err
	}
	paths := o.Paths()
	b := &ClientBundle{
		Role:     o.Role,
		Dir:      o.Dir,
		Serial:   SerialHex(is.Cert.SerialNumber.Bytes()),
		NotAfter: is.Cert.NotAfter.UTC().Format(time.RFC3339),
		Clamped:  is.Clamped,
		Files: []BundleFile{
			{paths[0], PEM(append([]*x509.Certificate{is.Cert}, c.Intermediates()...)...), fsutil.PublicMode},
			{paths[1], keyPEM, fsutil.KeyMode},
			{paths[2], PEM(root), fsutil.PublicMode},
		},
	}
	if o.PK8 {
		der, err := keys.Marshal(key, o.Passphrase, keys.FormatPKCS8DER, o.Rand)
		if err != nil {
			return nil, err
		}
		b.Files = append(b.Files, BundleFile{filepath.Join(o.Dir, ClientPK8File), der, fsutil.KeyMode})
	}
	if o.P12 {
		cas := append(append([]*x509.Certificate{}, c.Intermediates()...), root)
		p12, err := keys.MarshalPKCS12(key, is.Cert, cas, string(o.Passphrase), o.P12Legacy, o.Rand)
		if err != nil {
			return nil, err
		}
		b.Files = append(b.Files, BundleFile{filepath.Join(o.Dir, ClientP12File), p12, fsutil.KeyMode})
	}
	dbname := o.DBName
	if dbname == "" {
		dbname = DefaultDBName
	}
	var cs []string
	if o.Host != "" {
		cs = append(cs, "host="+ConnValue(o.Host))
	}
	cs = append(cs, "sslmode=verify-full",
		"sslcert="+ConnValue(paths[0]), "sslkey="+ConnValue(paths[1]), "sslrootcert="+ConnValue(paths[2]),
		"user="+ConnValue(o.Role), "dbname="+ConnValue(dbname))
	b.ConnString = strings.Join(cs, " ")
	return b, nil
}

// ConnValue quotes a libpq connection string value when it needs it: empty, or
// holding white space, a quote or a backslash.
func ConnValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n'\\") {
		return v
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

// ServerChain is server.crt for a leaf c issued: the leaf, the intermediates, and the
// root when the file holds more than one certificate (the PostgreSQL manual's advice)
// unless noRoot.
func (c *CA) ServerChain(leaf *x509.Certificate, noRoot bool) []byte {
	certs := append([]*x509.Certificate{leaf}, c.Intermediates()...)
	if r := c.Root(); r != nil && len(certs) > 1 && !noRoot {
		certs = append(certs, r)
	}
	return PEM(certs...)
}
