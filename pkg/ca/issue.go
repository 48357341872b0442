package ca

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// Request says what certificate Issue makes.
type Request struct {
	// Profile is selfsign.ServerLeaf, selfsign.ClientLeaf or selfsign.IntermediateCA.
	// It alone decides key usage, extended key usage and basic constraints.
	Profile selfsign.Profile
	// Subject, or RawSubject (a request's subject, copied byte for byte), names the
	// certificate's subject. A client certificate's Common Name is the role the
	// server's cert method logs in as.
	Subject    pkix.RDNSequence
	RawSubject []byte
	// SANs are the subject alternative names (a server's host names).
	SANs selfsign.SANs
	// PublicKey is the key being certified.
	PublicKey crypto.PublicKey
	// Days is the validity; 0 means the profile's default.
	Days int
	// PathLen is an intermediate's pathLenConstraint (selfsign.Spec.PathLen).
	PathLen int
	// Now is the issue time.
	Now time.Time
	// Rand draws the serial and the signature's randomness; nil means crypto/rand.
	Rand io.Reader
}

// Issued is a certificate Issue made and recorded.
type Issued struct {
	Cert *x509.Certificate
	// Entry is the line added to index.txt.
	Entry *Entry
	// File is the copy of the certificate in newcerts/.
	File string
	// Clamped reports that the certificate's notAfter was cut to the issuing CA's,
	// because the days asked for ran past it: a certificate cannot be trusted
	// longer than its issuer, and OpenSSL would call it expired from the moment
	// the CA expires anyway.
	Clamped bool
}

// ClampNote is the warning a person should read when the certificate was
// Clamped ("" when it was not): every command that issues says it alike.
func (is *Issued) ClampNote() string {
	if !is.Clamped {
		return ""
	}
	return fmt.Sprintf("the certificate's validity was cut to the CA's: it expires on %s, with %s", is.Cert.NotAfter.UTC().Format("2006-01-02"), is.Cert.Issuer.CommonName)
}

// ExpiredError is returned by Issue when the issuing CA has expired (or is not yet
// valid): nothing it signs would verify.
type ExpiredError struct {
	CA       string // the CA's subject
	NotAfter time.Time
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("ca: the CA %q expired on %s", e.CA, e.NotAfter.UTC().Format(time.DateOnly))
}

