package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/inspect"
)

type crlShowOptions struct {
	f     *Factory
	Files []string
}

func newCrlShowCmd(f *Factory, runF func(*crlShowOptions) error) *cobra.Command {
	opts := &crlShowOptions{f: f}
	cmd := &cobra.Command{
		Use:   "show FILE...",
		Short: "describe the CRLs in files",
		Long: `Describe every CRL in each FILE (PEM with any number of CRLs, or DER), as pgcert
show does: issuer, CRL number, this and next update with the days left, signature
algorithm, authority key identifier, SHA-256 fingerprint, then every revoked
serial with its revocation date, reason and invalidity date. Other objects in the
files are left out; a file without a CRL is an error.

An expired CRL makes the server and libpq reject every certificate of its issuer,
so the days left are what to watch. Entries are read from the CRL as they are
printed: a CRL of a million entries is shown in memory proportional to its file.

With --json, the document of pgcert show --json (docs/json.md, "pgcert show"),
with the CRLs only. "-" reads standard input.

Exit codes: 0 every file was described; 1 a file could not be read or holds no
CRL; 2 bad usage.`,
		Example: `  # instead of: openssl crl -in root.crl -noout -text
  pgcert crl show root.crl

  # every CRL of a merged file (openssl crl reads the first only)
  pgcert crl show root.crl --json`,
		Args:              minArgs(1, "at least one FILE"),
		ValidArgsFunction: crlFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return crlShowRun(opts)
		},
	}
	return cmd
}

func crlShowRun(opts *crlShowOptions) error {
	files, err := opts.f.describeFiles(opts.Files, onlyCRLs)
	if err != nil {
		return err
	}
	return opts.f.printShownFiles(files)
}

// onlyCRLs keeps the CRLs among a file's objects, and refuses a file without one.
func onlyCRLs(path string, objs []*inspect.Object) ([]*inspect.Object, error) {
	var crls []*inspect.Object
	for _, o := range objs {
		if o.CRL != nil {
			crls = append(crls, o)
		}
	}
	if len(crls) == 0 {
		return nil, failf([]string{"pgcert show describes certificates, requests and keys"}, "%s holds no CRL", path)
	}
	return crls, nil
}
