package keyperm

import (
	"fmt"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// Kind names the public SSL files the server reads besides its key. They need no
// secrecy, only to be readable by the database user.
type Kind int

// The public files, by the setting that names them.
const (
	ServerCert  Kind = iota // ssl_cert_file
	RootCert                // ssl_ca_file
	CRLFile                 // ssl_crl_file
	CRLDir                  // ssl_crl_dir, a directory
	CRLDirEntry             // a hashed CRL file inside ssl_crl_dir
)

// loadMessage is the server's words when OpenSSL cannot read the file at start or
// reload (be-secure-openssl.c, be_tls_init); OpenSSL reads the hashed directory only
// while it verifies a client, so for those pgcert says what then happens.
func (k Kind) loadMessage(name, reason string) (msg, source string) {
	switch k {
	case ServerCert:
		return fmt.Sprintf(`could not load server certificate file "%s": %s`, name, reason), SourceServer
	case RootCert:
		return fmt.Sprintf(`could not load root certificate file "%s": %s`, name, reason), SourceServer
	case CRLFile:
		return fmt.Sprintf(`could not load SSL certificate revocation list file "%s": %s`, name, reason), SourceServer
	case CRLDir:
		return fmt.Sprintf(`SSL certificate revocation list directory "%s": %s; the server finds no CRL there and rejects every client certificate`, name, reason), SourcePgcert
	default:
		return fmt.Sprintf(`SSL certificate revocation list "%s": %s; the server cannot use it and rejects client certificates its issuer signed`, name, reason), SourcePgcert
	}
}

// JudgePublicFile predicts whether the server, running as db, can read a certificate,
// a CRL, or search and list the CRL directory. Owner and mode are otherwise free: the
// server checks neither.
func JudgePublicFile(kind Kind, fi FileInfo, db Identity) Result {
	r := judgePublicFile(kind, fi, db)
	if !r.OK && r.Hint == "" {
		r.Hint = PlanPublicFileFix(kind, fi, db, rootActor).hint()
	}
	return r
}

func judgePublicFile(kind Kind, fi FileInfo, db Identity) Result {
	r := newResult(fi, SourceServer)
	name := r.Path
	if d, blocked := blockingDir(fi, db); blocked {
		r.Problem, r.Dir = NoSearch, d.Path
		r.Message, r.Source = kind.loadMessage(name, "Permission denied")
		r.Hint = fmt.Sprintf("the database user %s cannot search directory %s: move the file into the data directory, or give the directory o+x", db.Label(), d.Path)
		return r
	}
	if fi.Err != nil {
		r.Problem = NotFound
		r.Message, r.Source = kind.loadMessage(name, Strerror(fi.Err))
		r.Hint = "write the file there, or point the setting at it"
		return r
	}
	want := uint32(permRead)
	if kind == CRLDir {
		if !fi.Mode.IsDir() {
			r.Problem = NotRegular
			r.Message, r.Source = fmt.Sprintf(`SSL certificate revocation list directory "%s" is not a directory`, name), SourcePgcert
			r.Hint = "point ssl_crl_dir at a directory of hashed CRL files"
			return r
		}
		want |= permSearch
	} else if !fi.Mode.IsRegular() {
		r.Problem = NotRegular
		r.Message, r.Source = fmt.Sprintf(`"%s" is not a regular file`, name), SourcePgcert
		r.Detail = "it is a " + fsutil.KindOf(fi.Mode)
		r.Hint = "point the setting at the file itself"
		return r
	}
	if allowed(db, fi.UID, fi.GID, fi.Mode, want) {
		r.OK = true
		return r
	}
	r.Problem = Unreadable
	r.Message, r.Source = kind.loadMessage(name, "Permission denied")
	return r
}

// CheckPublicFile stats path and judges it with JudgePublicFile.
func CheckPublicFile(kind Kind, path string, db Identity) Result {
	return JudgePublicFile(kind, Stat(path), db)
}
