package cli

import (
	"bufio"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
)

// newCrlCmd is `pgcert crl`, the parent of the revocation list commands.
func newCrlCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "crl",
		Short: "make, merge, file and show certificate revocation lists",
		Long:  help.Long("crl"), Example: help.Example("crl"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCrlGenCmd(f, nil), newCrlMergeCmd(f, nil), newCrlDirCmd(f, nil), newCrlShowCmd(f, nil))
	return cmd
}

// crlFileHint says what a CRL file looks like.
const crlFileHint = "a CRL file is PEM (-----BEGIN X509 CRL-----, any number of them) or one DER CRL, as openssl crl writes it"

// readCRLInputs reads every CRL of the files given, in order. A file without a CRL,
// or with a damaged one, is an error naming it.
func (f *Factory) readCRLInputs(paths []string) ([]crl.Input, error) {
	var out []crl.Input
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
			out = append(out, crl.Input{CRL: l, File: p})
		}
	}
	return out, nil
}

// crlSourcedReport is a CRL in --json output with the file it came from.
type crlSourcedReport struct {
	crl.Summary
	Source string `json:"source"`
}

// verifyCRLs checks the CRLs against the CA certificates with crl.Check, and turns
// its refusal into pgcert's message: every problem, naming the file at fault and
// what the server and libpq would do.
func (f *Factory) verifyCRLs(inputs []crl.Input, cas []chain.Input, caFlag string, allowExpired bool) (*crl.Checked, error) {
	certs := make([]*x509.Certificate, len(cas))
	for i, in := range cas {
		certs[i] = in.Cert
	}
	checked, err := crl.Check(inputs, certs, f.Now(), allowExpired)
	var ce *crl.CheckError
	if errors.As(err, &ce) {
		return nil, crlCheckError(ce, cas, caFlag, "make a current CRL with pgcert crl gen, or add --allow-expired to use it all the same")
	}
	return checked, err
}

// crlCheckError is pgcert's message for a refused CRL set: the problems, and the hint
// of their stage (outOfDate for expired ones).
func crlCheckError(ce *crl.CheckError, cas []chain.Input, caFlag, outOfDate string) error {
	var problems []string
	var hint string
	for _, p := range ce.Problems {
		files := strings.Join(p.Files, ", ")
		if files == "" {
			files = "a CRL file"
		}
		switch p.Kind {
		case crl.BadSignature:
			problems = append(problems, fmt.Sprintf("%s: the CRL of %s is not signed by the CA of that name in %s (%v)", files, p.Issuer, caFlag, p.Err))
			hint = fmt.Sprintf("a CRL is checked against the certificate of the CA that signed it: give that certificate with %s, or leave the CRL out", caFlag)
		case crl.UnknownIssuer:
			problems = append(problems, fmt.Sprintf("%s: the CRL of %s was not issued by any CA in %s", files, p.Issuer, caFlag))
			hint = fmt.Sprintf("a CRL is checked against the certificate of the CA that signed it: give that certificate with %s, or leave the CRL out", caFlag)
		case crl.Expired:
			problems = append(problems, fmt.Sprintf("%s: the CRL of %s expired on %s: the server and libpq would reject every certificate of that CA (%s)",
				files, p.Issuer, p.Time.UTC().Format(time.RFC3339), chain.CRLHasExpired.Alert()))
			hint = outOfDate
		case crl.NotYetValid:
			problems = append(problems, fmt.Sprintf("%s: the CRL of %s is not valid before %s: until then the server and libpq would reject every certificate of that CA (%s)",
				files, p.Issuer, p.Time.UTC().Format(time.RFC3339), chain.CRLNotYetValid.Alert()))
			hint = outOfDate
		case crl.NoCRL:
			problems = append(problems, fmt.Sprintf("no CRL for the CA %s (%s): PostgreSQL would then reject every client certificate: %s",
				p.Issuer, caFileOf(cas, p.CA), chain.UnableToGetCRL.Alert()))
			hint = "with any CRL configured, OpenSSL checks every CA of a chain, the root included: add the CRL of each CA (pgcert crl gen --ca-dir makes them all for a pgcert CA)"
		default:
			problems = append(problems, strings.TrimPrefix(p.Err.Error(), "crl: "))
			hint = outOfDate
		}
	}
	msg := problems[0]
	if len(problems) > 1 {
		msg = fmt.Sprintf("%d problems:\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	return &Error{Err: errors.New(msg), Hints: []string{hint}}
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

// writeCRLOutput writes a CRL through write to out: standard output, or the file
// (mode 0644; as root inside a data directory, owned by its owner). The Written is
// nil for standard output.
func (f *Factory) writeCRLOutput(out crlOutput, write func(io.Writer) error) (*fsutil.Written, error) {
	if out.Path == "" {
		bw := bufio.NewWriterSize(f.IO.Out, 256<<10)
		if err := write(bw); err != nil {
			return nil, err
		}
		return nil, bw.Flush()
	}
	return fsutil.WriteFileFunc(out.Path, dataDirOwner(filepath.Dir(out.Path), fsutil.PublicMode, out.Force), write)
}

// crlBytes is the write function of writeCRLOutput for a CRL file held in memory.
func crlBytes(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

// linkTarget returns the target of a symbolic link, "" for anything else.
func linkTarget(path string) string {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		t, _ := os.Readlink(path)
		return t
	}
	return ""
}
