package inspect

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/style"
)

// File is one file and what it holds, as `pgcert show` reports it.
type File struct {
	Path string `json:"path"`
	// PathB64 carries a path that is not valid UTF-8 losslessly (fsutil.PathB64).
	PathB64 string    `json:"path_b64,omitempty"`
	Objects []*Object `json:"objects"`
}

// SoonDays is when an expiry is shown as a warning: a month leaves time to renew
// and to put the new file in place before connections start failing.
const SoonDays = 30

// WriteText writes the files as `pgcert show` prints them: per object a heading
// naming the file, the kind of object and its encoding, then its fields, a blank
// line between objects and between files. A CRL's entries are read from the CRL as
// they are written, so a CRL of a million entries needs no more memory than one.
func WriteText(w io.Writer, files []File, s style.Style) error {
	for i, file := range files {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := writeFileText(w, file, s); err != nil {
			return err
		}
	}
	return nil
}

func writeFileText(w io.Writer, file File, s style.Style) error {
	count := map[Type]int{}
	for _, o := range file.Objects {
		count[o.Type]++
	}
	seen := map[Type]int{}
	for i, o := range file.Objects {
		if i > 0 {
			fmt.Fprintln(w)
		}
		seen[o.Type]++
		heading := objectName(o.Type)
		if count[o.Type] > 1 {
			heading = fmt.Sprintf("%s %d of %d", heading, seen[o.Type], count[o.Type])
		}
		fmt.Fprintf(w, "%s: %s (%s)\n", file.Path, s.Bold(heading), encodingText(o))
		switch {
		case o.Certificate != nil:
			style.Fields(w, certificateFields(o.Certificate, s))
		case o.Request != nil:
			style.Fields(w, requestFields(o.Request, s))
		case o.CRL != nil:
			if err := writeCRLText(w, o.CRL, s); err != nil {
				return err
			}
		case o.PrivateKey != nil:
			k := o.PrivateKey
			fp := k.Fingerprint
			if fp == "" {
				fp = "(unknown until decrypted: pgcert key show --passin ...)"
			}
			style.Fields(w, []style.Field{
				{Label: "type", Value: k.Describe()},
				{Label: "format", Value: k.Container + " " + k.Encoding},
				{Label: "encrypted", Value: k.DescribeEncryption()},
				{Label: "public key sha256", Value: fp},
			})
		case o.PublicKey != nil:
			style.Fields(w, []style.Field{{Label: "public key", Value: publicKeyText(*o.PublicKey)}, {Label: "fingerprint", Value: o.PublicKey.Fingerprint}})
		}
	}
	return nil
}

func objectName(t Type) string {
	switch t {
	case TypeCertificate:
		return "certificate"
	case TypeRequest:
		return "certificate request"
	case TypeCRL:
		return "CRL"
	case TypePrivateKey:
		return "private key"
	case TypePublicKey:
		return "public key"
	}
	return string(t)
}

func encodingText(o *Object) string {
	if o.PEMType != "" {
		return fmt.Sprintf("PEM %q", o.PEMType)
	}
	return o.Encoding
}

// daysText says how long until an expiry, painted by urgency. days are whole days
// rounded toward zero (DaysLeft), so the last day, and the first after an expiry,
// are 0.
func daysText(status string, days int, s style.Style) string {
	switch {
	case status == Expired && days == 0:
		return s.Red("(expired less than a day ago)")
	case status == Expired:
		return s.Red(fmt.Sprintf("(expired %s ago)", words.Plural(-days, "day", "days")))
	case status == NotYetValid:
		return s.Yellow("(not valid yet)")
	case days == 0:
		return s.Yellow("(less than a day left)")
	case days < SoonDays:
		return s.Yellow(fmt.Sprintf("(%s left)", words.Plural(days, "day", "days")))
	}
	return s.Green(fmt.Sprintf("(%s left)", words.Plural(days, "day", "days")))
}

func publicKeyText(p PublicKey) string {
	switch {
	case p.Curve != "":
		return p.Algorithm + " " + p.Curve
	case p.Algorithm == "RSA", p.Algorithm == "RSA-PSS":
		return fmt.Sprintf("%s %d bits", p.Algorithm, p.Bits)
	}
	return p.Algorithm
}

func certificateFields(c *Certificate, s style.Style) []style.Field {
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
	return []style.Field{
		{Label: "subject", Value: c.Subject},
		{Label: "issuer", Value: issuer},
		{Label: "serial", Value: c.Serial},
		{Label: "not before", Value: c.NotBefore.Format(words.TimeLayout)},
		{Label: "not after", Value: c.NotAfter.Format(words.TimeLayout) + " " + daysText(c.Validity, c.DaysLeft, s)},
		{Label: "names (SAN)", Value: words.List(c.SANs.Strings())},
		{Label: "public key", Value: publicKeyText(c.PublicKey)},
		{Label: "signature", Value: c.SignatureAlgorithm},
		{Label: "key usage", Value: words.List(c.KeyUsage)},
		{Label: "extended key usage", Value: words.List(c.ExtKeyUsage)},
		{Label: "basic constraints", Value: bc},
		{Label: "subject key id", Value: words.OrNone(c.SubjectKeyID)},
		{Label: "authority key id", Value: words.OrNone(c.AuthorityKeyID)},
		{Label: "sha256 fingerprint", Value: c.SHA256Fingerprint},
		{Label: "public key sha256", Value: c.PublicKey.Fingerprint},
	}
}

