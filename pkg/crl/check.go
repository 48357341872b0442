package crl

import (
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Input is a CRL and the file it was read from, which problems name.
type Input struct {
	CRL  *x509.RevocationList
	File string
}

// ProblemKind says what is wrong with a CRL set.
type ProblemKind int

// The kinds of Problem. They come in three stages, and Check reports only the first
// stage that has any: a CRL that is not its CA's (BadSignature, UnknownIssuer), then
// a CRL out of date (Expired, NotYetValid, Other), then a CA without a CRL (NoCRL).
const (
	// BadSignature: a CA of the CRL's issuer name is given, but did not sign it.
	BadSignature ProblemKind = iota
	// UnknownIssuer: no CA of the CRL's issuer name is given.
	UnknownIssuer
	// Expired: the newest CRL of a CA is past its nextUpdate.
	Expired
	// NotYetValid: the newest CRL of a CA has a thisUpdate after now.
	NotYetValid
	// Other: another refusal of Merge, in Err.
	Other
	// NoCRL: a CA has no CRL. With any CRL configured, OpenSSL checks every CA of a
	// chain (CRL_CHECK_ALL), so every certificate under it would be rejected.
	NoCRL
)

// Problem is one reason Check or Current refuses a CRL set.
type Problem struct {
	Kind ProblemKind
	// Files are the files of the CRLs at fault (none for NoCRL).
	Files []string
	// Issuer is the CRL's issuer, or the CA's subject for NoCRL, as IssuerName
	// writes it.
	Issuer string
	// Time is nextUpdate for Expired, thisUpdate for NotYetValid.
	Time time.Time
	// CA is the certificate without a CRL, for NoCRL.
	CA *x509.Certificate
	// Err is the library's error: the signature failure for BadSignature, the
	// refusal for Other.
	Err error
}

// CheckError is a refused CRL set: every problem of the first stage that has any.
type CheckError struct {
	Problems []Problem
}

func (e *CheckError) Error() string {
	msg := "crl: " + e.Problems[0].String()
	switch n := len(e.Problems) - 1; {
	case n == 1:
		msg += " (and 1 more problem)"
	case n > 1:
		msg += fmt.Sprintf(" (and %d more problems)", n)
	}
	return msg
}

// String says what the problem is, naming the files at fault.
func (p Problem) String() string {
	files := strings.Join(p.Files, ", ")
	switch p.Kind {
	case BadSignature:
		return fmt.Sprintf("%s: the CRL of %s is not signed by the CA of that name (%v)", files, p.Issuer, p.Err)
	case UnknownIssuer:
		return fmt.Sprintf("%s: the CRL of %s was not issued by any CA given", files, p.Issuer)
	case Expired:
		return fmt.Sprintf("%s: the CRL of %s expired on %s", files, p.Issuer, p.Time.UTC().Format(time.RFC3339))
	case NotYetValid:
		return fmt.Sprintf("%s: the CRL of %s is not valid before %s", files, p.Issuer, p.Time.UTC().Format(time.RFC3339))
	case NoCRL:
		return fmt.Sprintf("no CRL for the CA %s", p.Issuer)
	}
	return strings.TrimPrefix(p.Err.Error(), "crl: ")
}

// Checked is a CRL set Check accepted: the merge, and the file of each CRL.
type Checked struct {
	Merged *Merged
	Source map[*x509.RevocationList]string
}

// Check verifies a CRL set for one CRL file or directory as crl merge and crl dir
// need it: every CRL signed by its CA among cas, the newest CRL of each CA kept,
// none expired or not yet valid unless allowExpired, and every CA with a CRL. It
// reports every problem of a stage at once (see ProblemKind) as a *CheckError, so
// that one run names every file to fix; any other error is an input it could not
// read, named by file.
func Check(inputs []Input, cas []*x509.Certificate, now time.Time, allowExpired bool) (*Checked, error) {
	var problems []Problem
	source := map[*x509.RevocationList]string{}
	var lists []*x509.RevocationList
	for _, in := range inputs {
		source[in.CRL] = in.File
		issuer := IssuerName(in.CRL.RawIssuer, in.CRL.Issuer.String())
		_, err := Merge([]*x509.RevocationList{in.CRL}, cas, now, true)
		var unknown *UnknownIssuerError
		var sigErr *SignatureError
		switch {
		case errors.As(err, &sigErr):
			problems = append(problems, Problem{Kind: BadSignature, Files: []string{in.File}, Issuer: issuer, Err: sigErr.Err})
			continue
		case errors.As(err, &unknown):
			problems = append(problems, Problem{Kind: UnknownIssuer, Files: []string{in.File}, Issuer: issuer})
			continue
		case err != nil:
			return nil, fmt.Errorf("%s: %w", in.File, err)
		}
		lists = append(lists, in.CRL)
	}
	if len(problems) > 0 {
		return nil, &CheckError{Problems: problems}
	}
	m, err := Merge(lists, cas, now, allowExpired)
	if err != nil {
		for _, e := range unjoin(err) {
			var expired *ExpiredError
			var early *NotYetValidError
			switch {
			case errors.As(e, &expired):
				files, issuer := filesOf(inputs, expired.Issuer, func(c *x509.RevocationList) bool { return c.NextUpdate.Equal(expired.NextUpdate) })
				problems = append(problems, Problem{Kind: Expired, Files: files, Issuer: issuer, Time: expired.NextUpdate})
			case errors.As(e, &early):
				files, issuer := filesOf(inputs, early.Issuer, func(c *x509.RevocationList) bool { return c.ThisUpdate.Equal(early.ThisUpdate) })
				problems = append(problems, Problem{Kind: NotYetValid, Files: files, Issuer: issuer, Time: early.ThisUpdate})
			default:
				problems = append(problems, Problem{Kind: Other, Err: e})
			}
		}
		return nil, &CheckError{Problems: problems}
	}
	for _, c := range m.Missing {
		problems = append(problems, Problem{Kind: NoCRL, Issuer: IssuerName(c.RawSubject, c.Subject.String()), CA: c})
	}
	if len(problems) > 0 {
		return nil, &CheckError{Problems: problems}
	}
	return &Checked{Merged: m, Source: source}, nil
}

// Current returns the CRLs of inputs that are valid at now (all of them with
// allowExpired), refusing the others as a *CheckError of Expired and NotYetValid
// problems: without the CA certificates, that is all that can be checked.
func Current(inputs []Input, now time.Time, allowExpired bool) ([]*x509.RevocationList, error) {
	var lists []*x509.RevocationList
	var problems []Problem
	for _, in := range inputs {
		c := in.CRL
		issuer := IssuerName(c.RawIssuer, c.Issuer.String())
		switch {
		case allowExpired:
		case !c.NextUpdate.IsZero() && now.After(c.NextUpdate):
			problems = append(problems, Problem{Kind: Expired, Files: []string{in.File}, Issuer: issuer, Time: c.NextUpdate})
			continue
		case now.Before(c.ThisUpdate):
			problems = append(problems, Problem{Kind: NotYetValid, Files: []string{in.File}, Issuer: issuer, Time: c.ThisUpdate})
			continue
		}
		lists = append(lists, c)
	}
	if len(problems) > 0 {
		return nil, &CheckError{Problems: problems}
	}
	return lists, nil
}

// unjoin splits an errors.Join error into its parts.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// filesOf returns the files of the CRLs of issuer (as crypto/x509 prints it, which
// Merge's errors carry) that match, and the issuer as IssuerName writes it.
func filesOf(inputs []Input, issuer string, match func(*x509.RevocationList) bool) (files []string, name string) {
	name = issuer
	for _, in := range inputs {
		if in.CRL.Issuer.String() == issuer && match(in.CRL) && !slices.Contains(files, in.File) {
			files = append(files, in.File)
			name = IssuerName(in.CRL.RawIssuer, issuer)
		}
	}
	return files, name
}
