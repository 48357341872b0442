package ca

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/notify"
)

// GenCRLOptions say what GenerateCRL signs and where it goes: the CRLs of a
// pgcert CA directory (CADir or DataDir, opened by OpenCA), or the CRL of an
// openssl database (Index or Serials, with CACert and CAKey). The funcs are the
// outside world: files, the terminal, locks, the clock.
type GenCRLOptions struct {
	CADir, DataDir string
	Index          string
	Serials        string
	CACert, CAKey  string
	// CRLNumber is the crlnumber file; "" means crlnumber beside the index, made
	// when missing (a named file must exist).
	CRLNumber string
	Days      int
	// Out is the file to write ("" or "-": Stdout); JSON says a report will take
	// standard output, which the CRL then cannot.
	Out    string
	JSON   bool
	Stdout io.Writer

	// Overwrite says whether an existing Out may be replaced (nil: never).
	Overwrite func(paths ...string) (bool, error)
	// LockOutput takes the lock of the data directory Out lies in, before the
	// CA's and crlnumber's, the order renew and init take them (nil: none).
	LockOutput func(path string) (release func(), err error)
	// OpenCA opens the CA directory (nil: Open(CADir)); Unlock loads the keys
	// of its CAs, asking for passphrases (nil: only unencrypted keys load).
	OpenCA func() (*CA, error)
	Unlock func(cas ...*CA) error
	// ReadCerts reads --ca-cert; LoadKey reads and decrypts --ca-key.
	ReadCerts func(paths []string, flag string) ([]chain.Input, error)
	LoadKey   func(path string) (*keys.Key, error)
	// Progress starts a spinner for slow work and returns its stop (nil: none).
	Progress func(label string) (stop func())
	Reporter crl.Reporter
	Now      func() time.Time
	Rand     io.Reader
}

// GenCRLResult is what GenerateCRL made: its --json report, and the file
// written (nil when the CRL went to Stdout).
type GenCRLResult struct {
	Report  *crl.GenReport
	Written *fsutil.Written
}

// indexForm reports whether o names an openssl database rather than a CA directory.
func (o GenCRLOptions) indexForm() bool {
	return o.Index != "" || o.Serials != "" || o.CACert != "" || o.CAKey != "" || o.CRLNumber != ""
}

// Validate refuses options that mix the CA directory and database forms, or
// name only part of a database form, as usage errors naming the flags.
func (o GenCRLOptions) Validate() error {
	if o.indexForm() && (o.CADir != "" || o.DataDir != "") {
		return hint.Usagef("give --ca-dir (or -D), or --index (or --serials) with --ca-cert and --ca-key, not both")
	}
	if o.Index != "" && o.Serials != "" {
		return hint.Usagef("give --index or --serials, not both")
	}
	if !o.indexForm() {
		return nil
	}
	list := struct{ name, value string }{"--index", o.Index}
	if o.Serials != "" {
		list = struct{ name, value string }{"--serials", o.Serials}
	}
	var missing []string
	for _, fl := range []struct{ name, value string }{list, {"--ca-cert", o.CACert}, {"--ca-key", o.CAKey}} {
		if fl.value == "" {
			missing = append(missing, fl.name)
		}
	}
	if len(missing) > 0 {
		return hint.Usagef("--index (or --serials), --ca-cert and --ca-key go together: %s missing", words.And(missing))
	}
	return nil
}

