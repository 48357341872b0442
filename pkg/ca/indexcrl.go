package ca

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
)

// IndexCRLOptions says how SignIndexCRL signs the CRL of an openssl database.
type IndexCRLOptions struct {
	// Issuer is the CA certificate and Signer its key.
	Issuer *x509.Certificate
	Signer crypto.Signer
	// Number is the CRL number (see ReadCRLNumber).
	Number *big.Int
	// Now is thisUpdate, unless the index records a later revocation.
	Now time.Time
	// Days is the time from thisUpdate to nextUpdate; 0 means crl.DefaultDays.
	Days int
	// Rand is the signature's randomness; nil means crypto/rand.
	Rand io.Reader
}

// IndexCRL is the CRL SignIndexCRL made.
type IndexCRL struct {
	Signed *crl.Signed
	// ClockBehind is set when the index records a revocation later than Now: the
	// CRL's thisUpdate is then that revocation (Latest), since a CRL issued before
	// a revocation it lists would be a lie, and until then the server and libpq
	// reject every certificate of the CA (CRL is not yet valid). The clock is
	// likely wrong.
	ClockBehind bool
	Latest      time.Time
}

// IndexScanError is an error reading the index given to SignIndexCRL (a malformed
// line, a serial revoked twice, a read error), as opposed to an error signing.
type IndexScanError struct{ Err error }

func (e *IndexScanError) Error() string { return e.Err.Error() }
func (e *IndexScanError) Unwrap() error { return e.Err }

// SignIndexCRL makes the CRL of any openssl ca or easy-rsa database, as openssl ca
// -gencrl does: every revoked entry of index with its revocation date, reason code,
// invalidity date or hold instruction. The index is streamed into the CRL builder,
// so a million revocations need no per-line allocation. The caller advances the
// crlnumber file (AdvanceCRLNumber) before it writes the CRL.
func SignIndexCRL(index io.Reader, o IndexCRLOptions) (*IndexCRL, error) {
	return signScanned(o, func(add func(crl.Entry) error) error {
		return ScanIndex(index, func(e *Entry) error {
			if e.Status != StatusRevoked {
				return nil
			}
			return add(e.CRLEntry())
		})
	})
}

// signScanned signs the CRL of the entries scan passes to add.
func signScanned(o IndexCRLOptions, scan func(add func(crl.Entry) error) error) (*IndexCRL, error) {
	b := crl.NewBuilder()
	var latest time.Time
	err := scan(func(e crl.Entry) error {
		if e.RevocationTime.After(latest) {
			latest = e.RevocationTime
		}
		return b.Add(e)
	})
	if err != nil {
		return nil, &IndexScanError{Err: err}
	}
	days := o.Days
	if days == 0 {
		days = crl.DefaultDays
	}
	r := &IndexCRL{Latest: latest}
	thisUpdate := o.Now
	if latest.Truncate(time.Second).After(o.Now.Truncate(time.Second)) {
		thisUpdate, r.ClockBehind = latest, true
	}
	r.Signed, err = b.Sign(crl.Params{
		Issuer:     o.Issuer,
		Signer:     o.Signer,
		Number:     o.Number,
		ThisUpdate: thisUpdate,
		NextUpdate: thisUpdate.AddDate(0, 0, days),
		Rand:       o.Rand,
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// crlNumberLimit bounds a crlnumber file: one hexadecimal number.
const crlNumberLimit = 64 << 10

// LockCRLNumber takes the exclusive lock that guards the crlnumber file path, waiting
// for another run holding it: a flock on pgcert.lock (LockFile) beside it, created
// without following a link. A run holds it from reading the number until the CRL
// with that number is written, so concurrent runs never sign two CRLs under one
// number, crlnumber only grows, and the CRL written last is the newest. It is the
// lock of a pgcert CA directory when the file is that directory's crlnumber, so
// `crl gen --index` beside `crl gen --ca-dir` on one CA takes turns too.
//
// waiting, when not nil, is called once if another run holds the lock, before
// waiting for it.
func LockCRLNumber(path string, waiting func()) (unlock func(), err error) {
	return lockDir(filepath.Dir(path), waiting)
}

// ReadCRLNumber reads the next CRL number from a crlnumber file. A missing file means
// 1, as a new openssl CA starts (created is then set), unless explicit: a mistyped
// path given on purpose must not restart the numbering, so it is an error wrapping
// fs.ErrNotExist. A file that does not parse is a *SerialFileError. Read it under
// LockCRLNumber.
func ReadCRLNumber(path string, explicit bool) (n *big.Int, created bool, err error) {
	data, err := fsutil.ReadInput(path, crlNumberLimit)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return big.NewInt(1), true, nil
	case err != nil:
		return nil, false, err
	}
	n, err = ParseSerialFile(data)
	if err != nil {
		return nil, false, &SerialFileError{Path: path, Err: err}
	}
	return n, false, nil
}

// SerialFileError is a crlnumber (or serial) file that does not hold a number.
type SerialFileError struct {
	Path string
	Err  error
}

func (e *SerialFileError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }
func (e *SerialFileError) Unwrap() error { return e.Err }

// AdvanceCRLNumber writes the number after used into the crlnumber file path. It is
// to be called before the CRL numbered used is written: an interrupted run then
// skips a number rather than issuing two CRLs under one, which would leave verifiers
// unable to tell which is newer. Call it under the LockCRLNumber taken to read used.
func AdvanceCRLNumber(path string, used *big.Int) error {
	next, err := FormatSerialFile(new(big.Int).Add(used, big.NewInt(1)))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	_, err = fsutil.WriteFile(path, next, fsutil.Options{Mode: fsutil.PublicMode, Force: true})
	return err
}

// ErrNotSignerCA is returned by CRLSigner for a certificate that carries the key but
// is not a CA (basicConstraints CA:TRUE missing): OpenSSL refuses the CRLs it signs.
var ErrNotSignerCA = errors.New("ca: not a CA certificate (basicConstraints CA:TRUE is missing)")

// ErrNoSignerCert is returned by CRLSigner when no certificate carries the key.
var ErrNoSignerCert = errors.New("ca: no certificate carries the key")

// CRLSigner picks the CA certificate of a CRL signing key among certs: the first that
// carries pub, so that a chain file works as well as the CA's own certificate.
func CRLSigner(certs []*x509.Certificate, pub crypto.PublicKey) (*x509.Certificate, error) {
	for _, c := range certs {
		if !keys.PublicKeysEqual(c.PublicKey, pub) {
			continue
		}
		if !c.BasicConstraintsValid || !c.IsCA {
			return nil, ErrNotSignerCA
		}
		return c, nil
	}
	return nil, ErrNoSignerCert
}
