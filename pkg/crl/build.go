package crl

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/big"
	"slices"
	"time"
)

// DefaultDays is the validity (nextUpdate - thisUpdate) of a CRL when the caller gives
// none: 180 days, easy-rsa's default.
//
// A CRL that PostgreSQL or libpq reads from a file protects nothing by expiring: a
// revocation takes effect when the admin installs the new CRL and reloads, not when
// the old one runs out. What expiry does is lock everyone out, because OpenSSL then
// fails every chain (CRL_CHECK_ALL: "certificate expired" / "unknown ca"), with no
// hint that the CRL is the cause. openssl's sample configuration uses 30 days, which
// turns a missed monthly renewal into an outage; half a year leaves room for a
// forgotten cron job while still catching a CRL left behind for years. Renewal
// warnings start at RenewBefore.
const DefaultDays = 180

// RenewBefore is how long before its nextUpdate a CRL should be renewed: tools should
// warn from then on. Thirty days gives a monthly job a second chance.
const RenewBefore = 30 * 24 * time.Hour

// MaxSerialLen is the longest serial number (unsigned magnitude, in bytes) a Builder
// accepts. RFC 5280 caps serials at 20 octets, but a CRL must be able to revoke any
// certificate an index lists, so a few non-conforming ones are tolerated.
const MaxSerialLen = 64

// Entry is a revoked certificate as a CRL lists it.
type Entry struct {
	// Serial is the serial number as unsigned big-endian bytes, as big.Int.Bytes
	// returns it (leading zeros are ignored; empty means 0).
	Serial []byte
	// RevocationTime is when the certificate was revoked. It is written with
	// one-second precision, in UTC.
	RevocationTime time.Time
	// Reason is the RFC 5280 CRLReason code. Unspecified (0) writes no reasonCode
	// extension, as RFC 5280 section 5.3.1 asks; ScanEntries reports 0 both for an
	// absent extension and for an explicit unspecified one.
	Reason int
	// InvalidityDate, when set, is written as the invalidityDate extension: when the
	// key is known or suspected to have been compromised.
	InvalidityDate time.Time
	// HoldInstruction, when set, is written as the holdInstructionCode extension
	// (RFC 3280); it needs Reason 6 (certificateHold).
	HoldInstruction asn1.ObjectIdentifier
}

// Params is what a CRL says besides its entries, and who signs it.
type Params struct {
	// Issuer is the CA certificate. Its subject becomes the CRL's issuer, its
	// SubjectKeyId the AuthorityKeyIdentifier, and its public key must be the
	// Signer's.
	Issuer *x509.Certificate
	// Signer is the CA's private key. ECDSA (P-256, P-384, P-521), RSA and Ed25519
	// keys are supported.
	Signer crypto.Signer
	// SignatureAlgorithm overrides the default for the key: ECDSA with SHA-256,
	// SHA-384 or SHA-512 by curve size, SHA-256 with RSA PKCS #1 v1.5, Ed25519.
	SignatureAlgorithm x509.SignatureAlgorithm
	// Number is the CRL number, non-negative and at most 20 octets (RFC 5280
	// section 5.2.3). It must grow with every CRL the CA issues: verifiers and Merge
	// keep the CRL with the highest number.
	Number *big.Int
	// ThisUpdate is the issue time; every entry's RevocationTime must be on or before
	// it. NextUpdate is when the next CRL is due and this one expires; it must be
	// after ThisUpdate. Both are written in UTC with one-second precision.
	ThisUpdate, NextUpdate time.Time
	// Rand is the randomness for signing; nil means crypto/rand.Reader.
	Rand io.Reader
}

var (
	// ErrKeyMismatch is returned when Params.Signer's public key is not the one in
	// Params.Issuer.
	ErrKeyMismatch = errors.New("crl: the signing key does not match the issuer certificate")
	// ErrNotCRLSigner is returned when the issuer certificate has a key usage
	// extension without cRLSign: OpenSSL would refuse every CRL it signs.
	ErrNotCRLSigner = errors.New("crl: the issuer certificate's key usage does not include cRLSign")
	// ErrNoSubjectKeyID is returned when the issuer certificate has no
	// SubjectKeyId to put in the CRL's AuthorityKeyIdentifier (RFC 5280 section
	// 5.2.1 makes that extension mandatory).
	ErrNoSubjectKeyID = errors.New("crl: the issuer certificate has no subject key identifier")
)

