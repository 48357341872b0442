package cli

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// newCrlCmd is `pgcert crl`, the parent of the revocation list commands.
func newCrlCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "crl",
		Short: "make, merge, file and show certificate revocation lists",
		Long: `Certificate revocation lists for ssl_crl_file and ssl_crl_dir (server side) and
sslcrl and sslcrldir (libpq).

Once any CRL is configured, OpenSSL checks every CA of every chain against a CRL
of that CA, the root included: a CA without a current CRL, or with an expired one,
makes the server reject every client certificate under it ("tlsv1 alert unknown
ca", "certificate expired") with no better reason. These commands make a CRL for
every CA (gen), put one current CRL per CA into one file and say which CA has none
(merge), file them as OpenSSL's hashed directory (dir), and show them (show).

Exit codes: see the subcommands.`,
		Example: `  pgcert crl gen --ca-dir /srv/pgca -o root.crl
  pgcert crl gen --index demoCA/index.txt --ca-cert demoCA/cacert.pem --ca-key demoCA/private/cakey.pem -o ca.crl
  pgcert crl merge --ca root.crt -o root.crl inter.crl ca.crl
  pgcert crl dir --out $PGDATA/crl --ca root.crt inter.crl ca.crl
  pgcert crl show root.crl`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCrlGenCmd(f, nil), newCrlMergeCmd(f, nil), newCrlDirCmd(f, nil), newCrlShowCmd(f, nil))
	return cmd
}

// crlInput is a CRL read from a file given on the command line.
type crlInput struct {
	CRL  *x509.RevocationList
	File string
}

// crlFileHint says what a CRL file looks like.
const crlFileHint = "a CRL file is PEM (-----BEGIN X509 CRL-----, any number of them) or one DER CRL, as openssl crl writes it"

// readCRLInputs reads every CRL of the files given, in order. A file without a CRL,
// or with a damaged one, is an error naming it.
func (f *Factory) readCRLInputs(paths []string) ([]crlInput, error) {
	var out []crlInput
	for _, p := range paths {
		data, err := f.readInput(p)
		if err != nil {
			return nil, err
		}
		stop := f.IO.StartProgress("reading " + p)
		lists, err := crl.ParseCRLs(data)
		stop()
		switch {
		case errors.Is(err, crl.ErrNoCRL):
			return nil, failf([]string{crlFileHint}, "%s holds no CRL", p)
		case err != nil:
			return nil, withHints(fmt.Errorf("%s: %w", p, err), crlFileHint)
		}
		for _, l := range lists {
			out = append(out, crlInput{CRL: l, File: p})
		}
	}
	return out, nil
}

// crlIssuerName is a CRL's or CA's name as pgcert's JSON and messages print it,
// openssl's one-line form ("CN = Example CA").
func crlIssuerName(raw []byte, fallback string) string {
	if s, err := selfsign.FormatSubject(raw); err == nil {
		return s
	}
	return fallback
}

// describeCRLReport is the crlReport of a parsed CRL.
func describeCRLReport(c *x509.RevocationList) crlReport {
	r := crlReport{Issuer: crlIssuerName(c.RawIssuer, c.Issuer.String()), Entries: len(c.RevokedCertificateEntries)}
	if c.Number != nil {
		r.Number = c.Number.String()
	}
	if !c.NextUpdate.IsZero() {
		r.NextUpdate = c.NextUpdate.UTC().Format(time.RFC3339)
	}
	return r
}

// crlSummary is one line about a CRL for human output.
func crlSummary(r crlReport) string {
	number := r.Number
	if number == "" {
		number = "(none)"
	}
	next := r.NextUpdate
	if next == "" {
		next = "(none)"
	}
	return fmt.Sprintf("CRL of %s, number %s, %s, next update %s", r.Issuer, number, plural(r.Entries, "revoked certificate", "revoked certificates"), next)
}

// crlSourcedReport is a CRL in --json output with the file it came from.
type crlSourcedReport struct {
	crlReport
	Source string `json:"source"`
}

// checkedCRLs is what verifyCRLs found: the CRLs of every CA, one each.
type checkedCRLs struct {
	merged *crl.Merged
	source map[*x509.RevocationList]string
}

