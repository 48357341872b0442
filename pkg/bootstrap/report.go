package bootstrap

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// Result is what Apply did, in the shape of `pgcert init --json`.
type Result struct {
	DataDir   string `json:"data_directory"`
	IsDataDir bool   `json:"is_data_directory"`
	// Version is the PostgreSQL version whose syntax the settings use,
	// VersionAssumed true when no PG_VERSION says it.
	Version        string   `json:"version"`
	VersionAssumed bool     `json:"version_assumed"`
	CA             CA       `json:"ca"`
	Server         Issued   `json:"server"`
	CRLs           []CRL    `json:"crls"`
	Clients        []Client `json:"clients"`
	// Files are every file written, in the order they were committed.
	Files          []File   `json:"files"`
	PostgresqlConf []string `json:"postgresql_conf"`
	PgHBAConf      []string `json:"pg_hba_conf"`
	// Configured reports that the configuration was written (Options.Configure).
	Configured bool `json:"configured"`
	// Configuration says which configuration files were written or edited.
	Configuration ConfigureEffect `json:"-"`
}

// CA describes the CA that signed, as `pgcert ca init --json` does.
type CA struct {
	Dir          string `json:"ca_dir"`
	Root         Cert   `json:"root"`
	Intermediate *Cert  `json:"intermediate"`
	KeyEncrypted bool   `json:"key_encrypted"`
	Created      bool   `json:"created"`
	// Files are the CA's own files, listed when it was created.
	Files []File `json:"files,omitempty"`
}

// Cert names a CA certificate.
type Cert struct {
	Subject  string `json:"subject"`
	Serial   string `json:"serial"`
	NotAfter string `json:"not_after"`
	File     string `json:"file,omitempty"`
}

// Issued describes the server certificate.
type Issued struct {
	Serial  string `json:"serial"`
	Subject string `json:"subject"`
	SANs    string `json:"sans"`
	// NotAfter is RFC 3339 in UTC; Clamped reports that it was cut to the CA's.
	NotAfter string `json:"not_after"`
	Clamped  bool   `json:"clamped"`
	CADir    string `json:"ca_dir"`
	// Copy is the CA's copy of the certificate (newcerts/SERIAL.pem).
	Copy  string `json:"copy"`
	Files []File `json:"files"`
}

// CRL describes a CRL of root.crl.
type CRL = crl.Summary

// Client is a client bundle in libpq's layout.
type Client struct {
	Role     string `json:"role"`
	Dir      string `json:"dir"`
	Serial   string `json:"serial"`
	NotAfter string `json:"not_after"`
	Clamped  bool   `json:"clamped"`
	// ConnString is the libpq connection string that uses the bundle.
	ConnString string `json:"connection_string"`
	// Replication reports a bundle for a replication role (Options.Replication);
	// PrimaryConninfo is then the standby's primary_conninfo that uses it.
	Replication     bool   `json:"replication,omitempty"`
	PrimaryConninfo string `json:"primary_conninfo,omitempty"`
	Files           []File `json:"files"`
}

// File is a file in the reports: fsutil's description, shared by every command.
type File = fsutil.FileReport

// timeFormat is how the reports write times: RFC 3339 in UTC, as the other
// --json documents do.
const timeFormat = "2006-01-02T15:04:05Z"

func describeCert(cert *x509.Certificate, file string) Cert {
	subject, _ := selfsign.FormatSubject(cert.RawSubject)
	return Cert{
		Subject:  subject,
		Serial:   ca.SerialHex(cert.SerialNumber.Bytes()),
		NotAfter: cert.NotAfter.UTC().Format(time.RFC3339),
		File:     file,
	}
}

// describeCA reports c; with created, its files too.
func describeCA(c *ca.CA, created bool) CA {
	r := CA{Dir: c.Dir, Created: created}
	top := c.CAs()[len(c.CAs())-1]
	r.Root = describeCert(top.Cert, top.CertPath())
	if c.Parent != nil {
		ir := describeCert(c.Cert, c.CertPath())
		r.Intermediate = &ir
	}
	r.KeyEncrypted, _ = c.KeyEncrypted()
	if created {
		for _, x := range c.CAs() {
			for _, name := range []string{ca.CertFile, ca.KeyFile, ca.IndexFile, ca.AttrFile, ca.SerialFile, ca.CRLNumberFile, ca.ConfigFile} {
				r.Files = append(r.Files, fsutil.ReportPath(filepath.Join(x.Dir, name)))
			}
		}
	}
	return r
}

func describeIssued(c *ca.CA, is *ca.Issued) Issued {
	subject, _ := selfsign.FormatSubject(is.Cert.RawSubject)
	return Issued{
		Serial:   ca.SerialHex(is.Cert.SerialNumber.Bytes()),
		Subject:  subject,
		SANs:     selfsign.SANs{DNS: is.Cert.DNSNames, IP: is.Cert.IPAddresses}.String(),
		NotAfter: is.Cert.NotAfter.UTC().Format(timeFormat),
		Clamped:  is.Clamped,
		CADir:    c.Dir,
		Copy:     is.File,
		Files:    []File{},
	}
}

func ownerOf(fi os.FileInfo) (uid, gid int) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return -1, -1
}