// DuplicateSerialError is returned by Sign when two entries have the same serial
// number: a CRL must list a certificate once (openssl ca refuses such an index too).
type DuplicateSerialError struct {
	Serial []byte
}

func (e *DuplicateSerialError) Error() string {
	return fmt.Sprintf("crl: serial %X is listed twice", e.Serial)
}

// A Builder collects revoked entries and signs them into a CRL without holding more
// than their DER encoding: entries are encoded as they are added into 1 MiB chunks,
// and the CRL is never assembled in one piece unless asked for with Signed.DER. A
// million entries take about 50 MB. The zero value is not usable; call NewBuilder.
// A Builder is not safe for concurrent use.
type Builder struct {
	chunks  [][]byte
	items   []item
	total   int  // bytes of encoded entries
	inOrder bool // entries were added in strictly increasing serial order
	sorted  bool // items is in serial order
	latest  time.Time
}

// item locates one encoded entry and carries a prefix of its serial for sorting.
type item struct {
	key uint64 // serial content length in the top byte, then its first 7 bytes
	loc uint32 // chunk index << chunkBits | offset
	n   uint32 // encoded length
}

const (
	chunkBits = 20
	chunkSize = 1 << chunkBits
	maxChunks = 1 << (32 - chunkBits)
)

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{inOrder: true, sorted: true}
}

// Len returns the number of entries added.
func (b *Builder) Len() int { return len(b.items) }

var (
	oidReasonCode      = []byte{tagOID, 0x03, 0x55, 0x1d, 0x15}
	oidInvalidityDate  = []byte{tagOID, 0x03, 0x55, 0x1d, 0x18}
	oidHoldInstruction = []byte{tagOID, 0x03, 0x55, 0x1d, 0x17}
	oidAuthorityKeyID  = []byte{tagOID, 0x03, 0x55, 0x1d, 0x23}
	oidCRLNumber       = []byte{tagOID, 0x03, 0x55, 0x1d, 0x14}
)

// Add encodes e and appends it to the CRL. It keeps no reference to e's slices.
// Entries may come in any order: Sign sorts them by serial as openssl ca does.
func (b *Builder) Add(e Entry) error {
	mag := bytes.TrimLeft(e.Serial, "\x00")
	fail := func(format string, args ...any) error {
		return fmt.Errorf("crl: entry %d (serial %X): %s", len(b.items)+1, mag, fmt.Sprintf(format, args...))
	}
	if len(mag) > MaxSerialLen {
		return fail("serial longer than %d bytes", MaxSerialLen)
	}
	if e.RevocationTime.IsZero() {
		return fail("no revocation time")
	}
	revoked := e.RevocationTime.UTC().Truncate(time.Second)
	if y := revoked.Year(); y > 9999 {
		return fail("revocation time out of range")
	}
	if e.Reason < 0 || e.Reason > 10 || e.Reason == 7 {
		return fail("reason code %d is not one of RFC 5280", e.Reason)
	}
	var holdDER []byte
	if e.HoldInstruction != nil {
		if e.Reason != 6 {
			return fail("a hold instruction needs reason certificateHold (6), not %d", e.Reason)
		}
		var err error
		if holdDER, err = asn1.Marshal(e.HoldInstruction); err != nil || len(holdDER) > 100 {
			return fail("bad hold instruction %v", e.HoldInstruction)
		}
	}
	invalidity := e.InvalidityDate.UTC().Truncate(time.Second)
	if !e.InvalidityDate.IsZero() && (invalidity.Year() < 0 || invalidity.Year() > 9999) {
		return fail("invalidity date out of range")
	}

	serialLen := integerContentLen(mag)
	extsLen := 0
	if e.Reason != 0 {
		extsLen += 12
	}
	if !e.InvalidityDate.IsZero() {
		extsLen += 26
	}
	holdLen := 0
	if holdDER != nil {
		holdLen = len(oidHoldInstruction) + headerLen(len(holdDER)) + len(holdDER)
		extsLen += headerLen(holdLen) + holdLen
	}
	content := 2 + serialLen + timeLen(revoked)
	if extsLen > 0 {
		content += headerLen(extsLen) + extsLen
	}
	n := headerLen(content) + content

	if len(b.chunks) == 0 || len(b.chunks[len(b.chunks)-1])+n > chunkSize {
		if len(b.chunks) == maxChunks {
			return fail("CRL larger than %d bytes", maxChunks*chunkSize)
		}
		b.chunks = append(b.chunks, make([]byte, 0, chunkSize))
	}
	ci := len(b.chunks) - 1
	c := b.chunks[ci]
	off := len(c)
	c = appendHeader(c, tagSequence, content)
	c = appendHeader(c, tagInteger, serialLen)
	serialAt := len(c)
	c = appendIntegerContent(c, mag)
	c = appendTime(c, revoked)
	if extsLen > 0 {
		c = appendHeader(c, tagSequence, extsLen)
		if e.Reason != 0 {
			c = append(c, tagSequence, 10)
			c = append(c, oidReasonCode...)
			c = append(c, tagOctetString, 3, tagEnumerated, 1, byte(e.Reason))
		}
		if !e.InvalidityDate.IsZero() {
			c = append(c, tagSequence, 24)
			c = append(c, oidInvalidityDate...)
			c = append(c, tagOctetString, 17)
			c = appendGeneralizedTime(c, invalidity)
		}
		if holdDER != nil {
			c = appendHeader(c, tagSequence, holdLen)
			c = append(c, oidHoldInstruction...)
			c = appendHeader(c, tagOctetString, len(holdDER))
			c = append(c, holdDER...)
		}
	}
	b.chunks[ci] = c

	it := item{key: sortKey(c[serialAt : serialAt+serialLen]), loc: uint32(ci<<chunkBits | off), n: uint32(n)}
	if len(b.items) > 0 && b.compare(b.items[len(b.items)-1], it) >= 0 {
		b.inOrder, b.sorted = false, false
	}
	b.items = append(b.items, it)
	b.total += n
	if revoked.After(b.latest) {
		b.latest = revoked
	}
	return nil
}