// verifyCRLs checks every CRL's signature against the CA certificates, keeps the
// newest of each CA, and refuses expired (or not yet valid) ones unless allowExpired,
// and CAs without a CRL: with any CRL configured, OpenSSL checks every CA of a chain.
// Each refusal names the file at fault; all are reported at once.
func (f *Factory) verifyCRLs(inputs []crlInput, cas []chain.Input, caFlag string, allowExpired bool) (*checkedCRLs, error) {
	certs := make([]*x509.Certificate, len(cas))
	for i, in := range cas {
		certs[i] = in.Cert
	}
	now := f.Now()
	var problems []string
	source := map[*x509.RevocationList]string{}
	var lists []*x509.RevocationList
	for _, in := range inputs {
		source[in.CRL] = in.File
		issuer := crlIssuerName(in.CRL.RawIssuer, in.CRL.Issuer.String())
		_, err := crl.Merge([]*x509.RevocationList{in.CRL}, certs, now, true)
		var unknown *crl.UnknownIssuerError
		var sigErr *crl.SignatureError
		switch {
		case errors.As(err, &sigErr):
			problems = append(problems, fmt.Sprintf("%s: the CRL of %s is not signed by the CA of that name in %s (%v)", in.File, issuer, caFlag, sigErr.Err))
			continue
		case errors.As(err, &unknown):
			problems = append(problems, fmt.Sprintf("%s: the CRL of %s was not issued by any CA in %s", in.File, issuer, caFlag))
			continue
		case err != nil:
			return nil, fmt.Errorf("%s: %w", in.File, err)
		}
		lists = append(lists, in.CRL)
	}
	if len(problems) > 0 {
		return nil, crlProblems(problems, []string{
			fmt.Sprintf("a CRL is checked against the certificate of the CA that signed it: give that certificate with %s, or leave the CRL out", caFlag),
		})
	}
	m, err := crl.Merge(lists, certs, now, allowExpired)
	if err != nil {
		for _, e := range unjoin(err) {
			var expired *crl.ExpiredError
			var early *crl.NotYetValidError
			switch {
			case errors.As(e, &expired):
				files, issuer := crlFileOf(inputs, expired.Issuer, func(c *x509.RevocationList) bool { return c.NextUpdate.Equal(expired.NextUpdate) })
				problems = append(problems, fmt.Sprintf("%s: the CRL of %s expired on %s: the server and libpq would reject every certificate of that CA (%s)",
					files, issuer, expired.NextUpdate.UTC().Format(time.RFC3339), chain.CRLHasExpired.Alert()))
			case errors.As(e, &early):
				files, issuer := crlFileOf(inputs, early.Issuer, func(c *x509.RevocationList) bool { return c.ThisUpdate.Equal(early.ThisUpdate) })
				problems = append(problems, fmt.Sprintf("%s: the CRL of %s is not valid before %s: until then the server and libpq would reject every certificate of that CA (%s)",
					files, issuer, early.ThisUpdate.UTC().Format(time.RFC3339), chain.CRLNotYetValid.Alert()))
			default:
				problems = append(problems, strings.TrimPrefix(e.Error(), "crl: "))
			}
		}
		return nil, crlProblems(problems, []string{
			"make a current CRL with pgcert crl gen, or add --allow-expired to use it all the same",
		})
	}
	if len(m.Missing) > 0 {
		for _, c := range m.Missing {
			problems = append(problems, fmt.Sprintf("no CRL for the CA %s (%s): PostgreSQL would then reject every client certificate: %s",
				crlIssuerName(c.RawSubject, c.Subject.String()), caFileOf(cas, c), chain.UnableToGetCRL.Alert()))
		}
		return nil, crlProblems(problems, []string{
			"with any CRL configured, OpenSSL checks every CA of a chain, the root included: add the CRL of each CA (pgcert crl gen --ca-dir makes them all for a pgcert CA)",
		})
	}
	return &checkedCRLs{merged: m, source: source}, nil
}

// crlProblems makes one error of several refusals: the first is the message, the
// others follow on their own lines.
func crlProblems(problems, hints []string) error {
	msg := problems[0]
	if len(problems) > 1 {
		msg = fmt.Sprintf("%d problems:\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	return &Error{Err: errors.New(msg), Hints: hints}
}

// unjoin splits an errors.Join error into its parts.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// crlFileOf names the files of the CRLs of issuer (as crypto/x509 prints it, which
// Merge's errors carry) that match, and the issuer as pgcert prints it.
func crlFileOf(inputs []crlInput, issuer string, match func(*x509.RevocationList) bool) (files, name string) {
	var list []string
	name = issuer
	for _, in := range inputs {
		if in.CRL.Issuer.String() == issuer && match(in.CRL) && !slices.Contains(list, in.File) {
			list = append(list, in.File)
			name = crlIssuerName(in.CRL.RawIssuer, issuer)
		}
	}
	if len(list) == 0 {
		return "a CRL file", name
	}
	return strings.Join(list, ", "), name
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

// crlOutput says where a command's CRL PEM goes: a file, or standard output.
type crlOutput struct {
	Path  string // "" for standard output
	Force bool
}

// resolveCRLOutput checks -o before any work: "" and "-" mean standard output, which
// --json (one document on stdout) cannot share; an existing file needs --force or a
// yes at the terminal.
func (f *Factory) resolveCRLOutput(path string, force bool) (crlOutput, error) {
	if path == "" || path == "-" {
		if f.Global.JSON {
			return crlOutput{}, usageErrorf("--json prints a report on standard output: give the CRL file with -o FILE")
		}
		return crlOutput{}, nil
	}
	ok, err := f.allowOverwrite(force, path)
	if err != nil {
		return crlOutput{}, err
	}
	if !ok && fileExists(path) {
		return crlOutput{}, &fsutil.ExistsError{Path: path, LinkTarget: linkTarget(path)}
	}
	return crlOutput{Path: path, Force: ok}, nil
}

// linkTarget returns the target of a symbolic link, "" for anything else.
func linkTarget(path string) string {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		t, _ := os.Readlink(path)
		return t
	}
	return ""
}
