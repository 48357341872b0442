package cli

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// readCertInputs reads every certificate of the files given on the command line, in
// order, each tagged with its file name so that every later message can say where a
// certificate came from. flag names the option the files came from ("" for
// positional arguments), for the hint.
func (f *Factory) readCertInputs(paths []string, flag string) ([]chain.Input, error) {
	ins, _, err := f.readPKIInputs(paths, flag, "--passin", "")
	return ins, err
}

// readPKIInputs is readCertInputs that also returns the keys of PKCS#12 (.p12,
// .pfx) files among paths, whose certificates are read with the others: the key, the
// certificate, then the CA certificates, as the file holds them. Such a file is opened
// with an empty password first (as many are), then with the passFlag source passSpec,
// or a prompt at a terminal.
func (f *Factory) readPKIInputs(paths []string, flag, passFlag, passSpec string) ([]chain.Input, []*keys.Key, error) {
	var out []chain.Input
	var found []*keys.Key
	for _, p := range paths {
		data, err := f.readInput(p)
		if err != nil {
			return nil, nil, err
		}
		if keys.IsPKCS12(data) {
			p12, err := keys.ParsePKCS12(data, f.existingPassphrase(passFlag, passSpec, p))
			if err != nil {
				return nil, nil, keyError(p, passFlag, err)
			}
			out = append(out, chain.Inputs(p, append([]*x509.Certificate{p12.Cert}, p12.CACerts...))...)
			found = append(found, p12.Key)
			continue
		}
		ins, err := chain.ReadInputs(p, data)
		if err != nil {
			what := "certificate files"
			if flag != "" {
				what = flag + " files"
			}
			return nil, nil, withHints(err, fmt.Sprintf("give %s in PEM (any number of CERTIFICATE blocks, text around them allowed), DER or PKCS#12", what))
		}
		out = append(out, ins...)
	}
	return out, found, nil
}

// certRef names a certificate in --json output without describing it in full: for
// the certificates a command set aside.
type certRef struct {
	Subject string `json:"subject"`
	File    string `json:"file"`
	SHA256  string `json:"sha256"`
}

func certRefs(ins []chain.Input) []certRef {
	out := make([]certRef, 0, len(ins))
	for _, in := range ins {
		out = append(out, certRef{Subject: chain.Subject(in.Cert), File: in.File, SHA256: chain.Fingerprint(in.Cert)})
	}
	return out
}

// inputList names certificates as messages do: "CN=a (a.pem); CN=b (b.pem)".
func inputList(ins []chain.Input) string {
	names := make([]string, len(ins))
	for i, in := range ins {
		names[i] = in.String()
	}
	return strings.Join(names, "; ")
}

// maxListed is how many certificates a warning names before it only counts the
// rest: a pile that includes a system trust store would otherwise name a hundred
// and more on one line.
const maxListed = 10

// shortInputList is inputList, shortened after maxListed certificates.
func shortInputList(ins []chain.Input) string {
	if len(ins) <= maxListed {
		return inputList(ins)
	}
	return fmt.Sprintf("%s; and %d more (--json lists them all)", inputList(ins[:maxListed]), len(ins)-maxListed)
}

// errorTexts are the messages of errors, without the "chain: " prefix of the library.
func errorTexts(errs []error) []string {
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		out = append(out, chainText(e))
	}
	return out
}

// expiryText says when a certificate ends, in the words of a trust bundle's comment
// lines: "expires 2027-06-01" or "expired 2026-01-01".
func expiryText(in chain.Input, now time.Time) string {
	verb := "expires"
	if !now.Before(in.Cert.NotAfter) {
		verb = "expired"
	}
	return verb + " " + in.Cert.NotAfter.UTC().Format(time.DateOnly)
}
