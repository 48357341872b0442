package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// selfsignOptions are the flags of `pgcert selfsign`, in its two forms.
type selfsignOptions struct {
	f *Factory

	Req    string
	Key    string
	Output string
	PassIn string

	DataDir string
	Hosts   []string
	Type    string
	Curve   string
	Bits    int

	Days  int
	Text  bool
	Force bool
	NewCA bool
}

func newSelfsignCmd(f *Factory, runF func(*selfsignOptions) error) *cobra.Command {
	opts := &selfsignOptions{f: f}
	cmd := &cobra.Command{
		Use:   "selfsign {--req FILE --key FILE | -D PGDATA}",
		Short: "make a self-signed server certificate",
		Long:  help.Long("selfsign", "days", fmt.Sprint(selfsign.DefaultServerDays)), Example: help.Example("selfsign"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := selfsignCheckFlags(cmd, opts); err != nil {
				return err
			}
			if err := checkDays(opts.Days, f.Now(), false); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.DataDir != "" {
				return selfsignDataDirRun(cmd, opts)
			}
			return selfsignRun(opts)
		},
	}
	fl := cmd.Flags()
	addFileFlag(cmd, &opts.Req, "req", "the certificate request `FILE` to sign", "req", "csr", "pem", "der")
	addFileFlag(cmd, &opts.Key, "key", "the request's private key `FILE` (PEM, DER or PKCS#12)", keyExts...)
	addOutFlag(cmd, &opts.Output, "server.crt", "write the certificate to `FILE` (with --req)", "crt", "pem")
	addKeyPassInFlag(cmd, &opts.PassIn)
	addPgdataFlag(cmd, &opts.DataDir, "write server.key and server.crt into the data directory `PGDATA`")
	fl.StringSliceVar(&opts.Hosts, "host", nil, "a host name or IP address clients connect to (repeatable; with -D)")
	addKeyTypeFlagsWhen(cmd, " with -D", &opts.Type, &opts.Curve, &opts.Bits)
	fl.IntVar(&opts.Days, "days", selfsign.DefaultServerDays, "days the certificate is valid")
	fl.BoolVar(&opts.Text, "text", false, "write the certificate in text before its PEM block, as openssl -text does")
	fl.BoolVarP(&opts.Force, "force", "f", false, "replace existing files (and allow --type ed25519 with -D)")
	fl.BoolVar(&opts.NewCA, "new-ca", false, "with -D, replace a server.crt a CA issued (clients that trust that CA stop verifying the server)")
	return cmd
}

// selfsignCheckFlags refuses flag combinations that mean nothing.
func selfsignCheckFlags(cmd *cobra.Command, opts *selfsignOptions) error {
	changed := cmd.Flags().Changed
	switch {
	case opts.DataDir != "" && (opts.Req != "" || opts.Key != "" || changed("out") || opts.PassIn != ""):
		return usageErrorf("-D makes its own key and writes PGDATA/server.crt; --req, --key, --out and --passin are for the other form")
	case opts.DataDir == "" && (opts.Req == "" || opts.Key == ""):
		return usageErrorf("give --req FILE and --key FILE, or -D PGDATA")
	case opts.DataDir == "" && (len(opts.Hosts) > 0 || changed("type") || changed("curve") || changed("bits")):
		return usageErrorf("--host, --type, --curve and --bits are for -D; with --req the names and key come from the request")
	case opts.DataDir == "" && opts.Output == "":
		return usageErrorf("--out needs a file name")
	}
	return nil
}

func selfsignRun(opts *selfsignOptions) error {
	f := opts.f
	data, err := f.readInput(opts.Req)
	if err != nil {
		return err
	}
	req, err := bootstrap.ReadRequest(opts.Req, data)
	if err != nil {
		return err
	}
	force, err := f.allowOverwrite(opts.Force, opts.Output)
	if err != nil {
		return err
	}
	if err := bootstrap.RefuseExisting(force, opts.Output); err != nil {
		return err
	}
	k, err := f.loadKey(opts.Key, "--passin", opts.PassIn)
	if err != nil {
		return err
	}
	r, err := bootstrap.SignRequest(bootstrap.SignRequestOptions{
		Request: req, RequestPath: opts.Req, Key: k.Signer, KeyPath: opts.Key,
		Output: opts.Output, Force: force, Days: opts.Days, Text: opts.Text, Now: f.Now, Rand: f.Rand,
	})
	if err != nil {
		return err
	}
	f.noteReplacedLink(r.Written)
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	return r.WriteText(f.IO.Out)
}

// dataDirWritten is the --json output of `pgcert selfsign -D`.
type dataDirWritten = bootstrap.SelfSignedResult

