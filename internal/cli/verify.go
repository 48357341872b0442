package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
)

type verifyOptions struct {
	f       *Factory
	File    string
	Roots   []string
	Hosts   []string
	Purpose string
	CRLs    []string
}

func newVerifyCmd(f *Factory, runF func(*verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{f: f}
	cmd := &cobra.Command{
		Use:   "verify CERT",
		Short: "verify a certificate or chain as libpq or the server will",
		Long: `Verify a certificate file the way the other side of the connection will: libpq
checking the server's certificate (--purpose server, the default), or the server
checking a client's certificate (--purpose client). The first certificate of CERT
is the one verified, as the peer presents it; the others in the file are sent
along, untrusted, to reach a root of --root.

The check is OpenSSL's, as libpq and the server run it: the chain up to a trusted
self-signed root, each CA's basicConstraints and keyUsage, pathlen, the
extendedKeyUsage for the purpose, key strength and signature digest at OpenSSL's
default security level, signatures, and validity periods. With --crl, CRLs are
checked the way they are once ssl_crl_file or sslcrl is set: every certificate of
the chain, the root included, needs a current CRL from its issuer — a CA without
one fails the whole chain (OpenSSL's CRL_CHECK_ALL).

--host matches the certificate with libpq's rules for sslmode=verify-full, which
are not those of browsers or Go: dNSName SANs hide the Common Name from a DNS host
and iPAddress SANs from an IP host, the Common Name counts otherwise, IP SANs
compare as bytes, and only a leading "*." wildcard of one label matches.

The verdict says ok, or OpenSSL's reason with its number and depth (the words
"openssl verify" prints and the server logs), what psql and the server each print,
and a fix. Without --root, libpq's default is used for --purpose server:
PGSSLROOTCERT, else ~/.postgresql/root.crt.

Exit codes: 0 verified (and every --host matches), 1 refused or unreadable, 2 bad
usage.`,
		Example: `  # instead of: openssl verify -CAfile root.crt -untrusted server.crt -purpose sslserver server.crt
  pgcert verify server.crt --root root.crt --host db.example.com

  # a client certificate, as the server with ssl_ca_file and ssl_crl_file checks it
  pgcert verify postgresql.crt --purpose client --root ca.crt --crl root.crl --crl intermediate.crl

  pgcert verify server.crt --root root.crt --json`,
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
	fl.StringArrayVar(&opts.Roots, "root", nil, "trusted CA certificates `FILE`: root.crt, or the server's ssl_ca_file (repeatable)")
	fl.StringArrayVar(&opts.Hosts, "host", nil, "check the certificate names `HOST` as libpq does for sslmode=verify-full (repeatable)")
	fl.StringVar(&opts.Purpose, "purpose", "server", "who checks the certificate: server (libpq checks a server's) or client (the server checks a client's)")
	fl.StringArrayVar(&opts.CRLs, "crl", nil, "CRL `FILE` (PEM, several CRLs allowed, or DER); every CA then needs one (repeatable)")
	cmd.MarkFlagFilename("root", "crt", "pem", "der")
	cmd.MarkFlagFilename("crl", "crl", "pem", "der")
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
	default:
		return usageErrorf("--purpose %s: want server or client", opts.Purpose)
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
	ins, err := f.readCertInputs([]string{opts.File}, "")
	if err != nil {
		return err
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
	v, err := verifyFile(opts.File, ins, vopts, opts.Hosts)
	if err != nil {
		return err
	}
	if f.Global.JSON {
		if err := writeJSON(f.IO.Out, v.json()); err != nil {
			return err
		}
	} else {
		f.printVerification(f.IO.Out, v)
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
