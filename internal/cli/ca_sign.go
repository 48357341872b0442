package cli

import (
	"crypto/x509"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

type caSignOptions struct {
	f       *Factory
	Request string
	CADir   string
	Profile string
	Output  string
	Days    int
	PassIn  string
	Force   bool
	// Step names a step-ca that signs instead.
	Step stepFlags
}

func newCaSignCmd(f *Factory, runF func(*caSignOptions) error) *cobra.Command {
	opts := &caSignOptions{f: f}
	cmd := &cobra.Command{
		Use:   "sign REQ",
		Short: "sign an outside certificate request as a server or client certificate",
		Long:  help.Long("ca sign"), Example: help.Example("ca sign"),
		Args:              exactArgs(1, "the request file REQ"),
		ValidArgsFunction: reqFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Request = args[0]
			if runF != nil {
				return runF(opts)
			}
			return caSignRun(opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	addStepCAFlags(cmd, &opts.Step, false)
	fl := cmd.Flags()
	fl.StringVar(&opts.Profile, "profile", "", "what the certificate is for: server or client")
	addOutFlag(cmd, &opts.Output, "-", "write the certificate to `FILE` (- for standard output)", "crt", "pem")
	fl.IntVar(&opts.Days, "days", 0, "validity in days (default: 825; cut to the CA's)")
	addCAPassInFlag(cmd, &opts.PassIn)
	addForceFlag(cmd, &opts.Force)
	cmd.MarkFlagRequired("profile")
	cmd.RegisterFlagCompletionFunc("profile", fixedCompletion("server", "client"))
	return cmd
}

func caSignRun(opts *caSignOptions) error {
	f := opts.f
	var profile selfsign.Profile
	switch opts.Profile {
	case "server":
		profile = selfsign.ServerLeaf
	case "client":
		profile = selfsign.ClientLeaf
	default:
		return usageErrorf("--profile %q: want server or client", opts.Profile)
	}
	if err := checkDays(opts.Days, f.Now(), true); err != nil {
		return err
	}
	if f.Global.JSON && opts.Output == "-" {
		return usageErrorf("--json reports on standard output: write the certificate to a file with -o FILE")
	}
	data, err := f.readInput(opts.Request)
	if err != nil {
		return err
	}
	csr, err := selfsign.ParseRequest(data)
	if err != nil {
		if e := bootstrap.RequestKeyError(opts.Request, err); e != nil {
			return e
		}
		return withHints(fmt.Errorf("%s: %w", opts.Request, err), "give a PKCS#10 request, as openssl req -new or pgcert req makes")
	}
	req, err := ca.CSRRequest(csr, profile)
	if err != nil {
		return ca.SignHint(nil, opts.Request, err)
	}
	force := opts.Force
	if opts.Output != "-" {
		if force, err = f.allowOverwrite(opts.Force, opts.Output); err != nil {
			return err
		}
		if !force && fileExists(opts.Output) {
			return &fsutil.ExistsError{Path: opts.Output}
		}
	}
	var c *ca.CA
	var is *ca.Issued
	if opts.Step.URL != "" {
		c, is, err = f.signStep(opts.Step, csr)
	} else if c, err = f.openSigningCA(opts.CADir, opts.PassIn); err == nil {
		req.Days, req.Now, req.Rand = opts.Days, f.Now(), f.Rand
		is, err = c.Issue(req)
	}
	if err != nil && c == nil {
		return err
	}
	if err != nil {
		return ca.SignHint(c, opts.Request, err)
	}
	f.noteClamp(is)
	out := ca.PEM(append([]*x509.Certificate{is.Cert}, c.Intermediates()...)...)
	var written []*fsutil.Written
	if opts.Output == "-" {
		if _, err := f.IO.Out.Write(out); err != nil {
			return err
		}
	} else {
		w, err := fsutil.WriteFile(opts.Output, out, fsutil.DirOwnerOptions(filepath.Dir(opts.Output), fsutil.PublicMode, force))
		if err != nil {
			return err
		}
		f.noteReplacedLink(w)
		written = append(written, w)
	}
	r := c.IssuedFiles(is, written)
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	if opts.Output != "-" {
		fmt.Fprintf(f.IO.Out, "signed %s certificate %s for %s, until %s: wrote %s\n", opts.Profile, r.Serial, r.Subject, r.NotAfter[:10], opts.Output)
	} else {
		f.infof("signed %s certificate %s for %s, until %s", opts.Profile, r.Serial, r.Subject, r.NotAfter[:10])
	}
	return nil
}
