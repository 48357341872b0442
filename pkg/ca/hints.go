package ca

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// IssueHint returns err of c.Issue with what to do about it (a hint.Error) when
// the CA can no longer sign: expired, or revoked by its parent; else err
// unchanged. c may be nil.
func IssueHint(c *CA, err error) error {
	var ee *ExpiredError
	if errors.As(err, &ee) {
		return hint.With(err, fmt.Sprintf("the CA in %s can no longer sign: make a new CA in another directory (every client must then trust the new root)", c.Dir))
	}
	var re *RevokedCAError
	if errors.As(err, &re) {
		h := "issue from a CA that is not revoked: a new intermediate under the root (pgcert ca issue intermediate), or a new CA (pgcert ca init)"
		if c != nil && c.Parent != nil {
			h = fmt.Sprintf("issue from a CA that is not revoked: a new intermediate under the root, e.g. pgcert ca issue intermediate --ca-dir %s -o %s",
				words.ShellWord(c.Parent.Dir), words.ShellWord(c.Dir+"-new"))
		}
		return hint.With(err, h)
	}
	return err
}

// RevokeHint returns err of c.Revoke or c.RevokeCert with what to do about it
// when the serial is unknown or revoked already; else err unchanged.
func RevokeHint(err error) error {
	var nf *NotFoundError
	var ar *AlreadyRevokedError
	switch {
	case errors.As(err, &nf):
		return hint.With(err, "pgcert ca list shows the serials the CA issued")
	case errors.As(err, &ar):
		return hint.With(err, "nothing to do; refresh the CRL if the server does not refuse it yet")
	}
	return err
}

// ExistsError is Create's refusal of a directory that already holds a CA, as
// CreateHint words it; it matches ErrExists, so that a caller can use the CA a
// concurrent run just made.
type ExistsError struct{ Dir string }

func (e *ExistsError) Error() string { return e.Dir + " already holds a CA" }

// Unwrap returns ErrExists.
func (e *ExistsError) Unwrap() error { return ErrExists }

// CreateHint returns err of Create(dir, ...) in pgcert's words, with what to do
// about it: an existing CA is never replaced, a directory holding other files or
// part of a CA is left alone. Other errors are returned unchanged.
func CreateHint(dir string, err error) error {
	var ne *NotEmptyError
	var ie *IncompleteError
	switch {
	case errors.Is(err, ErrExists):
		return &hint.Error{Err: &ExistsError{dir},
			Hints: []string{"an existing CA is never replaced; choose another --ca-dir, or remove " + dir + " if you mean it"}}
	case errors.As(err, &ne):
		return hint.Errorf([]string{"give a new or empty directory with --ca-dir"}, "%s is not empty (it holds %s) and holds no CA", ne.Dir, ne.Name)
	case errors.As(err, &ie):
		return hint.Errorf([]string{
			"if " + filepath.Join(ie.Dir, CertFile) + " was lost, restore it from a backup or from a server's root.crt; else move " + ie.Dir + " away and run again",
		}, "%s holds %s of a CA but no %s: a new CA would overwrite its key, so nothing was written", ie.Dir, ie.Name, CertFile)
	}
	return err
}

// IntermediateHint returns err of CreateIntermediate(root, out, ...) in pgcert's
// words, with what to do about it (the new directory is -o of ca issue
// intermediate); errors of the root's signing go through IssueHint.
func IntermediateHint(root *CA, out string, err error) error {
	var ne *NotEmptyError
	var ie *IncompleteError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrExists):
		return hint.Errorf([]string{"an existing CA is never replaced; give another -o"}, "%s already holds a CA", out)
	case errors.As(err, &ne):
		return hint.Errorf([]string{"give a new or empty directory with -o"}, "%s is not empty (it holds %s) and holds no CA", ne.Dir, ne.Name)
	case errors.As(err, &ie):
		return hint.Errorf([]string{"move " + ie.Dir + " away and run again"}, "%s holds %s of a CA but no %s, so nothing was written", ie.Dir, ie.Name, CertFile)
	case errors.Is(err, ErrRootPathLen):
		return hint.Errorf([]string{"make a root that allows intermediates in a new CA directory (ca init with --intermediate)"},
			"the root CA %s has pathlen 0: it signs leaves only, and OpenSSL would reject every certificate under a CA it signed", root.Cert.Subject.CommonName)
	}
	return IssueHint(root, err)
}

// NeedRoot refuses a CA without its root certificate, which a client needs as
// root.crt: a CA directory whose root was taken away holds only the intermediate.
func NeedRoot(c *CA) error {
	if c.Root() == nil {
		return hint.Errorf([]string{fmt.Sprintf("put the root CA certificate into %s", filepath.Join(c.Dir, RootDir, CertFile))},
			"%s: the CA's root certificate is missing, and a client needs it as root.crt", c.Dir)
	}
	return nil
}

