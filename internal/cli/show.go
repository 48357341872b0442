package cli

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/iostreams"
	"github.com/pgcert/pgcert/pkg/inspect"
	"github.com/pgcert/pgcert/pkg/keys"
)

// showOptions are the arguments of `pgcert show`.
type showOptions struct {
	f      *Factory
	PassIn string
	Files  []string
}

func newShowCmd(f *Factory, runF func(*showOptions) error) *cobra.Command {
	opts := &showOptions{f: f}
	cmd := &cobra.Command{
		Use:   "show FILE...",
		Short: "describe certificates, requests, CRLs and keys",
		Long:  help.Long("show"), Example: help.Example("show"),
		Args:              minArgs(1, "at least one FILE"),
		ValidArgsFunction: pkiFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.PassIn, "passin", "", "password `SOURCE` of PKCS#12 files: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	return cmd
}

// shownFile is one file and what it holds.
type shownFile struct {
	Path string `json:"path"`
	// PathB64 carries a path that is not valid UTF-8 losslessly (see pathB64).
	PathB64 string            `json:"path_b64,omitempty"`
	Objects []*inspect.Object `json:"objects"`
}

func showRun(opts *showOptions) error {
	files, err := opts.f.describeFilesPass(opts.Files, nil, opts.PassIn)
	if err != nil {
		return err
	}
	return opts.f.printShownFiles(files)
}

// describeFiles reads and describes every file before anything is printed, so that
// a bad file fails the command without half an output. keep, when not nil, picks
// what of a file's objects is shown, or refuses the file.
func (f *Factory) describeFiles(paths []string, keep func(path string, objs []*inspect.Object) ([]*inspect.Object, error)) ([]shownFile, error) {
	return f.describeFilesPass(paths, keep, "")
}

// describeFilesPass is describeFiles that opens PKCS#12 files with the --passin
// source passSpec.
func (f *Factory) describeFilesPass(paths []string, keep func(path string, objs []*inspect.Object) ([]*inspect.Object, error), passSpec string) ([]shownFile, error) {
	now := f.Now()
	var files []shownFile
	for _, path := range paths {
		data, err := f.readInput(path)
		if err != nil {
			return nil, err
		}
		var objs []*inspect.Object
		if keys.IsPKCS12(data) {
			objs, err = f.describePKCS12(path, data, passSpec)
		} else {
			stop := f.IO.StartProgress("reading " + path)
			objs, err = inspect.Describe(data, now)
			stop()
			if err != nil {
				err = showError(path, err)
			}
		}
		if err != nil {
			return nil, err
		}
		if keep != nil {
			if objs, err = keep(path, objs); err != nil {
				return nil, err
			}
		}
		files = append(files, shownFile{Path: path, PathB64: fsutil.PathB64(path), Objects: objs})
	}
	return files, nil
}

// describePKCS12 describes the certificates of a PKCS#12 file, then its key.
func (f *Factory) describePKCS12(path string, data []byte, passSpec string) ([]*inspect.Object, error) {
	p12, err := keys.ParsePKCS12(data, f.existingPassphrase("--passin", passSpec, path))
	if err != nil {
		return nil, keyError(path, "--passin", err)
	}
	var certs []byte
	for _, c := range append([]*x509.Certificate{p12.Cert}, p12.CACerts...) {
		certs = append(certs, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	objs, err := inspect.Describe(certs, f.Now())
	if err != nil {
		return nil, showError(path, err)
	}
	for _, o := range objs {
		o.Encoding, o.PEMType = inspect.EncodingDER, ""
	}
	info := p12.Key.Info
	return append(objs, &inspect.Object{Type: inspect.TypePrivateKey, Encoding: inspect.EncodingDER, PrivateKey: &info}), nil
}

// printShownFiles prints described files: one JSON document with --json, else
// each file's objects, a blank line between files.
func (f *Factory) printShownFiles(files []shownFile) error {
	if f.Global.JSON {
		return writeShowJSON(f.IO.Out, files)
	}
	for i, file := range files {
		if i > 0 {
			fmt.Fprintln(f.IO.Out)
		}
		if err := f.printShown(file); err != nil {
			return err
		}
	}
	return nil
}

// showError names the file in a description error and says what to do.
func showError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "inspect: ")
	var hints []string
	var fe *keys.FormatError
	var unrecognized *inspect.UnrecognizedError
	switch {
	case errors.As(err, &fe) && fe.Hint != "":
		hints = append(hints, fe.Hint)
	case errors.As(err, &unrecognized):
		hints = append(hints, "pgcert show reads PEM files (-----BEGIN CERTIFICATE----- and the like) and DER certificates, requests, CRLs and keys")
	case errors.Is(err, inspect.ErrUndecodablePEM):
		hints = append(hints, "the file is damaged or truncated; copy it again from its source")
	}
	return &Error{Err: fmt.Errorf("%s: %s", path, msg), Hints: hints}
}

// field is one labelled line of human output.
type showField struct{ label, value string }

// writeFields prints fields as an aligned two-column list, indented by two spaces.
func writeShowFields(w io.Writer, fields []showField) {
	width := 0
	for _, fl := range fields {
		width = max(width, len(fl.label))
	}
	for _, fl := range fields {
		fmt.Fprintf(w, "  %-*s  %s\n", width+1, fl.label+":", fl.value)
	}
}

func (f *Factory) printShown(file shownFile) error {
	w := f.IO.Out
	cs := f.IO.OutColors()
	count := map[inspect.Type]int{}
	for _, o := range file.Objects {
		count[o.Type]++
	}
	seen := map[inspect.Type]int{}
	for i, o := range file.Objects {
		if i > 0 {
			fmt.Fprintln(w)
		}
		seen[o.Type]++
		heading := showObjectName(o.Type)
		if count[o.Type] > 1 {
			heading = fmt.Sprintf("%s %d of %d", heading, seen[o.Type], count[o.Type])
		}
		fmt.Fprintf(w, "%s: %s (%s)\n", file.Path, cs.Bold(heading), showEncoding(o))
		switch {
		case o.Certificate != nil:
			writeShowFields(w, showCertificateFields(o.Certificate, cs))
		case o.Request != nil:
			writeShowFields(w, showRequestFields(o.Request, cs))
		case o.CRL != nil:
			if err := showCRL(w, o.CRL, cs); err != nil {
				return err
			}
		case o.PrivateKey != nil:
			writeShowFields(w, showPrivateKeyFields(o.PrivateKey))
		case o.PublicKey != nil:
			writeShowFields(w, []showField{{"public key", showPublicKey(*o.PublicKey)}, {"fingerprint", o.PublicKey.Fingerprint}})
		}
	}
	return nil
}

func showObjectName(t inspect.Type) string {
	switch t {
	case inspect.TypeCertificate:
		return "certificate"
	case inspect.TypeRequest:
		return "certificate request"
	case inspect.TypeCRL:
		return "CRL"
	case inspect.TypePrivateKey:
		return "private key"
	case inspect.TypePublicKey:
		return "public key"
	}
	return string(t)
}

func showEncoding(o *inspect.Object) string {
	if o.PEMType != "" {
		return fmt.Sprintf("PEM %q", o.PEMType)
	}
	return o.Encoding
}

// showSoonDays is when an expiry is shown as a warning: a month leaves time to renew
// and to put the new file in place before connections start failing.
const showSoonDays = 30

// showTime is the layout of times in human output: UTC, to the second.
const showTime = "2006-01-02 15:04:05 MST"

// showDays says how long until an expiry, coloured by urgency. days are whole days
// rounded toward zero (inspect.DaysLeft), so the last day, and the first after an
// expiry, are 0.
func showDays(status string, days int, cs *iostreams.ColorScheme) string {
	switch {
	case status == inspect.Expired && days == 0:
		return cs.Red("(expired less than a day ago)")
	case status == inspect.Expired:
		return cs.Red(fmt.Sprintf("(expired %s ago)", plural(-days, "day", "days")))
	case status == inspect.NotYetValid:
		return cs.Yellow("(not valid yet)")
	case days == 0:
		return cs.Yellow("(less than a day left)")
	case days < showSoonDays:
		return cs.Yellow(fmt.Sprintf("(%s left)", plural(days, "day", "days")))
	}
	return cs.Green(fmt.Sprintf("(%s left)", plural(days, "day", "days")))
}

func showList(items []string) string {
	if len(items) == 0 {
		return "(none)"
	}
	return strings.Join(items, ", ")
}

func showOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func showPublicKey(p inspect.PublicKey) string {
	switch {
	case p.Curve != "":
		return p.Algorithm + " " + p.Curve
	case p.Algorithm == "RSA", p.Algorithm == "RSA-PSS":
		return fmt.Sprintf("%s %d bits", p.Algorithm, p.Bits)
	}
	return p.Algorithm
}

func showCertificateFields(c *inspect.Certificate, cs *iostreams.ColorScheme) []showField {
	issuer := c.Issuer
	if c.SelfSigned {
		issuer += " (self-signed)"
	}
	bc := "(none)"
	if b := c.BasicConstraints; b != nil {
		bc = "CA:FALSE"
		if b.CA {
			bc = "CA:TRUE"
		}
		if b.PathLen != nil {
			bc += fmt.Sprintf(", pathlen:%d", *b.PathLen)
		}
		if b.Critical {
			bc += " (critical)"
		}
	}
	return []showField{
		{"subject", c.Subject},
		{"issuer", issuer},
		{"serial", c.Serial},
		{"not before", c.NotBefore.Format(showTime)},
		{"not after", c.NotAfter.Format(showTime) + " " + showDays(c.Validity, c.DaysLeft, cs)},
		{"names (SAN)", showList(c.SANs.Strings())},
		{"public key", showPublicKey(c.PublicKey)},
		{"signature", c.SignatureAlgorithm},
		{"key usage", showList(c.KeyUsage)},
		{"extended key usage", showList(c.ExtKeyUsage)},
		{"basic constraints", bc},
		{"subject key id", showOrNone(c.SubjectKeyID)},
		{"authority key id", showOrNone(c.AuthorityKeyID)},
		{"sha256 fingerprint", c.SHA256Fingerprint},
		{"public key sha256", c.PublicKey.Fingerprint},
	}
}

func showRequestFields(r *inspect.Request, cs *iostreams.ColorScheme) []showField {
	sig := cs.Green("valid (made with the key it carries)")
	if !r.SignatureValid {
		sig = cs.Red("INVALID: the request was altered or not signed by its key")
	}
	return []showField{
		{"subject", r.Subject},
		{"names (SAN)", showList(r.SANs.Strings())},
		{"public key", showPublicKey(r.PublicKey)},
		{"signature", r.SignatureAlgorithm + ", " + sig},
		{"public key sha256", r.PublicKey.Fingerprint},
	}
}

func showPrivateKeyFields(k *keys.Info) []showField {
	fields := []showField{
		{"type", describeKey(*k)},
		{"format", k.Container + " " + k.Encoding},
		{"encrypted", describeEncryption(*k)},
	}
	if k.Fingerprint != "" {
		fields = append(fields, showField{"public key sha256", k.Fingerprint})
	} else {
		fields = append(fields, showField{"public key sha256", "(unknown until decrypted: pgcert key show --passin ...)"})
	}
	return fields
}

// writeCRL prints a CRL's header and then its entries one line each, read from
// the CRL as they are printed.
func showCRL(w io.Writer, c *inspect.CRL, cs *iostreams.ColorScheme) error {
	next := "(none: the CRL never expires)"
	if c.NextUpdate != nil {
		next = c.NextUpdate.Format(showTime) + " " + showDays(c.Status, *c.DaysLeft, cs)
	}
	fields := []showField{
		{"issuer", c.Issuer},
		{"number", showOrNone(c.Number)},
		{"this update", c.ThisUpdate.Format(showTime)},
		{"next update", next},
		{"signature", c.SignatureAlgorithm},
		{"authority key id", showOrNone(c.AuthorityKeyID)},
		{"sha256 fingerprint", c.SHA256Fingerprint},
		{"revoked", plural(c.EntryCount, "certificate", "certificates")},
	}
	writeShowFields(w, fields)
	return c.ScanEntries(func(e inspect.CRLEntry) error {
		line := "    " + e.Serial + "  revoked " + e.RevocationTime.Format(showTime)
		if e.Reason != "" {
			line += "  " + e.Reason
		}
		if e.InvalidityDate != nil {
			line += "  (invalid since " + e.InvalidityDate.Format(showTime) + ")"
		}
		_, err := fmt.Fprintln(w, line)
		return err
	})
}
