package cli

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

type verifyOptions struct {
	f       *Factory
	File    string
	Roots   []string
	Hosts   []string
	Purpose string
	CRLs    []string
	// User and the rest predict the cert method for a role.
	User       string
	ClientName string
	Map        string
	Ident      string
}

func newVerifyCmd(f *Factory, runF func(*verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{f: f}
	cmd := &cobra.Command{
		Use:   "verify CERT",
		Short: "verify a certificate or chain as libpq or the server will",
		Long:  help.Long("verify"), Example: help.Example("verify"),
		Args:              exactArgs(1, "the certificate file CERT"),
		ValidArgsFunction: certFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(opts)
		},
	}
	fl := cmd.Flags()
	addFileListFlag(cmd, &opts.Roots, "root", "trusted CA certificates `FILE`: root.crt, or the server's ssl_ca_file (repeatable)", certExts...)
	fl.StringArrayVar(&opts.Hosts, "host", nil, "check the certificate names `HOST` as libpq does for sslmode=verify-full (repeatable)")
	fl.StringVar(&opts.Purpose, "purpose", "", "who checks the certificate: server (libpq checks a server's) or client (the server checks a client's); default: from its extendedKeyUsage")
	fl.StringVar(&opts.User, "user", "", "predict the server's cert authentication of the certificate as database `ROLE`")
	fl.StringVar(&opts.ClientName, "clientname", "CN", "with --user, what names the client, as pg_hba.conf's clientname: CN or DN")
	fl.StringVar(&opts.Map, "map", "", "with --user, the pg_hba.conf map= `NAME` to look the certificate's name up in (needs --ident)")
	addFileFlag(cmd, &opts.Ident, "ident", "the server's pg_ident.conf `FILE`, for --map", "conf")
	cmd.RegisterFlagCompletionFunc("clientname", fixedCompletion("CN", "DN"))
	addFileListFlag(cmd, &opts.CRLs, "crl", "CRL `FILE` (PEM, several CRLs allowed, or DER); every CA then needs one (repeatable)", "crl", "pem", "der")
	cmd.RegisterFlagCompletionFunc("purpose", fixedCompletion("server", "client"))
	return cmd
}

func verifyRun(opts *verifyOptions) error {
	f := opts.f
	var purpose chain.Purpose
	switch opts.Purpose {
	case "server":
		purpose = chain.PurposeServer
	case "client":
		purpose = chain.PurposeClient
	case "":
	default:
		return usageErrorf("--purpose %s: want server or client", opts.Purpose)
	}
	if err := checkCertAuthFlags(opts, purpose); err != nil {
		return err
	}
	ins, err := f.readCertInputs([]string{opts.File}, "")
	if err != nil {
		return err
	}
	if opts.Purpose == "" {
		// --host and --user each say who checks; else the certificate does.
		switch {
		case opts.User != "":
			purpose = chain.PurposeClient
		case len(opts.Hosts) > 0:
			purpose = chain.PurposeServer
		default:
			purpose = chain.PurposeOf(ins[0].Cert)
		}
	}
	if purpose == chain.PurposeClient && len(opts.Hosts) > 0 {
		return usageErrorf("--host applies to --purpose server: libpq checks the server's name, the server checks no client's host name")
	}
	rootFiles := opts.Roots
	if len(rootFiles) == 0 {
		if purpose == chain.PurposeClient {
			return usageErrorf("give the server's trusted CAs (its ssl_ca_file) with --root")
		}
		def := libpqRootFile(f)
		if _, err := os.Stat(def); err != nil {
			return failf([]string{"give the CA certificates clients trust with --root root.crt"},
				"no --root given, and libpq's default %s does not exist", def)
		}
		rootFiles = []string{def}
	}
	roots, err := f.readCertInputs(rootFiles, "--root")
	if err != nil {
		return err
	}
	vopts := chain.VerifyOptions{Now: f.Now(), Roots: roots, Purpose: purpose}
	for _, file := range opts.CRLs {
		data, err := f.readInput(file)
		if err != nil {
			return err
		}
		crls, err := crl.ParseCRLs(data)
		if err != nil {
			return withHints(fmt.Errorf("%s: %w", file, err), "give CRL files in PEM (X509 CRL blocks) or DER")
		}
		vopts.CRLs = append(vopts.CRLs, crls...)
	}
	if len(ins) > 1 {
		if leaf, err := chain.FindLeaf(ins, nil); err == nil && !bytes.Equal(leaf.Cert.Raw, ins[0].Cert.Raw) {
			f.warnf("%s starts with %s, not the leaf %s: a server with this file refuses to start (key values mismatch); put the leaf first with pgcert chain", opts.File, ins[0], leaf)
		}
	}
	v, err := chain.VerifyFile(opts.File, ins, vopts, opts.Hosts)
	if err != nil {
		return err
	}
	if opts.User != "" {
		if v.Auth, err = f.predictCertAuth(opts, ins[0].Cert); err != nil {
			return err
		}
	}
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, v.Report()); err != nil {
			return err
		}
	} else {
		v.WriteText(f.IO.Out, f.IO.OutColors())
	}
	if !v.OK() {
		return errProblemsFound
	}
	return nil
}

// libpqRootFile is the root file libpq reads when sslrootcert is not set:
// PGSSLROOTCERT, else ~/.postgresql/root.crt.
func libpqRootFile(f *Factory) string {
	if v, ok := f.Getenv("PGSSLROOTCERT"); ok && v != "" {
		return v
	}
	home, _ := f.Getenv("HOME")
	return filepath.Join(home, ".postgresql", "root.crt")
}

// checkCertAuthFlags refuses --user's companions without it, and a --user on a
// certificate said to be a server's.
func checkCertAuthFlags(opts *verifyOptions, purpose chain.Purpose) error {
	if opts.User == "" {
		if opts.Map != "" || opts.Ident != "" || opts.ClientName != "CN" {
			return usageErrorf("--clientname, --map and --ident go with --user ROLE")
		}
		return nil
	}
	if purpose == chain.PurposeServer && opts.Purpose != "" {
		return usageErrorf("--user predicts how the server checks a client certificate: drop --purpose server")
	}
	if opts.ClientName != "CN" && opts.ClientName != "DN" {
		return usageErrorf("--clientname %s: want CN or DN", opts.ClientName)
	}
	if (opts.Map == "") != (opts.Ident == "") {
		return usageErrorf("--map NAME and --ident FILE go together: the map's lines are in the server's pg_ident.conf")
	}
	return nil
}

// predictCertAuth reads --ident and asks pkg/pgdata what the server's cert
// method says of cert for --user.
func (f *Factory) predictCertAuth(opts *verifyOptions, cert *x509.Certificate) (*pgdata.CertAuthCheck, error) {
	var ident []byte
	if opts.Ident != "" {
		var err error
		if ident, err = f.readInput(opts.Ident); err != nil {
			return nil, err
		}
	}
	check, warnings, err := pgdata.PredictCertAuth(cert, pgdata.CertAuthOptions{Role: opts.User, ClientName: opts.ClientName, Map: opts.Map}, opts.Ident, ident)
	for _, w := range warnings {
		f.warnf("%s", w)
	}
	return check, err
}