func sortKey(serial []byte) uint64 {
	var k [8]byte
	k[0] = byte(len(serial))
	copy(k[1:], serial)
	return binary.BigEndian.Uint64(k[:])
}

func (b *Builder) entry(it item) []byte {
	off := int(it.loc & (chunkSize - 1))
	return b.chunks[it.loc>>chunkBits][off : off+int(it.n)]
}

// serialOf returns the DER content of an encoded entry's serial.
func serialOf(der []byte) []byte {
	i := headerLen(0)
	if der[1]&0x80 != 0 {
		i += int(der[1] & 0x7f)
	}
	n := int(der[i+1])
	return der[i+2 : i+2+n]
}

// compare orders entries by serial number. For non-negative DER integers a longer
// encoding is a larger number, and equal lengths compare as bytes.
func (b *Builder) compare(x, y item) int {
	if c := cmp.Compare(x.key, y.key); c != 0 || x.key>>56 <= 7 {
		return c
	}
	return bytes.Compare(serialOf(b.entry(x)), serialOf(b.entry(y)))
}

// sortEntries puts the entries in serial order and reports a serial listed twice.
func (b *Builder) sortEntries() error {
	if b.sorted {
		return nil
	}
	radixSort(b.items)
	// Keys hold a serial's length and first seven bytes; entries whose keys tie
	// are ordered by their whole serials.
	for i := 0; i < len(b.items); {
		j := i + 1
		for j < len(b.items) && b.items[j].key == b.items[i].key {
			j++
		}
		if j-i > 1 {
			run := b.items[i:j]
			slices.SortFunc(run, b.compare)
			for k := 1; k < len(run); k++ {
				if b.compare(run[k-1], run[k]) == 0 {
					return &DuplicateSerialError{Serial: bytes.TrimLeft(serialOf(b.entry(run[k])), "\x00")}
				}
			}
		}
		i = j
	}
	b.sorted = true
	return nil
}