// GenerateCRL does what pgcert crl gen does: it checks the options and the
// output before any work, then signs the CRLs of a CA directory (one per CA of
// its chain) or the CRL of an openssl database, and writes them to Out. When
// the CRL goes to Stdout, each CRL's summary goes to the Reporter's Infof.
func GenerateCRL(o GenCRLOptions) (*GenCRLResult, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Progress == nil {
		o.Progress = func(string) func() { return func() {} }
	}
	if o.Reporter == nil {
		o.Reporter = notify.Or(nil)
	}
	out, err := crl.ResolveOutput(o.Out, o.JSON, o.Overwrite)
	if err != nil {
		return nil, err
	}
	if o.LockOutput != nil && out.Path != "" {
		release, err := o.LockOutput(out.Path)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	if o.indexForm() {
		return o.genIndex(out)
	}
	return o.genCADir(out)
}

// genCADir makes the CRLs of a pgcert CA directory, one per CA of its chain.
func (o GenCRLOptions) genCADir(out crl.Output) (*GenCRLResult, error) {
	open := o.OpenCA
	if open == nil {
		open = func() (*CA, error) { return Open(o.CADir) }
	}
	c, err := open()
	if err != nil {
		return nil, err
	}
	unlock := o.Unlock
	if unlock == nil {
		unlock = func(cas ...*CA) error { return UnlockAll(noPassphrase, cas...) }
	}
	if err := unlock(c.CAs()...); err != nil {
		return nil, err
	}
	if c.Root() == nil {
		o.Reporter.Warnf("%s: the root CA is not in %s, so the output holds no CRL for it: PostgreSQL would then reject every client certificate (%s); add the root's CRL with pgcert crl merge",
			c.Dir, filepath.Join(c.Dir, RootDir), chain.UnableToGetCRL.Alert())
	}
	stop := o.Progress("making the CRLs of " + c.Dir)
	cc, err := c.ChainCRLStream(CRLOptions{Now: o.Now(), Days: o.Days, Rand: o.Rand})
	stop()
	if err != nil {
		return nil, err
	}
	w, err := out.Write(o.Stdout, func(wr io.Writer) error {
		_, err := cc.WriteTo(wr)
		return err
	})
	if err != nil {
		return nil, err
	}
	return o.result(w, cc.Summaries(), ""), nil
}

// genIndex makes a CRL from an openssl database, streaming the index into the
// CRL builder and the signed CRL into the output.
func (o GenCRLOptions) genIndex(out crl.Output) (*GenCRLResult, error) {
	cert, key, err := o.loadSigner()
	if err != nil {
		return nil, err
	}
	listFile, sign := o.Index, SignIndexCRL
	if o.Serials != "" {
		listFile, sign = o.Serials, SignSerialsCRL
	}
	numberFile := o.CRLNumber
	if numberFile == "" {
		numberFile = filepath.Join(filepath.Dir(listFile), CRLNumberFile)
	}
	// Held until the CRL is written: the number is used once, and the CRL written
	// last is the one with the highest number.
	unlock, err := LockCRLNumber(numberFile, func() {
		o.Reporter.Infof("waiting for another pgcert run to finish with %s", numberFile)
	})
	if errors.Is(err, fs.ErrNotExist) {
		_, _, err = ReadCRLNumberFile(numberFile, true)
	}
	if err != nil {
		return nil, err
	}
	defer unlock()
	number, created, err := ReadCRLNumberFile(numberFile, o.CRLNumber != "")
	if err != nil {
		return nil, err
	}
	index, err := fsutil.OpenInput(listFile)
	if err != nil {
		return nil, hint.Input(listFile, err)
	}
	defer index.Close()

	// stop is called before every message, so that none lands on the spinner's line.
	stop := o.Progress("making the CRL from " + listFile)
	defer stop()
	now := o.Now()
	res, err := sign(index, IndexCRLOptions{Issuer: cert, Signer: key.Signer, Number: number, Now: now, Days: o.Days, Rand: o.Rand})
	if err != nil {
		return nil, CRLFiles{Index: o.Index, Serials: o.Serials, CACert: o.CACert, CAKey: o.CAKey}.Explain(err)
	}
	signed := res.Signed
	if res.ClockBehind {
		stop()
		o.Reporter.Warnf("%s records a revocation at %s, later than this machine's clock (%s): the CRL's thisUpdate is that time, and until then the server and libpq reject every certificate of this CA (%s); check the clock",
			listFile, res.Latest.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), chain.CRLNotYetValid.Alert())
	}
	if err := AdvanceCRLNumber(numberFile, number); err != nil {
		return nil, err
	}
	if created {
		stop()
		o.Reporter.Warnf("there was no %s: this CRL is number %s and the file now holds the next; if earlier CRLs of this CA had numbers, give their crlnumber file with --crlnumber, since verifiers keep the CRL with the highest number",
			numberFile, number)
	}
	if out.Path == "" {
		stop()
	}
	w, err := out.Write(o.Stdout, func(wr io.Writer) error {
		_, err := signed.WritePEM(wr)
		return err
	})
	if err != nil {
		return nil, err
	}
	stop()
	report := crl.Summary{
		Issuer:     crl.IssuerName(cert.RawSubject, cert.Subject.String()),
		Number:     signed.Number.String(),
		Entries:    signed.Entries,
		NextUpdate: signed.NextUpdate.UTC().Format(time.RFC3339),
	}
	abs, _ := filepath.Abs(numberFile)
	return o.result(w, []crl.Summary{report}, abs), nil
}

// loadSigner reads the CA certificate (the first of CACert whose key is the
// key's, so that a chain file works too) and its private key.
func (o GenCRLOptions) loadSigner() (*x509.Certificate, *keys.Key, error) {
	ins, err := o.ReadCerts([]string{o.CACert}, "--ca-cert")
	if err != nil {
		return nil, nil, err
	}
	key, err := o.LoadKey(o.CAKey)
	if err != nil {
		return nil, nil, err
	}
	certs := make([]*x509.Certificate, len(ins))
	for i, in := range ins {
		certs[i] = in.Cert
	}
	cert, err := CRLSigner(certs, key.Signer.Public())
	if err != nil {
		return nil, nil, CRLFiles{CACert: o.CACert, CAKey: o.CAKey}.ExplainSigner(err)
	}
	return cert, key, nil
}

// result is the report of what was written to w (nil: standard output, and
// then each summary goes to Infof, beside the CRL rather than in it).
func (o GenCRLOptions) result(w *fsutil.Written, sums []crl.Summary, numberFile string) *GenCRLResult {
	r := &crl.GenReport{CRLs: sums, CRLNumberFile: numberFile}
	if w != nil {
		fr := fsutil.Report(w)
		r.File = &fr
	} else {
		for _, s := range sums {
			o.Reporter.Infof("%s", s)
		}
	}
	return &GenCRLResult{Report: r, Written: w}
}

// noPassphrase is the passphrase source of a caller that gives none.
func noPassphrase(keyPath string) ([]byte, error) {
	return nil, fmt.Errorf("ca: %s is encrypted, and no passphrase was given", keyPath)
}
