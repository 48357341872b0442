package chain

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/notify"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// VerifyFilesOptions say what VerifyFiles checks, as pgcert verify's flags do.
// The funcs are the outside world: files, the environment, the clock.
type VerifyFilesOptions struct {
	// File holds the certificate, maybe followed by its chain.
	File string
	// Roots are the trusted CA files; none means libpq's default (LibpqRootFile),
	// which only a server certificate can be checked against.
	Roots []string
	// Hosts are checked as libpq's sslmode=verify-full checks the server's name.
	Hosts []string
	// Purpose is "server", "client" or "": then --user or Hosts say who checks,
	// else the certificate's extendedKeyUsage.
	Purpose string
	CRLs    []string
	// User, when set, predicts the server's cert authentication of the
	// certificate as that role; ClientName, Map and Ident are pg_hba.conf's
	// clientname and map, and the pg_ident.conf file. ClientName is "CN" or
	// "DN", and must be "CN", pg_hba.conf's default, without User.
	User, ClientName, Map, Ident string

	ReadCerts func(paths []string, flag string) ([]Input, error)
	ReadFile  func(path string) ([]byte, error)
	// ReadCRLs reads and parses the CRL files (pkg/crl, which this package
	// cannot import, does it).
	ReadCRLs func(paths []string) ([]*x509.RevocationList, error)
	Getenv   func(key string) (string, bool)
	Reporter Reporter
	Now      func() time.Time
}

// VerifyFiles does what pgcert verify does: it checks the options, reads the
// certificate, the roots and the CRLs, warns when the file does not start with
// its leaf (the server would refuse it), and returns the Verdict: the chain
// libpq or the server would build, the host names, and the cert
// authentication of User.
func VerifyFiles(o VerifyFilesOptions) (*Verdict, error) {
	rep := notify.Or(o.Reporter)
	var purpose Purpose
	switch o.Purpose {
	case "server":
		purpose = PurposeServer
	case "client":
		purpose = PurposeClient
	case "":
	default:
		return nil, hint.Usagef("--purpose %s: want server or client", o.Purpose)
	}
	if err := o.checkCertAuth(purpose); err != nil {
		return nil, err
	}
	ins, err := o.ReadCerts([]string{o.File}, "")
	if err != nil {
		return nil, err
	}
	if o.Purpose == "" {
		// --host and --user each say who checks; else the certificate does.
		switch {
		case o.User != "":
			purpose = PurposeClient
		case len(o.Hosts) > 0:
			purpose = PurposeServer
		default:
			purpose = PurposeOf(ins[0].Cert)
		}
	}
	if purpose == PurposeClient && len(o.Hosts) > 0 {
		return nil, hint.Usagef("--host applies to --purpose server: libpq checks the server's name, the server checks no client's host name")
	}
	rootFiles := o.Roots
	if len(rootFiles) == 0 {
		if purpose == PurposeClient {
			return nil, hint.Usagef("give the server's trusted CAs (its ssl_ca_file) with --root")
		}
		def := LibpqRootFile(o.Getenv)
		if _, err := os.Stat(def); err != nil {
			return nil, hint.Errorf([]string{"give the CA certificates clients trust with --root root.crt"},
				"no --root given, and libpq's default %s does not exist", def)
		}
		rootFiles = []string{def}
	}
	roots, err := o.ReadCerts(rootFiles, "--root")
	if err != nil {
		return nil, err
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	vopts := VerifyOptions{Now: now(), Roots: roots, Purpose: purpose}
	if len(o.CRLs) > 0 {
		if vopts.CRLs, err = o.ReadCRLs(o.CRLs); err != nil {
			return nil, err
		}
	}
	if len(ins) > 1 {
		if leaf, err := FindLeaf(ins, nil); err == nil && !bytes.Equal(leaf.Cert.Raw, ins[0].Cert.Raw) {
			rep.Warnf("%s starts with %s, not the leaf %s: a server with this file refuses to start (key values mismatch); put the leaf first with pgcert chain", o.File, ins[0], leaf)
		}
	}
	v, err := VerifyFile(o.File, ins, vopts, o.Hosts)
	if err != nil {
		return nil, err
	}
	if o.User != "" {
		if v.Auth, err = o.predictCertAuth(ins[0].Cert, rep); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// checkCertAuth refuses --user's companions without it, and a --user on a
// certificate said to be a server's.
func (o VerifyFilesOptions) checkCertAuth(purpose Purpose) error {
	if o.User == "" {
		if o.Map != "" || o.Ident != "" || o.ClientName != "CN" {
			return hint.Usagef("--clientname, --map and --ident go with --user ROLE")
		}
		return nil
	}
	if purpose == PurposeServer && o.Purpose != "" {
		return hint.Usagef("--user predicts how the server checks a client certificate: drop --purpose server")
	}
	if o.ClientName != "CN" && o.ClientName != "DN" {
		return hint.Usagef("--clientname %s: want CN or DN", o.ClientName)
	}
	if (o.Map == "") != (o.Ident == "") {
		return hint.Usagef("--map NAME and --ident FILE go together: the map's lines are in the server's pg_ident.conf")
	}
	return nil
}

// predictCertAuth reads Ident and asks pkg/pgdata what the server's cert
// method says of cert for User.
func (o VerifyFilesOptions) predictCertAuth(cert *x509.Certificate, rep Reporter) (*pgdata.CertAuthCheck, error) {
	var ident []byte
	if o.Ident != "" {
		var err error
		if ident, err = o.ReadFile(o.Ident); err != nil {
			return nil, err
		}
	}
	check, warnings, err := pgdata.PredictCertAuth(cert, pgdata.CertAuthOptions{Role: o.User, ClientName: o.ClientName, Map: o.Map}, o.Ident, ident)
	for _, w := range warnings {
		rep.Warnf("%s", w)
	}
	return check, err
}

// LibpqRootFile is the root file libpq reads when sslrootcert is not set:
// PGSSLROOTCERT, else ~/.postgresql/root.crt. getenv is os.LookupEnv, or a
// test's environment.
func LibpqRootFile(getenv func(key string) (string, bool)) string {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	if v, ok := getenv("PGSSLROOTCERT"); ok && v != "" {
		return v
	}
	home, _ := getenv("HOME")
	return filepath.Join(home, ".postgresql", "root.crt")
}
