package bootstrap

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// caFileLimit bounds what OtherCA reads of each file: a CRL of a million entries
// is about 60 MB.
const caFileLimit = 256 << 20

// OtherCAError says that a data directory's server.crt, root.crt or root.crl comes
// from another CA than the one a run would write them from. Replacing them breaks
// every client that trusts the old CA, and every client certificate it issued,
// without a word: pgcert init refuses unless asked (--new-ca).
type OtherCAError struct {
	// Path is the file that belongs to the other CA.
	Path string
	// Issuer is the other CA's subject.
	Issuer string
	// RecordedDir is the CA directory the data directory's record names
	// (ca.DataDirFile), "" when it has none.
	RecordedDir string
	// CA is the CA the run would write from; nil when it does not exist yet.
	CA *ca.CA
	// CADir is that CA's directory (a step-ca's address).
	CADir string
	// Next, when set, names the CA the run would write from instead of CA and
	// CADir: a step-ca.
	Next string
}

// Error names both CAs, each by subject and directory.
func (e *OtherCAError) Error() string {
	old := e.Issuer
	if e.RecordedDir != "" {
		old += " (" + e.RecordedDir + ")"
	} else {
		old += " (a CA directory the data directory does not record)"
	}
	next := "a new CA in " + e.CADir
	switch {
	case e.Next != "":
		next = e.Next
	case e.CA != nil:
		next = fmt.Sprintf("%s (%s)", subject(e.CA.Cert.RawSubject), e.CADir)
	}
	return fmt.Sprintf("%s comes from the CA %s, not from %s", e.Path, old, next)
}

// OtherCA returns an *OtherCAError when one of dataDir's server.crt, root.crt and
// root.crl comes from another CA than c (nil: a CA that does not exist yet, in
// caDir), and nil when each is c's, is missing, or is not a CA's file (a
// self-signed server certificate, a file pgcert cannot read or parse: those are
// replaced as they always were, and refused elsewhere when they must be).
func OtherCA(dataDir string, c *ca.CA, caDir string) error {
	var recorded string
	if rec, err := ca.ReadDataDirRecord(dataDir); err == nil {
		recorded = rec.CADir
	}
	var cas []*ca.CA
	if c != nil {
		cas = c.CAs()
	}
	for _, name := range []string{ServerCrtName, RootCrtName, RootCRLName} {
		path := filepath.Join(dataDir, name)
		data, err := fsutil.ReadRegular(path, caFileLimit)
		if err != nil {
			continue
		}
		var issuer string
		if name == RootCRLName {
			issuer = otherCRL(data, cas)
		} else {
			issuer = otherCert(name, data, cas)
		}
		if issuer != "" {
			return &OtherCAError{Path: path, Issuer: issuer, RecordedDir: recorded, CA: c, CADir: caDir}
		}
	}
	return nil
}

// otherCert returns the subject of the CA a server.crt or root.crt comes from when
// it is none of cas, "" otherwise.
func otherCert(name string, data []byte, cas []*ca.CA) string {
	certs, err := chain.ParseCertificates(data)
	if err != nil || len(certs) == 0 {
		return ""
	}
	if name == ServerCrtName {
		leaf := certs[0]
		if bytes.Equal(leaf.RawIssuer, leaf.RawSubject) && !leaf.IsCA {
			return ""
		}
		for _, x := range cas {
			if leaf.CheckSignatureFrom(x.Cert) == nil {
				return ""
			}
		}
		return subject(leaf.RawIssuer)
	}
	for _, cert := range certs {
		for _, x := range cas {
			if bytes.Equal(cert.Raw, x.Cert.Raw) {
				return ""
			}
		}
	}
	return subject(certs[0].RawSubject)
}

// otherCRL returns the issuer of root.crl's first CRL when none of its CRLs is
// signed by one of cas, "" otherwise.
func otherCRL(data []byte, cas []*ca.CA) string {
	lists, err := crl.ParseCRLs(data)
	if err != nil || len(lists) == 0 {
		return ""
	}
	for _, l := range lists {
		for _, x := range cas {
			if bytes.Equal(l.RawIssuer, x.Cert.RawSubject) && l.CheckSignatureFrom(x.Cert) == nil {
				return ""
			}
		}
	}
	return subject(lists[0].RawIssuer)
}

// subject is a name as pgcert's messages write them (openssl's "CN = ..." form).
func subject(raw []byte) string {
	s, err := selfsign.FormatSubject(raw)
	if err != nil {
		return fmt.Sprintf("%x", raw)
	}
	return s
}

// IssuedByCA returns the subject of the CA that issued the server certificate in
// path, "" when it is self-signed, missing, or not a certificate: what a
// self-signed certificate written there would replace, with every client that
// trusts that CA.
func IssuedByCA(path string) string {
	data, err := fsutil.ReadRegular(path, caFileLimit)
	if err != nil {
		return ""
	}
	return otherCert(ServerCrtName, data, nil)
}