// Issue signs a certificate for r with the issuing CA and records it, under the
// directory's lock: it draws a random serial (159 bits, as selfsign.RandomSerial) that
// the index does not hold yet, writes the copy newcerts/<SERIAL>.pem, then appends the
// index line (see the crash consistency rule in state.go). The CA must be unlocked.
//
// The validity runs from r.Now less selfsign.Backdate for r.Days days, cut to the
// issuing CA's notAfter when it would outlive it (Issued.Clamped says so).
func (c *CA) Issue(r Request) (*Issued, error) {
	out, err := c.IssueAll([]Request{r})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// IssueAll issues several certificates as Issue does, under one lock and with one
// index write: the copies are written and synced together, then every line is
// appended at once. pgcert init issues the server's and the clients' certificates
// this way. On an error nothing is recorded, and the copies already written are
// removed (after a crash, the next run removes them). A CA revoked by its parent
// issues nothing (*RevokedCAError).
func (c *CA) IssueAll(rs []Request) ([]*Issued, error) {
	if c.key == nil {
		return nil, ErrKeyLocked
	}
	if err := c.checkNotRevoked(); err != nil {
		return nil, err
	}
	st, unlock, err := c.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return c.issueLocked(st, rs)
}

func (c *CA) issueLocked(st *state, rs []Request) (_ []*Issued, err error) {
	var (
		out     []*Issued
		lines   []byte
		files   []string
		serials []string
	)
	for _, r := range rs {
		is, err := c.sign(st, r)
		if err != nil {
			return nil, err
		}
		if lines, err = AppendEntry(lines, is.Entry); err != nil {
			return nil, err
		}
		// Reserve the serial against the rest of the batch.
		serials = append(serials, SerialHex(is.Entry.Serial))
		st.serials[serials[len(serials)-1]] = true
		out = append(out, is)
	}
	// The journal names the copies before they exist, so that a crash leaves nothing
	// the next run has to look for (see state.go).
	if err := c.writePending(serials); err != nil {
		return nil, err
	}
	// A batch that fails records nothing, and removes the copies it wrote (after
	// a crash, load removes them).
	crashed := false
	defer func() {
		if err != nil && !crashed {
			for _, f := range files {
				os.Remove(f)
			}
		}
		if !crashed {
			c.clearPending()
		}
	}()
	dir := certsDir(c.Dir)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	for _, is := range out {
		if _, err := fsutil.WriteFile(is.File, PEM(is.Cert), fsutil.Options{Mode: fsutil.PublicMode, NoSync: true, NoClean: true}); err != nil {
			return nil, fmt.Errorf("ca: %w", err)
		}
		files = append(files, is.File)
	}
	if err := fsutil.Sync(files...); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	if testHookAfterCopy != nil {
		if err := testHookAfterCopy(); err != nil {
			crashed = true // as a crash, which removes nothing
			return nil, err
		}
	}
	if err := c.appendIndex(lines); err != nil {
		return nil, err
	}
	return out, nil
}

// sign makes the certificate for r and its index entry.
func (c *CA) sign(st *state, r Request) (*Issued, error) {
	if r.Now.IsZero() {
		return nil, errors.New("ca: no issue time")
	}
	rnd := r.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	notBefore, notAfter, clamped, err := c.validity(r)
	if err != nil {
		return nil, err
	}
	serial, err := c.newSerial(st, rnd)
	if err != nil {
		return nil, err
	}
	der, err := selfsign.Build(selfsign.Spec{
		Profile:    r.Profile,
		Subject:    r.Subject,
		RawSubject: r.RawSubject,
		SANs:       r.SANs,
		NotBefore:  notBefore,
		NotAfter:   notAfter,
		Serial:     serial,
		PathLen:    r.PathLen,
		Rand:       rnd,
	}, c.Cert, c.key, r.PublicKey)
	if err != nil {
		return nil, err
	}
	cert, err := keys.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("ca: reading back the certificate: %w", err)
	}
	subject, err := OneLineName(cert.RawSubject)
	if err != nil {
		return nil, err
	}
	e := &Entry{
		Status:  StatusValid,
		Expires: cert.NotAfter,
		Serial:  cert.SerialNumber.Bytes(),
		File:    []byte("unknown"),
		Subject: []byte(subject),
	}
	return &Issued{Cert: cert, Entry: e, File: c.CertFilePath(cert.SerialNumber), Clamped: clamped}, nil
}

// validity returns the validity period of r, cut to the issuing CA's.
func (c *CA) validity(r Request) (notBefore, notAfter time.Time, clamped bool, err error) {
	days := r.Days
	if days < 0 {
		return time.Time{}, time.Time{}, false, fmt.Errorf("ca: %d days is negative", days)
	}
	if days == 0 {
		days = r.Profile.DefaultDays()
	}
	now := r.Now.UTC().Truncate(time.Second)
	caName := c.Cert.Subject.String()
	if !now.Before(c.Cert.NotAfter) {
		return time.Time{}, time.Time{}, false, &ExpiredError{CA: caName, NotAfter: c.Cert.NotAfter}
	}
	notBefore = now.Add(-selfsign.Backdate)
	if notBefore.Before(c.Cert.NotBefore) {
		notBefore = c.Cert.NotBefore
	}
	notAfter = now.AddDate(0, 0, days)
	if notAfter.After(c.Cert.NotAfter) {
		notAfter, clamped = c.Cert.NotAfter, true
	}
	return notBefore, notAfter, clamped, nil
}

// newSerial draws a random serial that no copy in newcerts/ has (every index line has
// its copy) and that this run has not drawn already.
func (c *CA) newSerial(st *state, rnd io.Reader) (*big.Int, error) {
	for range 16 {
		n, err := selfsign.RandomSerial(rnd)
		if err != nil {
			return nil, err
		}
		if st.serials[SerialHex(n.Bytes())] {
			continue
		}
		if _, err := os.Lstat(c.CertFilePath(n)); err == nil {
			continue
		}
		return n, nil
	}
	return nil, errors.New("ca: the random source keeps repeating serial numbers")
}