// radixSort sorts items by key, least significant byte first, skipping the bytes
// that are the same in every key (the length byte, mostly). For a million entries
// it is several times faster than a comparison sort.
func radixSort(items []item) {
	if len(items) < 2 {
		return
	}
	tmp := make([]item, len(items))
	src, dst := items, tmp
	for shift := uint(0); shift < 64; shift += 8 {
		var count [256]int
		for _, it := range src {
			count[byte(it.key>>shift)]++
		}
		if count[byte(src[0].key>>shift)] == len(src) {
			continue
		}
		pos := 0
		for i, c := range count {
			count[i] = pos
			pos += c
		}
		for _, it := range src {
			d := byte(it.key >> shift)
			dst[count[d]] = it
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &items[0] {
		copy(items, src)
	}
}

// eachRun calls fn with the encoded entries in serial order, in as few pieces as
// possible: whole chunks when the entries were added in order.
func (b *Builder) eachRun(fn func([]byte) error) error {
	if b.inOrder {
		for _, c := range b.chunks {
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	}
	// Gather the scattered entries into large pieces: one call per entry would cost
	// more than the hashing and writing themselves.
	buf := make([]byte, 0, 256<<10)
	for _, it := range b.items {
		e := b.entry(it)
		if len(buf)+len(e) > cap(buf) {
			if err := fn(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		buf = append(buf, e...)
	}
	if len(buf) > 0 {
		return fn(buf)
	}
	return nil
}

// Build returns the DER CRL listing entries. It is the convenience form of NewBuilder,
// Add and Sign for entries already in memory.
func Build(p Params, entries iter.Seq[Entry]) ([]byte, error) {
	b := NewBuilder()
	for e := range entries {
		if err := b.Add(e); err != nil {
			return nil, err
		}
	}
	s, err := b.Sign(p)
	if err != nil {
		return nil, err
	}
	return s.DER(), nil
}

// Signed is a signed CRL ready to be written. It shares the Builder's storage: the
// Builder must not be changed while the Signed is in use.
type Signed struct {
	b      *Builder
	prefix []byte // outer header, TBS header and fields, revokedCertificates header
	suffix []byte // crlExtensions, signatureAlgorithm, signatureValue
	size   int
	// ThisUpdate and NextUpdate are the times written, after truncation to seconds.
	ThisUpdate, NextUpdate time.Time
	// Number is the CRL number written.
	Number *big.Int
	// Entries is the number of entries listed.
	Entries int

	issuer *x509.Certificate
}

// Sign sorts the entries by serial number (as openssl ca -gencrl does; the order means
// nothing to verifiers, but it makes the output reproducible and shows a serial
// listed twice, which is a *DuplicateSerialError), then signs the CRL. The digest is
// computed while streaming over the entries; only Ed25519, which signs the message
// rather than a digest, needs the whole TBSCertList in memory.
//
// The CRL is version 2 with the AuthorityKeyIdentifier (key identifier only) and
// CRLNumber extensions, the extensions openssl ca writes with crl_extensions =
// authorityKeyIdentifier=keyid:always. An empty CRL omits revokedCertificates, as
// RFC 5280 section 5.1.2.6 requires.
func (b *Builder) Sign(p Params) (*Signed, error) {
	if p.Issuer == nil || p.Signer == nil {
		return nil, errors.New("crl: Params needs an Issuer and a Signer")
	}
	if p.Issuer.KeyUsage != 0 && p.Issuer.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return nil, ErrNotCRLSigner
	}
	if len(p.Issuer.SubjectKeyId) == 0 {
		return nil, ErrNoSubjectKeyID
	}
	if pub, ok := p.Issuer.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(p.Signer.Public()) {
		return nil, ErrKeyMismatch
	}
	alg, err := chooseSigAlg(p.Signer.Public(), p.SignatureAlgorithm)
	if err != nil {
		return nil, err
	}
	if p.Number == nil || p.Number.Sign() < 0 || len(p.Number.Bytes()) > 20 || len(p.Number.Bytes()) == 20 && p.Number.Bytes()[0]&0x80 != 0 {
		return nil, errors.New("crl: the CRL number must be between 0 and 20 octets long")
	}
	this := p.ThisUpdate.UTC().Truncate(time.Second)
	next := p.NextUpdate.UTC().Truncate(time.Second)
	if p.ThisUpdate.IsZero() || !next.After(this) {
		return nil, fmt.Errorf("crl: nextUpdate %s is not after thisUpdate %s", next.Format(time.RFC3339), this.Format(time.RFC3339))
	}
	if this.Year() > 9999 || next.Year() > 9999 {
		return nil, errors.New("crl: update time out of range")
	}
	if len(b.items) > 0 && b.latest.After(this) {
		return nil, fmt.Errorf("crl: an entry is revoked at %s, after thisUpdate %s", b.latest.Format(time.RFC3339), this.Format(time.RFC3339))
	}
	if err := b.sortEntries(); err != nil {
		return nil, err
	}

	// TBSCertList fields before and after revokedCertificates.
	head := []byte{tagInteger, 1, 1} // version v2
	head = append(head, alg.algDER...)
	head = append(head, p.Issuer.RawSubject...)
	head = appendTime(head, this)
	head = appendTime(head, next)
	if len(b.items) > 0 {
		head = appendHeader(head, tagSequence, b.total)
	}
	exts := crlExtensions(p.Issuer.SubjectKeyId, p.Number)
	tbsContent := len(head) + b.total + len(exts)

	var tbsHeader []byte
	tbsHeader = appendHeader(tbsHeader, tagSequence, tbsContent)

	var digest, msg []byte
	if alg.hash != 0 {
		h := alg.hash.New()
		h.Write(tbsHeader)
		h.Write(head)
		b.eachRun(func(p []byte) error { h.Write(p); return nil })
		h.Write(exts)
		digest = h.Sum(nil)
	} else {
		msg = make([]byte, 0, len(tbsHeader)+tbsContent)
		msg = append(msg, tbsHeader...)
		msg = append(msg, head...)
		b.eachRun(func(p []byte) error { msg = append(msg, p...); return nil })
		msg = append(msg, exts...)
	}
	rnd := p.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	sig, err := alg.sign(p.Signer, rnd, digest, msg)
	if err != nil {
		return nil, err
	}

	suffix := exts
	suffix = append(suffix, alg.algDER...)
	suffix = appendHeader(suffix, tagBitString, len(sig)+1)
	suffix = append(suffix, 0)
	suffix = append(suffix, sig...)
	tbsLen := len(tbsHeader) + tbsContent
	outerContent := tbsLen + len(alg.algDER) + headerLen(len(sig)+1) + len(sig) + 1
	prefix := appendHeader(nil, tagSequence, outerContent)
	prefix = append(prefix, tbsHeader...)
	prefix = append(prefix, head...)
	return &Signed{
		b:          b,
		prefix:     prefix,
		suffix:     suffix,
		size:       headerLen(outerContent) + outerContent,
		ThisUpdate: this,
		NextUpdate: next,
		Number:     new(big.Int).Set(p.Number),
		Entries:    len(b.items),
		issuer:     p.Issuer,
	}, nil
}

// crlExtensions encodes [0] EXPLICIT Extensions with AuthorityKeyIdentifier (key
// identifier only, as RFC 5280 section 5.2.1 and the CA/B Forum's CRL profile want)
// and CRLNumber.
func crlExtensions(skid []byte, number *big.Int) []byte {
	var aki []byte
	keyID := appendHeader(nil, tagContext0Prim, len(skid))
	keyID = append(keyID, skid...)
	akiValue := appendHeader(nil, tagSequence, len(keyID))
	akiValue = append(akiValue, keyID...)
	aki = append(aki, oidAuthorityKeyID...)
	aki = appendHeader(aki, tagOctetString, len(akiValue))
	aki = append(aki, akiValue...)

	num := number.Bytes()
	numValue := appendHeader(nil, tagInteger, integerContentLen(num))
	numValue = appendIntegerContent(numValue, num)
	var crlNum []byte
	crlNum = append(crlNum, oidCRLNumber...)
	crlNum = appendHeader(crlNum, tagOctetString, len(numValue))
	crlNum = append(crlNum, numValue...)

	var list []byte
	list = appendHeader(list, tagSequence, len(aki))
	list = append(list, aki...)
	list = appendHeader(list, tagSequence, len(crlNum))
	list = append(list, crlNum...)
	seq := appendHeader(nil, tagSequence, len(list))
	seq = append(seq, list...)
	out := appendHeader(nil, tagContext0, len(seq))
	return append(out, seq...)
}

// Len returns the size of the DER CRL in bytes.
func (s *Signed) Len() int { return s.size }

// WriteTo writes the DER CRL to w.
func (s *Signed) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 256<<10)
	bw.Write(s.prefix)
	s.b.eachRun(func(p []byte) error { _, err := bw.Write(p); return err })
	bw.Write(s.suffix)
	err := bw.Flush()
	return cw.n, err
}

// DER returns the CRL as one DER byte slice.
func (s *Signed) DER() []byte {
	out := make([]byte, 0, s.size)
	out = append(out, s.prefix...)
	s.b.eachRun(func(p []byte) error { out = append(out, p...); return nil })
	return append(out, s.suffix...)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
