package bootstrap

import (
	"crypto"
	"encoding/pem"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/inspect"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// SelfSignedOptions say what `pgcert selfsign -D` makes: the manual's recipe of
// a key and a self-signed certificate in the data directory, which clients also
// use as their root certificate.
type SelfSignedOptions struct {
	// DataDir is the data directory, as pgdata.Inspect found it.
	DataDir *pgdata.DataDir
	// Hosts are the names and addresses clients connect to; the first is the
	// Common Name.
	Hosts []string
	// Key is the kind of key (it is never encrypted: the server cannot ask for
	// a passphrase when it starts).
	Key keys.GenerateOptions
	// Days is the certificate's validity.
	Days int
	// Force replaces existing files.
	Force bool
	// Now, Rand, GenerateKey and Owner are as in Options.
	Now         func() time.Time
	Rand        io.Reader
	GenerateKey func(keys.GenerateOptions) (crypto.Signer, error)
	Owner       OwnerFunc
	// CertFile turns the certificate (DER) into server.crt's contents (nil:
	// PEM); a caller may put a text dump before the PEM block.
	CertFile func(der []byte) ([]byte, error)
}

// SelfSignedResult is what WriteSelfSigned wrote, in the shape of
// `pgcert selfsign -D --json`.
type SelfSignedResult struct {
	DataDirectory   string `json:"data_directory"`
	IsDataDirectory bool   `json:"is_data_directory"`
	// Version is the PostgreSQL version whose settings apply, VersionAssumed
	// true when there is no PG_VERSION to say it.
	Version        string               `json:"version"`
	VersionAssumed bool                 `json:"version_assumed"`
	ConfigFile     string               `json:"config_file"`
	Files          []File               `json:"files"`
	Certificate    *inspect.Certificate `json:"certificate"`
	// ConfLines are the postgresql.conf lines that turn SSL on with these files.
	ConfLines []string `json:"conf_lines"`
	// AlreadyOn reports that the configuration uses these files with ssl = on
	// already: a reload is all the server needs.
	AlreadyOn bool `json:"-"`
	// Written are the files as fsutil wrote them, for notes about replaced links.
	Written []*fsutil.Written `json:"-"`
	// Days is the validity asked for, which WriteText states.
	Days int `json:"-"`
}

// WriteSelfSigned makes a key and a self-signed server certificate for
// o.Hosts and writes both into the data directory, server.key (0600) and
// server.crt, in one transaction: both are written, or neither. A Common Name
// that cannot be one is a *selfsign.SubjectError; a key pgcert does not sign
// with, a *selfsign.KeyError.
func WriteSelfSigned(o SelfSignedOptions) (*SelfSignedResult, error) {
	if o.DataDir == nil || len(o.Hosts) == 0 || o.Days <= 0 {
		return nil, errors.New("bootstrap: a data directory, host names and a positive number of days are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Owner == nil {
		o.Owner = DirOwner
	}
	if o.GenerateKey == nil {
		o.GenerateKey = generateWith(o.Rand)
	}
	if o.CertFile == nil {
		o.CertFile = func(der []byte) ([]byte, error) {
			return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
		}
	}
	sans, err := selfsign.HostSANs(o.Hosts)
	if err != nil {
		return nil, err
	}
	subject, err := selfsign.ParseSubject("/CN=" + EscapeSubjectValue(o.Hosts[0]))
	if err != nil {
		return nil, err
	}
	key, err := o.GenerateKey(o.Key)
	if err != nil {
		return nil, err
	}
	keyPEM, err := keys.MarshalPKCS8PEM(key)
	if err != nil {
		return nil, err
	}
	now := o.Now()
	der, err := selfsign.Build(selfsign.Spec{
		Profile: selfsign.ServerLeaf, Subject: subject, SANs: sans, Now: now, Days: o.Days, Rand: o.Rand,
	}, nil, key, key.Public())
	if err != nil {
		return nil, err
	}
	certFile, err := o.CertFile(der)
	if err != nil {
		return nil, err
	}
	dd := o.DataDir
	keyPath := filepath.Join(dd.Dir, pgdata.DefaultSSLFiles.Key)
	certPath := filepath.Join(dd.Dir, pgdata.DefaultSSLFiles.Cert)
	var txn fsutil.Txn
	txn.Add(keyPath, keyPEM, ownedBy(o.Owner, dd.Dir, fsutil.KeyMode, o.Force))
	txn.Add(certPath, certFile, ownedBy(o.Owner, dd.Dir, fsutil.PublicMode, o.Force))
	if _, err := ca.ReadDataDirRecord(dd.Dir); !errors.As(err, new(*ca.NotBoundError)) {
		// The record names the CA of the files replaced (or is not one pgcert
		// reads): the self-signed files come from none.
		txn.Add(filepath.Join(dd.Dir, ca.DataDirFile), ca.UnboundRecord(), ownedBy(o.Owner, dd.Dir, fsutil.PublicMode, true))
	}
	written, err := txn.Commit()
	if err != nil {
		return nil, err
	}
	objs, err := inspect.Describe(der, now)
	if err != nil {
		return nil, err
	}
	r := &SelfSignedResult{
		DataDirectory:   dd.Dir,
		IsDataDirectory: dd.IsDataDir,
		Version:         dd.Version.String(),
		VersionAssumed:  dd.VersionAssumed,
		ConfigFile:      dd.ConfigFile,
		Certificate:     objs[0].Certificate,
		Written:         written,
		Days:            o.Days,
	}
	for _, w := range written {
		r.Files = append(r.Files, fsutil.Report(w))
	}
	r.ConfLines, r.AlreadyOn = SSLConfLines(dd, keyPath, certPath)
	return r, nil
}

// SSLConfLines returns the postgresql.conf lines that make the server use the
// key and certificate at keyPath and certPath: ssl = on, and ssl_cert_file and
// ssl_key_file when the configuration names other files (Debian's, for one,
// names its snakeoil certificate). alreadyOn reports that nothing needs to
// change but a reload.
func SSLConfLines(dd *pgdata.DataDir, keyPath, certPath string) (lines []string, alreadyOn bool) {
	current := pgdata.SSL{CertFile: pgdata.DefaultSSLFiles.Cert, KeyFile: pgdata.DefaultSSLFiles.Key}
	if dd.ConfigFile != "" {
		if cfg, err := pgdata.LoadConfigFile(dd.ConfigFile, dd.Dir); err == nil {
			if ssl, err := cfg.SSL(dd.Version); err == nil {
				current = ssl
			}
		}
	}
	lines = []string{"ssl = on"}
	certSame := filepath.Clean(pgdata.Resolve(dd.Dir, current.CertFile)) == certPath
	keySame := filepath.Clean(pgdata.Resolve(dd.Dir, current.KeyFile)) == keyPath
	if !certSame {
		lines = append(lines, "ssl_cert_file = "+pgdata.QuoteConfValue(pgdata.DefaultSSLFiles.Cert))
	}
	if !keySame {
		lines = append(lines, "ssl_key_file = "+pgdata.QuoteConfValue(pgdata.DefaultSSLFiles.Key))
	}
	return lines, current.Enabled && certSame && keySame
}

// EscapeSubjectValue escapes a value for selfsign.ParseSubject, where "/"
// separates attributes and "+" joins them, so that a host name or a typed
// answer is one attribute value whatever it holds.
func EscapeSubjectValue(v string) string {
	return strings.NewReplacer(`\`, `\\`, `/`, `\/`, `+`, `\+`).Replace(v)
}