func selfsignDataDirRun(cmd *cobra.Command, opts *selfsignOptions) error {
	f := opts.f
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	if gen.Type == keys.TypeEd25519 {
		// A self-signed certificate is signed with its own key: an Ed25519 key
		// makes the EdDSA signature that breaks SCRAM channel binding.
		if !opts.Force {
			return bootstrap.ErrEdDSASelfSigned
		}
		f.warnf("the server certificate is signed with EdDSA: SCRAM password logins over SSL will fail with \"could not find digest for NID UNDEF\"")
	}
	hosts := opts.Hosts
	if len(hosts) == 0 {
		hosts = f.defaultHosts()
	}
	sans, err := selfsign.HostSANs(hosts)
	if err != nil {
		return usageErrorf("--host: %s", strings.TrimPrefix(err.Error(), "selfsign: "))
	}
	if err := bootstrap.CheckWildcards(sans, opts.Force); err != nil {
		return err
	}
	dd, err := inspectDataDir(opts.DataDir)
	if err != nil {
		return err
	}
	release, err := f.lockDataDir(dd.Dir)
	if err != nil {
		return err
	}
	defer release()
	if !dd.IsDataDir {
		f.infof("%s is not a PostgreSQL data directory yet (no %s): writing the files for PostgreSQL %s's settings",
			dd.Dir, strings.Join(dd.Missing, ", "), dd.Version)
	}
	keyPath := filepath.Join(dd.Dir, pgdata.DefaultSSLFiles.Key)
	certPath := filepath.Join(dd.Dir, pgdata.DefaultSSLFiles.Cert)
	force, err := f.allowOverwrite(opts.Force, keyPath, certPath)
	if err != nil {
		return err
	}
	if err := bootstrap.RefuseCAIssued(dd.Dir, opts.NewCA); err != nil {
		return err
	}
	if err := bootstrap.RefuseExisting(force, keyPath, certPath); err != nil {
		var exists *fsutil.ExistsError
		if errors.As(err, &exists) {
			return failf([]string{"add --force to replace server.key and server.crt (both are replaced, or neither)"}, "%s", err)
		}
		return err
	}

	result, err := bootstrap.WriteSelfSigned(bootstrap.SelfSignedOptions{
		DataDir: dd, Hosts: hosts, Key: gen, Days: opts.Days, Force: force,
		Now: f.Now, Rand: f.Rand, GenerateKey: f.generateKey,
		CertFile: func(der []byte) ([]byte, error) { return bootstrap.CertificateFile(der, opts.Text) },
	})
	var subjErr *selfsign.SubjectError
	switch {
	case errors.As(err, &subjErr):
		return usageErrorf("--host %s: %s", selfsign.Shorten(hosts[0]), strings.TrimPrefix(err.Error(), "selfsign: "))
	case err != nil && strings.HasPrefix(err.Error(), "selfsign: "):
		return bootstrap.RequestError(err)
	case err != nil:
		return err
	}
	for _, w := range result.Written {
		f.noteReplacedLink(w)
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, result)
	}
	info := f.IO.ErrOut
	if f.Global.Quiet {
		info = io.Discard
	}
	return result.WriteText(info, f.IO.Out)
}

// defaultHosts are the names a self-signed certificate gets when none are given:
// the machine's fully qualified host name, which clients elsewhere connect to, and
// localhost, which clients on the machine use.
func (f *Factory) defaultHosts() []string {
	host, err := f.Hostname()
	if err != nil || host == "" || host == "localhost" {
		f.warnf("this machine's host name is unknown; the certificate names localhost only (give --host NAME)")
		return []string{"localhost"}
	}
	return []string{host, "localhost"}
}

// inspectDataDir examines -D's directory, which must exist but need not be a data
// directory yet.
func inspectDataDir(dir string) (*pgdata.DataDir, error) {
	dd, err := pgdata.Inspect(dir)
	if err == nil {
		if dd.IsDataDir {
			removeRenewLeftovers(dd.Dir)
		}
		return dd, nil
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, failf([]string{fmt.Sprintf("create it first (mkdir -m 700 %s), or run initdb", dir)}, "%s: no such directory", dir)
	case errors.Is(err, fs.ErrPermission):
		return nil, failf(readHints(dir), "%s: permission denied", dir)
	}
	if fi, statErr := os.Stat(dir); statErr == nil && !fi.IsDir() {
		return nil, failf([]string{"give the data directory, the one that holds PG_VERSION"}, "%s is not a directory", dir)
	}
	return nil, fmt.Errorf("%s: %w", dir, err)
}