// RefuseInDataDir refuses a CA directory inside a PostgreSQL data directory (or
// inside dataDir, which may not be one yet), unless force: pg_basebackup would
// copy the CA key to every replica and backup.
func RefuseInDataDir(dir, dataDir string, force bool) error {
	var de *DataDirError
	if force || !errors.As(CheckCADir(dir, dataDir), &de) {
		return nil
	}
	return hint.Errorf([]string{
		"pg_basebackup copies the data directory whole, so the CA key would land on every replica and in every backup",
		"put the CA elsewhere with --ca-dir (the default is ~/.local/share/pgcert/ca), or add --force if you mean it",
	}, "the CA directory %s is inside the PostgreSQL data directory %s", dir, de.DataDir)
}

// SignHint returns err of signing the request read from reqFile (CSRRequest, then
// c.Issue; c is nil before the CA is opened) in pgcert's words: a request without
// a Common Name names no role, and what the request asks for is named as the
// request's. Nothing is recorded for a refused request, and the hint says so.
func SignHint(c *CA, reqFile string, err error) error {
	if errors.Is(err, ErrNoRole) {
		return hint.Errorf([]string{"the server's cert method logs in as the certificate's Common Name: make the request with -subj /CN=ROLE"},
			"%s: the request has no Common Name, so the certificate would name no role", reqFile)
	}
	var subj *selfsign.SubjectError
	var spec *selfsign.SpecError
	if errors.As(err, &subj) || errors.As(err, &spec) {
		err = fmt.Errorf("%s: %w", reqFile, err)
	}
	return hint.With(IssueHint(c, err), "the request is refused; nothing was recorded")
}

// EdDSAHints explain why an Ed25519 CA key is refused.
var EdDSAHints = []string{
	"SCRAM password logins over SSL fail with \"could not find digest for NID UNDEF\" when the server certificate is signed with EdDSA, even with channel_binding=prefer",
	"use --type ec (the default) or rsa for the CA; Ed25519 leaf keys signed by such a CA are fine; --force makes an Ed25519 CA anyway",
}

// RefuseEdDSA refuses an Ed25519 CA key (typ) unless force, with EdDSAHints:
// PostgreSQL's SCRAM channel binding cannot hash a certificate signed with it.
func RefuseEdDSA(typ keys.Type, force bool) error {
	if typ == keys.TypeEd25519 && !force {
		return hint.With(errors.New("refusing an Ed25519 CA key"), EdDSAHints...)
	}
	return nil
}

// NextAfterRevoke says how a revocation by c reaches the servers, one line each:
// pgcert renew for each data directory c serves (renew sees the revocation and
// makes the CRLs), else crl gen, whose output goes into ssl_crl_file.
func (c *CA) NextAfterRevoke() []string {
	dirs, err := c.DataDirs()
	if err != nil || len(dirs) == 0 {
		return []string{"servers refuse it once their ssl_crl_file holds the CA's new CRLs (write them there, then reload the servers), which this prints: pgcert crl gen --ca-dir " + words.ShellWord(c.Dir)}
	}
	var out []string
	for _, d := range dirs {
		out = append(out, "the server refuses it once it has a new CRL: pgcert renew -D "+words.ShellWord(d)+" --reload")
	}
	return out
}

// NotStepError refuses the step-ca at url for dataDir, whose record names a CA
// directory instead (ReadStepRecord's ErrNotStep), so that a data directory does
// not change CAs by a flag given in passing. For init (moveCmd ""), the hints
// keep the recorded CA or name --new-ca; for renew, they leave out --ca-url or
// run moveCmd, the init that moves the data directory to the step-ca.
func NotStepError(dataDir, url, moveCmd string) error {
	old, _ := ReadDataDirRecord(dataDir)
	record := filepath.Join(dataDir, DataDirFile)
	if moveCmd == "" {
		return hint.Errorf([]string{
			"keep the data directory's CA: pgcert init -D " + words.ShellWord(dataDir) + " --ca-dir " + words.ShellWord(old.CADir) + " --force",
			"add --new-ca to replace its files with the step-ca's: clients that trust the old CA, and every client certificate it issued, stop working",
		}, "%s records the CA directory %s, not the step-ca at %s; nothing was written", record, old.CADir, url)
	}
	return hint.Errorf([]string{"leave out --ca-url to renew from the data directory's CA",
		"to move the data directory to the step-ca (every client of the old CA then stops working): " + moveCmd},
		"%s records the CA directory %s, not the step-ca at %s", record, old.CADir, url)
}
