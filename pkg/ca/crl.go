package ca

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/crl"
)

// CRLOptions says how GenerateCRL signs.
type CRLOptions struct {
	// Now is thisUpdate.
	Now time.Time
	// Days is the time to nextUpdate; 0 means crl.DefaultDays.
	Days int
	// Rand is the signature's randomness; nil means crypto/rand.
	Rand io.Reader
}

// CRL is a CRL GenerateCRL made.
type CRL struct {
	// Signed is the CRL; Signed.PEM() and Signed.WritePEM give it as PEM.
	Signed *crl.Signed
	// File is where it was also saved: the CA directory's crl.pem.
	File string
}

// GenerateCRL makes the CA's CRL from its index, as openssl ca -gencrl does: every
// revoked entry, the number from crlnumber, which it advances. The CA must be
// unlocked. Under the directory's lock, crlnumber is advanced (and synced) before the
// CRL is signed, so that an interrupted run skips a number rather than reusing one:
// CRL numbers only ever grow, which is what verifiers and crl.Merge rely on to pick
// the newest CRL. The CRL is saved as crl.pem in the CA directory.
func (c *CA) GenerateCRL(o CRLOptions) (*CRL, error) {
	if c.key == nil {
		return nil, ErrKeyLocked
	}
	if o.Now.IsZero() {
		return nil, errors.New("ca: no CRL issue time")
	}
	days := o.Days
	if days == 0 {
		days = crl.DefaultDays
	}
	if days < 0 {
		return nil, fmt.Errorf("ca: %d days is negative", days)
	}
	_, unlock, err := c.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	number, err := c.nextCRLNumber()
	if err != nil {
		return nil, err
	}
	b := crl.NewBuilder()
	// A revocation another run recorded while this one waited for the lock may be
	// later than the caller's clock reading: thisUpdate is raised to it, since a CRL
	// cannot list a revocation from after its own time.
	thisUpdate := o.Now
	err = c.scanIndex(func(e *Entry) error {
		if e.Status != StatusRevoked {
			return nil
		}
		if e.Revoked.After(thisUpdate) {
			thisUpdate = e.Revoked
		}
		return b.Add(e.CRLEntry())
	})
	if err != nil {
		return nil, err
	}
	signed, err := b.Sign(crl.Params{
		Issuer:     c.Cert,
		Signer:     c.key,
		Number:     number,
		ThisUpdate: thisUpdate,
		NextUpdate: thisUpdate.AddDate(0, 0, days),
		Rand:       o.Rand,
	})
	if err != nil {
		return nil, err
	}
	out := filepath.Join(c.Dir, CRLFile)
	// crl.pem is a record, not state: it is not synced, and a crash may leave the
	// previous one.
	writePEM := func(w io.Writer) error {
		_, err := signed.WritePEM(w)
		return err
	}
	if _, err := fsutil.WriteFileFunc(out, fsutil.Options{Mode: fsutil.PublicMode, Force: true, NoSync: true}, writePEM); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	return &CRL{Signed: signed, File: out}, nil
}

// CRLEntry is the entry a CRL lists for e, a revoked certificate, as openssl ca
// -gencrl writes it: serial, revocation time, reason (a revocation that records none,
// ReasonNone, gets the unspecified reason, which a CRL entry carries by leaving the
// reasonCode out), invalidity date and hold instruction.
func (e *Entry) CRLEntry() crl.Entry {
	reason := e.Reason
	if reason == ReasonNone {
		reason = ReasonUnspecified
	}
	return crl.Entry{
		Serial:          e.Serial,
		RevocationTime:  e.Revoked,
		Reason:          int(reason),
		InvalidityDate:  e.InvalidityDate,
		HoldInstruction: e.HoldInstruction,
	}
}

// nextCRLNumber reads crlnumber (1 when it is missing, as a new openssl CA starts)
// and stores the number after it.
func (c *CA) nextCRLNumber() (*big.Int, error) {
	path := filepath.Join(c.Dir, CRLNumberFile)
	number := big.NewInt(1)
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if number, err = ParseSerialFile(data); err != nil {
			return nil, fmt.Errorf("ca: %s: %w", path, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("ca: %w", err)
	}
	next, err := FormatSerialFile(new(big.Int).Add(number, big.NewInt(1)))
	if err != nil {
		return nil, fmt.Errorf("ca: %s: %w", path, err)
	}
	if _, err := fsutil.WriteFile(path, next, fsutil.Options{Mode: indexMode, Force: true}); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	return number, nil
}
