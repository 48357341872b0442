package cli

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
)

type crlGenOptions struct {
	f         *Factory
	CADir     string
	DataDir   string
	Index     string
	Serials   string
	CACert    string
	CAKey     string
	CRLNumber string
	Days      int
	Out       string
	PassIn    string
	Force     bool
}

func newCrlGenCmd(f *Factory, runF func(*crlGenOptions) error) *cobra.Command {
	opts := &crlGenOptions{f: f}
	cmd := &cobra.Command{
		Use:   "gen (--ca-dir DIR | --index FILE --ca-cert FILE --ca-key FILE | --serials FILE --ca-cert FILE --ca-key FILE)",
		Short: "make the CRL of a CA from its database",
		Long:  help.Long("crl gen", "days", fmt.Sprint(crl.DefaultDays)), Example: help.Example("crl gen"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return crlGenRun(opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	addDataDirCAFlag(cmd, &opts.DataDir)
	fl := cmd.Flags()
	addFileFlag(cmd, &opts.Index, "index", "the openssl ca or easy-rsa database `FILE` (index.txt)", "txt")
	addFileFlag(cmd, &opts.Serials, "serials", "a plain list `FILE` of revoked serials, with optional times and reasons (instead of --index)", "txt")
	addFileFlag(cmd, &opts.CACert, "ca-cert", "the CA certificate `FILE` that signs the CRL (with --index)", certExts...)
	addFileFlag(cmd, &opts.CAKey, "ca-key", "the CA's private key `FILE` (with --index)", keyExts...)
	addFileFlag(cmd, &opts.CRLNumber, "crlnumber", "the crlnumber `FILE`, read and advanced (with --index; default: crlnumber beside the index)")
	fl.IntVar(&opts.Days, "days", crl.DefaultDays, "days until nextUpdate, when the CRL expires")
	addOutFlag(cmd, &opts.Out, "", "write the CRL to `FILE` (default: standard output)", "crl", "pem")
	addCAPassInFlag(cmd, &opts.PassIn)
	addForceFlag(cmd, &opts.Force)
	return cmd
}

func crlGenRun(opts *crlGenOptions) error {
	f := opts.f
	indexForm := opts.Index != "" || opts.Serials != "" || opts.CACert != "" || opts.CAKey != "" || opts.CRLNumber != ""
	if indexForm && (opts.CADir != "" || opts.DataDir != "") {
		return usageErrorf("give --ca-dir (or -D), or --index (or --serials) with --ca-cert and --ca-key, not both")
	}
	if opts.Index != "" && opts.Serials != "" {
		return usageErrorf("give --index or --serials, not both")
	}
	if indexForm {
		var missing []string
		list := struct{ name, value string }{"--index", opts.Index}
		if opts.Serials != "" {
			list = struct{ name, value string }{"--serials", opts.Serials}
		}
		for _, fl := range []struct{ name, value string }{list, {"--ca-cert", opts.CACert}, {"--ca-key", opts.CAKey}} {
			if fl.value == "" {
				missing = append(missing, fl.name)
			}
		}
		if len(missing) > 0 {
			return usageErrorf("--index (or --serials), --ca-cert and --ca-key go together: %s missing", words.And(missing))
		}
	}
	if err := checkDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	out, err := f.resolveCRLOutput(opts.Out, opts.Force)
	if err != nil {
		return err
	}
	// Before the CA's and crlnumber's locks, in the order renew and init take them.
	release, err := f.lockOutputDataDir(out.Path)
	if err != nil {
		return err
	}
	defer release()
	if indexForm {
		return crlGenIndex(opts, out)
	}
	return crlGenCADir(opts, out)
}

// crlGenCADir makes the CRLs of a pgcert CA directory: the code pgcert init uses.
func crlGenCADir(opts *crlGenOptions, out crlOutput) error {
	f := opts.f
	c, err := f.openCAFor(opts.CADir, opts.DataDir)
	if err != nil {
		return err
	}
	if err := f.unlockCAs(opts.PassIn, c.CAs()...); err != nil {
		return err
	}
	if c.Root() == nil {
		f.warnf("%s: the root CA is not in %s, so the output holds no CRL for it: PostgreSQL would then reject every client certificate (%s); add the root's CRL with pgcert crl merge",
			c.Dir, filepath.Join(c.Dir, ca.RootDir), chain.UnableToGetCRL.Alert())
	}
	stop := f.IO.StartProgress("making the CRLs of " + c.Dir)
	cc, err := c.ChainCRLStream(ca.CRLOptions{Now: f.Now(), Days: opts.Days, Rand: f.Rand})
	stop()
	if err != nil {
		return err
	}
	w, err := f.writeCRLOutput(out, func(wr io.Writer) error {
		_, err := cc.WriteTo(wr)
		return err
	})
	if err != nil {
		return err
	}
	return f.reportCRLGen(w, cc.Summaries(), "")
}

// crlGenIndex makes a CRL from an openssl database, streaming the index into the
// CRL builder and the signed CRL into the output file.
func crlGenIndex(opts *crlGenOptions, out crlOutput) error {
	f := opts.f
	cert, key, err := f.loadCRLSigner(opts.CACert, opts.CAKey, opts.PassIn)
	if err != nil {
		return err
	}
	listFile, sign := opts.Index, ca.SignIndexCRL
	if opts.Serials != "" {
		listFile, sign = opts.Serials, ca.SignSerialsCRL
	}
	numberFile := opts.CRLNumber
	if numberFile == "" {
		numberFile = filepath.Join(filepath.Dir(listFile), ca.CRLNumberFile)
	}
	// Held until the CRL is written: the number is used once, and the CRL written
	// last is the one with the highest number.
	unlock, err := ca.LockCRLNumber(numberFile, func() {
		f.infof("waiting for another pgcert run to finish with %s", numberFile)
	})
	if errors.Is(err, fs.ErrNotExist) {
		_, _, err = ca.ReadCRLNumberFile(numberFile, true)
	}
	if err != nil {
		return err
	}
	defer unlock()
	number, created, err := ca.ReadCRLNumberFile(numberFile, opts.CRLNumber != "")
	if err != nil {
		return err
	}
	index, err := fsutil.OpenInput(listFile)
	if err != nil {
		return inputError(listFile, err)
	}
	defer index.Close()
	if fi, err := index.Stat(); err == nil && fi.IsDir() {
		return failf([]string{"give the file itself, such as demoCA/index.txt"}, "%s is a directory", listFile)
	}

	stop := f.IO.StartProgress("making the CRL from " + listFile)
	defer stop()
	now := f.Now()
	res, err := sign(index, ca.IndexCRLOptions{Issuer: cert, Signer: key.Signer, Number: number, Now: now, Days: opts.Days, Rand: f.Rand})
	if err != nil {
		return ca.CRLFiles{Index: opts.Index, Serials: opts.Serials, CACert: opts.CACert, CAKey: opts.CAKey}.Explain(err)
	}
	signed := res.Signed
	if res.ClockBehind {
		stop()
		f.warnf("%s records a revocation at %s, later than this machine's clock (%s): the CRL's thisUpdate is that time, and until then the server and libpq reject every certificate of this CA (%s); check the clock",
			listFile, res.Latest.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), chain.CRLNotYetValid.Alert())
	}
	if err := ca.AdvanceCRLNumber(numberFile, number); err != nil {
		return err
	}
	if created {
		stop()
		f.warnf("there was no %s: this CRL is number %s and the file now holds the next; if earlier CRLs of this CA had numbers, give their crlnumber file with --crlnumber, since verifiers keep the CRL with the highest number",
			numberFile, number)
	}
	if out.Path == "" {
		stop()
	}
	w, err := f.writeCRLOutput(out, func(wr io.Writer) error {
		_, err := signed.WritePEM(wr)
		return err
	})
	if err != nil {
		return err
	}
	stop()
	report := crl.Summary{
		Issuer:     crl.IssuerName(cert.RawSubject, cert.Subject.String()),
		Number:     signed.Number.String(),
		Entries:    signed.Entries,
		NextUpdate: signed.NextUpdate.UTC().Format(time.RFC3339),
	}
	abs, _ := filepath.Abs(numberFile)
	return f.reportCRLGen(w, []crl.Summary{report}, abs)
}

// loadCRLSigner reads the CA certificate (the first of certFile whose key is the
// key's, so that a chain file works too) and its private key.
func (f *Factory) loadCRLSigner(certFile, keyFile, passIn string) (*x509.Certificate, *keys.Key, error) {
	ins, err := f.readCertInputs([]string{certFile}, "--ca-cert")
	if err != nil {
		return nil, nil, err
	}
	key, err := f.loadKey(keyFile, "--passin", passIn)
	if err != nil {
		return nil, nil, err
	}
	certs := make([]*x509.Certificate, len(ins))
	for i, in := range ins {
		certs[i] = in.Cert
	}
	cert, err := ca.CRLSigner(certs, key.Signer.Public())
	if err != nil {
		return nil, nil, ca.CRLFiles{CACert: certFile, CAKey: keyFile}.ExplainSigner(err)
	}
	return cert, key, nil
}

// reportCRLGen prints what crl gen made: the JSON report, or a line per CRL (on
// standard error when the CRL itself went to standard output).
func (f *Factory) reportCRLGen(w *fsutil.Written, reports []crl.Summary, numberFile string) error {
	r := &crl.GenReport{CRLs: reports, CRLNumberFile: numberFile}
	if w != nil {
		fr := fsutil.Report(w)
		r.File = &fr
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	if w == nil {
		for _, r := range reports {
			f.infof("%s", r)
		}
		return nil
	}
	f.noteReplacedLink(w)
	r.WriteText(f.IO.Out)
	return nil
}
