package crl

import (
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
)

// FileHint says what a CRL file looks like, for errors about one.
const FileHint = "a CRL file is PEM (-----BEGIN X509 CRL-----, any number of them) or one DER CRL, as openssl crl writes it"

// ParseFile parses every CRL of the file path holding data, in order. A file
// without a CRL, or with a damaged one, is an error naming it, with FileHint.
func ParseFile(path string, data []byte) ([]Input, error) {
	lists, err := ParseCRLs(data)
	switch {
	case errors.Is(err, ErrNoCRL):
		return nil, hint.Errorf([]string{FileHint}, "%s holds no CRL", path)
	case err != nil:
		return nil, hint.With(fmt.Errorf("%s: %w", path, err), FileHint)
	}
	out := make([]Input, len(lists))
	for i, l := range lists {
		out[i] = Input{CRL: l, File: path}
	}
	return out, nil
}

// CheckCAs is Check against the CA certificates read from files (caFlag names
// them in messages, such as "--ca"), with a refusal explained by Explain: the CRL
// set a command writes must be one the server and libpq accept.
func CheckCAs(inputs []Input, cas []chain.Input, caFlag string, now time.Time, allowExpired bool) (*Checked, error) {
	certs := make([]*x509.Certificate, len(cas))
	for i, in := range cas {
		certs[i] = in.Cert
	}
	checked, err := Check(inputs, certs, now, allowExpired)
	var ce *CheckError
	if errors.As(err, &ce) {
		return nil, ce.Explain(cas, caFlag, "make a current CRL with pgcert crl gen, or add --allow-expired to use it all the same")
	}
	return checked, err
}

// Explain is the refusal for a person: every problem, naming the file at fault
// (and the file of a CA from cas) and what the server and libpq would do, with the
// hint of the problems' stage; outOfDate is the hint for CRLs out of date, which
// depends on what the command does with them.
func (e *CheckError) Explain(cas []chain.Input, caFlag, outOfDate string) error {
	var problems []string
	var h string
	for _, p := range e.Problems {
		files := strings.Join(p.Files, ", ")
		if files == "" {
			files = "a CRL file"
		}
		switch p.Kind {
		case BadSignature:
			problems = append(problems, fmt.Sprintf("%s: the CRL of %s is not signed by the CA of that name in %s (%v)", files, p.Issuer, caFlag, p.Err))
			h = fmt.Sprintf("a CRL is checked against the certificate of the CA that signed it: give that certificate with %s, or leave the CRL out", caFlag)
		case UnknownIssuer:
			problems = append(problems, fmt.Sprintf("%s: the CRL of %s was not issued by any CA in %s", files, p.Issuer, caFlag))
			h = fmt.Sprintf("a CRL is checked against the certificate of the CA that signed it: give that certificate with %s, or leave the CRL out", caFlag)
		case Expired:
			problems = append(problems, fmt.Sprintf("%s: the CRL of %s expired on %s: the server and libpq would reject every certificate of that CA (%s)",
				files, p.Issuer, p.Time.UTC().Format(time.RFC3339), chain.CRLHasExpired.Alert()))
			h = outOfDate
		case NotYetValid:
			problems = append(problems, fmt.Sprintf("%s: the CRL of %s is not valid before %s: until then the server and libpq would reject every certificate of that CA (%s)",
				files, p.Issuer, p.Time.UTC().Format(time.RFC3339), chain.CRLNotYetValid.Alert()))
			h = outOfDate
		case NoCRL:
			problems = append(problems, fmt.Sprintf("no CRL for the CA %s (%s): PostgreSQL would then reject every client certificate: %s",
				p.Issuer, caFileOf(cas, p.CA), chain.UnableToGetCRL.Alert()))
			h = "with any CRL configured, OpenSSL checks every CA of a chain, the root included: add the CRL of each CA (pgcert crl gen --ca-dir makes them all for a pgcert CA)"
		default:
			problems = append(problems, strings.TrimPrefix(p.Err.Error(), "crl: "))
			h = outOfDate
		}
	}
	msg := problems[0]
	if len(problems) > 1 {
		msg = fmt.Sprintf("%d problems:\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	return &hint.Error{Err: errors.New(msg), Hints: []string{h}}
}

// caFileOf names the file a CA certificate came from.
func caFileOf(cas []chain.Input, c *x509.Certificate) string {
	for _, in := range cas {
		if in.Cert == c {
			return "from " + in.File
		}
	}
	return "given"
}

// Refusal is the error for a plan that would replace (Replaced) or remove (Stale)
// files when that was not allowed: it names them, so that the admin sees what
// --force would change.
func (p *DirPlan) Refusal() error {
	var parts []string
	if replaced := p.Replaced(); len(replaced) > 0 {
		parts = append(parts, "replace "+words.And(baseNames(replaced)))
	}
	if len(p.Stale) > 0 {
		parts = append(parts, "remove "+words.And(baseNames(p.Stale))+" (no longer an input; OpenSSL would still read it)")
	}
	return hint.Errorf([]string{"add --force to update the directory; files with other names are never touched"},
		"%s already holds other CRLs: writing it would %s; nothing was written", p.Dir, words.And(parts))
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}
