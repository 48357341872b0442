package cli

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

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
		Long: `Verify a certificate file the way the other side of the connection will: libpq
checking the server's certificate (--purpose server), or the server checking a
client's certificate (--purpose client). Without --purpose, the certificate's
extendedKeyUsage says which: clientAuth alone makes it a client certificate. The first certificate of CERT
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

--user ROLE predicts what the server's cert authentication (or
clientcert=verify-full) says when the certificate logs in as ROLE: its Common
Name (with --clientname DN, its subject in RFC 2253 form, as "CN=alice,O=Acme")
must equal ROLE, or --map NAME must let it through the pg_ident.conf given with
--ident. A certificate without a Common Name (mkcert makes those) names no user
and is refused. The server tells psql only "certificate authentication failed";
pgcert shows the reason the server logs.

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

  # will the server's cert method let this certificate log in as alice?
  pgcert verify postgresql.crt --root root.crt --user alice

  # through a pg_ident.conf map, comparing the whole subject (clientname=DN)
  pgcert verify postgresql.crt --root root.crt --user alice --clientname DN --map certs --ident "$PGDATA/pg_ident.conf"

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
	fl.StringVar(&opts.Purpose, "purpose", "", "who checks the certificate: server (libpq checks a server's) or client (the server checks a client's); default: from its extendedKeyUsage")
	fl.StringVar(&opts.User, "user", "", "predict the server's cert authentication of the certificate as database `ROLE`")
	fl.StringVar(&opts.ClientName, "clientname", "CN", "with --user, what names the client, as pg_hba.conf's clientname: CN or DN")
	fl.StringVar(&opts.Map, "map", "", "with --user, the pg_hba.conf map= `NAME` to look the certificate's name up in (needs --ident)")
	fl.StringVar(&opts.Ident, "ident", "", "the server's pg_ident.conf `FILE`, for --map")
	cmd.MarkFlagFilename("ident", "conf")
	cmd.RegisterFlagCompletionFunc("clientname", fixedCompletion("CN", "DN"))
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
	o := pgdata.CertAuthOptions{Role: opts.User, ClientName: opts.ClientName, Map: opts.Map}
	if opts.Ident != "" {
		data, err := f.readInput(opts.Ident)
		if err != nil {
			return nil, err
		}
		lines, err := pgdata.ParseIdent(opts.Ident, data)
		if err != nil {
			return nil, withHints(err, "the server refuses a pg_ident.conf it cannot parse; correct the line")
		}
		o.Ident = lines
		if !slices.ContainsFunc(lines, func(l pgdata.IdentLine) bool { return l.Map == opts.Map }) {
			f.warnf("%s has no line of the map %s: the server lets no certificate through it", opts.Ident, opts.Map)
		}
	}
	a, err := pgdata.CheckCertAuth(cert, o)
	if err != nil {
		return nil, err
	}
	return &pgdata.CertAuthCheck{Role: opts.User, ClientName: opts.ClientName, Map: opts.Map, CertAuth: a}, nil
}
