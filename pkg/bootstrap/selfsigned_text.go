package bootstrap

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// ErrEdDSASelfSigned refuses an Ed25519 self-signed server certificate: it is
// signed with its own key, and an EdDSA signature breaks SCRAM channel binding
// ("could not find digest for NID UNDEF"). Its hints say what to use instead.
var ErrEdDSASelfSigned = hint.With(errors.New("refusing an Ed25519 self-signed server certificate: its signature would be EdDSA"),
	"SCRAM password logins over SSL fail with \"could not find digest for NID UNDEF\" when the server certificate is signed with EdDSA, even with channel_binding=prefer",
	"use --type ec (the default) or rsa; an Ed25519 server key signed by an ec or rsa CA is fine when an ec or rsa CA signs it (pgcert ca issue server --type ed25519); --force writes it anyway")

// RefuseCAIssued refuses, unless newCA, to replace the data directory's
// server.crt when a CA issued it: clients that trust that CA would stop
// verifying the server. The error names the CA and its directory when the
// data directory records it, and says how to renew from it instead.
func RefuseCAIssued(dataDir string, newCA bool) error {
	certPath := filepath.Join(dataDir, pgdata.DefaultSSLFiles.Cert)
	issuer := IssuedByCA(certPath)
	if issuer == "" || newCA {
		return nil
	}
	where := "its CA directory is not recorded"
	if rec, err := ca.ReadDataDirRecord(dataDir); err == nil {
		where = "CA directory " + rec.CADir
	}
	return hint.Errorf([]string{
		"renew it from its CA instead: pgcert renew -D " + words.ShellWord(dataDir) + " --force",
		"add --new-ca to replace it with a self-signed certificate: clients that trust " + issuer + " stop verifying the server",
	}, "%s was issued by the CA %s (%s), not self-signed; nothing was written", certPath, issuer, where)
}

// WriteText writes what `pgcert selfsign -D` prints: the files and the
// certificate to info (progress, which a caller may discard), and to conf
// the postgresql.conf lines that turn SSL on, after saying where they go.
func (r *SelfSignedResult) WriteText(info, conf io.Writer) error {
	cert := r.Certificate
	for _, f := range r.Files {
		fmt.Fprintf(info, "wrote %s: mode %s, owner %s:%s\n", f.Path, f.Mode, f.Owner, f.Group)
	}
	fmt.Fprintf(info, "certificate for %s, valid until %s (%s)\n", words.List(cert.SANs.Strings()), cert.NotAfter.Format(words.TimeLayout), words.Plural(r.Days, "day", "days"))
	file := r.ConfigFile
	if file == "" {
		file = filepath.Join(r.DataDirectory, pgdata.ConfFileName)
	}
	if r.AlreadyOn {
		fmt.Fprintf(info, "ssl is already on with these files: reload the server (pg_ctl reload, or SELECT pg_reload_conf()) to use them\n")
	} else {
		fmt.Fprintf(info, "add to %s, then restart the server:\n", file)
	}
	for _, l := range r.ConfLines {
		if _, err := fmt.Fprintln(conf, l); err != nil {
			return err
		}
	}
	return nil
}