func requestFields(r *Request, s style.Style) []style.Field {
	sig := s.Green("valid (made with the key it carries)")
	if !r.SignatureValid {
		sig = s.Red("INVALID: the request was altered or not signed by its key")
	}
	return []style.Field{
		{Label: "subject", Value: r.Subject},
		{Label: "names (SAN)", Value: words.List(r.SANs.Strings())},
		{Label: "public key", Value: publicKeyText(r.PublicKey)},
		{Label: "signature", Value: r.SignatureAlgorithm + ", " + sig},
		{Label: "public key sha256", Value: r.PublicKey.Fingerprint},
	}
}

// writeCRLText writes a CRL's header and then its entries one line each.
func writeCRLText(w io.Writer, c *CRL, s style.Style) error {
	next := "(none: the CRL never expires)"
	if c.NextUpdate != nil {
		next = c.NextUpdate.Format(words.TimeLayout) + " " + daysText(c.Status, *c.DaysLeft, s)
	}
	style.Fields(w, []style.Field{
		{Label: "issuer", Value: c.Issuer},
		{Label: "number", Value: words.OrNone(c.Number)},
		{Label: "this update", Value: c.ThisUpdate.Format(words.TimeLayout)},
		{Label: "next update", Value: next},
		{Label: "signature", Value: c.SignatureAlgorithm},
		{Label: "authority key id", Value: words.OrNone(c.AuthorityKeyID)},
		{Label: "sha256 fingerprint", Value: c.SHA256Fingerprint},
		{Label: "revoked", Value: words.Plural(c.EntryCount, "certificate", "certificates")},
	})
	return c.ScanEntries(func(e CRLEntry) error {
		line := "    " + e.Serial + "  revoked " + e.RevocationTime.Format(words.TimeLayout)
		if e.Reason != "" {
			line += "  " + e.Reason
		}
		if e.InvalidityDate != nil {
			line += "  (invalid since " + e.InvalidityDate.Format(words.TimeLayout) + ")"
		}
		_, err := fmt.Fprintln(w, line)
		return err
	})
}

// crlEntriesMark stands for a CRL's entries while the rest of its object is
// marshalled. JSON escapes the NUL bytes, so the marshalled mark is a string no
// field of a CRL can hold: issuers are printed with control characters escaped,
// and the other fields are numbers, times and hex.
const crlEntriesMark = "\x00entries\x00"

// crlJSON is a CRL as `pgcert show --json` writes it: the description, then its
// entries.
type crlJSON struct {
	*CRL
	Entries string `json:"entries"`
}

// objectJSON is an object with its CRL, if any, replaced by crlJSON.
type objectJSON struct {
	*Object
	CRL *crlJSON `json:"crl,omitempty"`
}

// WriteJSON writes {"files": [...]}, the `pgcert show --json` document, indented by
// two spaces as json.MarshalIndent would, but streams each CRL's entries from the
// CRL itself, so that a CRL of a million entries is shown without a million structs
// in memory.
func WriteJSON(out io.Writer, files []File) error {
	w := bufio.NewWriterSize(out, 64<<10)
	w.WriteString("{\n  \"files\": [")
	for i, file := range files {
		if i > 0 {
			w.WriteString(",")
		}
		path, err := json.Marshal(file.Path)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n    {\n      \"path\": %s,", path)
		if file.PathB64 != "" {
			fmt.Fprintf(w, "\n      \"path_b64\": %q,", file.PathB64)
		}
		w.WriteString("\n      \"objects\": [")
		for j, o := range file.Objects {
			if j > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n        ")
			if err := writeObjectJSON(w, o, "        "); err != nil {
				return err
			}
		}
		w.WriteString("\n      ]\n    }")
	}
	w.WriteString("\n  ]\n}\n")
	return w.Flush()
}

func writeObjectJSON(w *bufio.Writer, o *Object, indent string) error {
	v := objectJSON{Object: o}
	if o.CRL != nil {
		v.CRL = &crlJSON{CRL: o.CRL, Entries: crlEntriesMark}
	}
	data, err := json.MarshalIndent(v, indent, "  ")
	if err != nil {
		return err
	}
	if o.CRL == nil {
		_, err := w.Write(data)
		return err
	}
	mark, _ := json.Marshal(crlEntriesMark)
	at := bytes.LastIndex(data, mark)
	if at < 0 {
		return fmt.Errorf("inspect: internal error: CRL entries mark not found")
	}
	// The entries' key sits two levels below the object: its own indentation, and
	// its elements' one more.
	entryIndent := indent + "      "
	w.Write(data[:at])
	w.WriteString("[")
	n := 0
	err = o.CRL.ScanEntries(func(e CRLEntry) error {
		if n > 0 {
			w.WriteString(",")
		}
		n++
		b, err := json.MarshalIndent(e, entryIndent, "  ")
		if err != nil {
			return err
		}
		w.WriteString("\n" + entryIndent)
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if n > 0 {
		w.WriteString("\n" + indent + "    ")
	}
	w.WriteString("]")
	_, err = w.Write(data[at+len(mark):])
	return err
}
