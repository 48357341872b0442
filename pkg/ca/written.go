package ca

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
)

// CreatedReport is a CA that Create or CreateIntermediate just made, with its
// files: the --json document of ca init and ca issue intermediate, and the text
// they print.
type CreatedReport struct {
	Summary
	Created bool                `json:"created"`
	Files   []fsutil.FileReport `json:"files,omitempty"`

	keyPath string
	// parent is the root an intermediate was made under, nil for a new CA.
	parent *CA
}

// CreatedReport describes c, just made under parent (CreateIntermediate's root),
// or nil for a CA made by Create. Only the files in c.Dir are listed: an
// intermediate's root files were there before and belong to the root.
func (c *CA) CreatedReport(parent *CA) CreatedReport {
	r := CreatedReport{Summary: c.Summary(), Created: true, keyPath: c.KeyPath(), parent: parent}
	for _, p := range c.Files() {
		if Within(p, c.Dir) {
			r.Files = append(r.Files, fsutil.ReportPath(p))
		}
	}
	return r
}

// WriteText writes what was made: the root and intermediate certificates, the
// key, and what to do next (for a new intermediate, the commands that issue from
// it, as it is not the default CA).
func (r CreatedReport) WriteText(w io.Writer) error {
	if r.parent != nil {
		_, err := fmt.Fprintf(w, "created an intermediate CA in %s\n"+
			"  intermediate CA: %s (until %s)\n    %s\n"+
			"  signed by:       %s, in %s (linked as %s)\n"+
			"  CA key:          %s, mode 0600\n"+
			"a server certificate for this host: pgcert ca issue server --ca-dir %s\n"+
			"a client bundle for role postgres:  pgcert ca issue client --ca-dir %s --user postgres\n",
			r.Dir, r.Intermediate.Subject, r.Intermediate.NotAfter[:10], r.Intermediate.File,
			r.Root.Subject, r.parent.Dir, filepath.Join(r.Dir, RootDir), r.keyPath,
			words.ShellWord(r.Dir), words.ShellWord(r.Dir))
		return err
	}
	fmt.Fprintf(w, "created a CA in %s\n", r.Dir)
	fmt.Fprintf(w, "  root CA:         %s (until %s)\n    %s\n", r.Root.Subject, r.Root.NotAfter[:10], r.Root.File)
	if r.Intermediate != nil {
		fmt.Fprintf(w, "  intermediate CA: %s (until %s), signs every certificate\n    %s\n", r.Intermediate.Subject, r.Intermediate.NotAfter[:10], r.Intermediate.File)
	}
	enc := "not encrypted"
	if r.KeyEncrypted {
		enc = "encrypted"
	}
	fmt.Fprintf(w, "  CA key:          %s, mode 0600, %s\n", r.keyPath, enc)
	_, err := fmt.Fprintf(w, "clients and servers trust %s (root.crt)\n", r.Root.File)
	return err
}

// IssuedFiles is a certificate the CA issued and the files written for it: the
// --json document of ca issue server and ca sign.
type IssuedFiles struct {
	IssuedReport
	Files []fsutil.FileReport `json:"files"`
}

// IssuedFiles describes is, issued by c, and the files written for it.
func (c *CA) IssuedFiles(is *Issued, written []*fsutil.Written) IssuedFiles {
	r := IssuedFiles{IssuedReport: c.IssuedReport(is), Files: []fsutil.FileReport{}}
	for _, x := range written {
		r.Files = append(r.Files, fsutil.Report(x))
	}
	return r
}

// WriteServerText writes what ca issue server prints: the certificate, the files,
// and the sslrootcert clients verify it with, rootCert ("" for a step-ca's root,
// which pgcert has no file of).
func (r IssuedFiles) WriteServerText(w io.Writer, rootCert string) error {
	fmt.Fprintf(w, "issued server certificate %s for %s, until %s\n", r.Serial, r.SANs, r.NotAfter[:10])
	for _, f := range r.Files {
		fmt.Fprintf(w, "  wrote %s (mode %s)\n", f.Path, f.Mode)
	}
	if rootCert == "" {
		_, err := fmt.Fprintf(w, "clients verify it with sslmode=verify-full and the step-ca's root as sslrootcert\n")
		return err
	}
	_, err := fmt.Fprintf(w, "clients verify it with sslmode=verify-full sslrootcert=%s\n", ConnValue(rootCert))
	return err
}

// BundleReport is a client bundle as written: the --json document of ca issue
// client.
type BundleReport struct {
	ClientBundle
	Files []fsutil.FileReport `json:"files"`
}

// WriteText writes what ca issue client prints: the certificate, the files with
// their owners, and the connection string, with a note to add host= when
// hostGiven is false (verify-full needs a name in the server certificate).
func (b *BundleReport) WriteText(w io.Writer, hostGiven bool) error {
	fmt.Fprintf(w, "issued client certificate %s for role %q, until %s\n", b.Serial, b.Role, b.NotAfter[:10])
	b.writeOwnedFiles(w)
	b.WriteConnect(w)
	if !hostGiven {
		_, err := fmt.Fprintln(w, "(add host=NAME, a name in the server certificate)")
		return err
	}
	return nil
}

func (b *BundleReport) writeOwnedFiles(w io.Writer) {
	for _, f := range b.Files {
		fmt.Fprintf(w, "  wrote %s (mode %s, owner %s:%s)\n", f.Path, f.Mode, f.Owner, f.Group)
	}
}

// WriteConnect writes the psql command line that uses the bundle.
func (b *BundleReport) WriteConnect(w io.Writer) error {
	_, err := fmt.Fprintf(w, "connect with:\n  psql \"%s\"\n", b.ConnString)
	return err
}

// BundleRenewal is a client bundle written anew, and the certificate it replaces:
// the --json document of ca renew client.
type BundleRenewal struct {
	BundleReport
	OldSerial   string `json:"old_serial"`
	OldNotAfter string `json:"old_not_after"`
	OldRevoked  bool   `json:"old_revoked"`
	Rekeyed     bool   `json:"rekeyed"`
}

// WriteText writes what ca renew client prints from a CA directory, up to the
// revocation of the old certificate; the connection string (WriteConnect) comes
// after what the caller says about reaching the servers with the revocation.
func (r *BundleRenewal) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "renewed the client certificate of role %q: serial %s until %s (replaces %s, until %s)\n",
		r.Role, r.Serial, r.NotAfter[:10], r.OldSerial, r.OldNotAfter[:10])
	if r.Rekeyed {
		fmt.Fprintln(w, "  with a new key")
	}
	for _, f := range r.Files {
		fmt.Fprintf(w, "  wrote %s (mode %s)\n", f.Path, f.Mode)
	}
	if r.OldRevoked {
		_, err := fmt.Fprintf(w, "revoked %s (superseded)\n", r.OldSerial)
		return err
	}
	return nil
}

// WriteStepText writes what ca renew client prints when the step-ca at url
// renewed the certificate.
func (r *BundleRenewal) WriteStepText(w io.Writer, url string) error {
	_, err := fmt.Fprintf(w, "renewed the client certificate of %q with the step-ca %s: %s (was %s), until %s\n", r.Role, url, r.Serial, r.OldSerial, r.NotAfter[:10])
	r.writeOwnedFiles(w)
	return err
}
