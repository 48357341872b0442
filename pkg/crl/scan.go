package crl

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	encasn1 "encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Info is what a CRL says about itself, read without decoding its entries: enough to
// show it, check its signature and count what it lists, in memory that does not grow
// with the number of entries. The byte slices point into the DER given to Describe.
type Info struct {
	Raw    []byte // the whole CRL
	RawTBS []byte // the signed part, TBSCertList
	// Version is 1 or 2.
	Version   int
	RawIssuer []byte
	// Issuer is RawIssuer decoded by encoding/asn1, which does not know every
	// string type OpenSSL accepts (UniversalString, for one): use it for display,
	// and RawIssuer to compare.
	Issuer pkix.Name
	// SignatureAlgorithm is UnknownSignatureAlgorithm for an algorithm crypto/x509
	// does not know; SignatureAlgorithmOID names it in any case.
	SignatureAlgorithm    x509.SignatureAlgorithm
	SignatureAlgorithmOID encasn1.ObjectIdentifier
	Signature             []byte
	ThisUpdate            time.Time
	// NextUpdate is zero when the CRL has none (then it never expires).
	NextUpdate time.Time
	// Number is the CRL number, nil when the CRL has none.
	Number *big.Int
	// AuthorityKeyID is the key identifier of the AuthorityKeyIdentifier
	// extension, nil when absent.
	AuthorityKeyID []byte
	// Entries is the number of revoked certificates listed.
	Entries int

	revoked cryptobyte.String // content of revokedCertificates
}

// ErrMalformed is wrapped by Describe's and ScanEntries' errors for bytes that are not
// a DER CRL.
var ErrMalformed = errors.New("crl: malformed CRL")

func malformed(what string) error {
	return fmt.Errorf("%w: %s", ErrMalformed, what)
}

// Describe reads the header of a DER CRL: everything but the entries, which it only
// counts. It checks the DER structure, not the signature (see CheckSignatureFrom).
func Describe(der []byte) (*Info, error) {
	info := &Info{Raw: der}
	input := cryptobyte.String(der)
	var outer, tbs, sigAlg cryptobyte.String
	var sig encasn1.BitString
	if !input.ReadASN1(&outer, asn1.SEQUENCE) || !input.Empty() {
		return nil, malformed("not a single DER SEQUENCE")
	}
	var rawTBS cryptobyte.String
	if !outer.ReadASN1Element(&rawTBS, asn1.SEQUENCE) || !outer.ReadASN1(&sigAlg, asn1.SEQUENCE) ||
		!outer.ReadASN1BitString(&sig) || !outer.Empty() {
		return nil, malformed("bad CertificateList")
	}
	info.RawTBS = rawTBS
	info.Signature = sig.RightAlign()
	if !rawTBS.ReadASN1(&tbs, asn1.SEQUENCE) {
		return nil, malformed("bad TBSCertList")
	}
	info.Version = 1
	if tbs.PeekASN1Tag(asn1.INTEGER) {
		var v int
		if !tbs.ReadASN1Integer(&v) || v != 1 {
			return nil, malformed("unsupported version")
		}
		info.Version = 2
	}
	var innerAlg cryptobyte.String
	if !tbs.ReadASN1Element(&innerAlg, asn1.SEQUENCE) {
		return nil, malformed("bad signature algorithm")
	}
	var outerAlgFull []byte
	{
		// Compare the two AlgorithmIdentifiers whole, as RFC 5280 section 5.1.1.2
		// requires them to be identical.
		b := cryptobyte.NewBuilder(nil)
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(sigAlg) })
		outerAlgFull = b.BytesOrPanic()
	}
	if !bytes.Equal(innerAlg, outerAlgFull) {
		return nil, malformed("the two signature algorithms differ")
	}
	info.SignatureAlgorithm, info.SignatureAlgorithmOID = signatureAlgorithm(sigAlg)
	var issuer cryptobyte.String
	if !tbs.ReadASN1Element(&issuer, asn1.SEQUENCE) {
		return nil, malformed("bad issuer")
	}
	info.RawIssuer = issuer
	var rdns pkix.RDNSequence
	if rest, err := encasn1.Unmarshal(issuer, &rdns); err == nil && len(rest) == 0 {
		info.Issuer.FillFromRDNSequence(&rdns)
	}
	var err error
	if info.ThisUpdate, err = readTime(&tbs); err != nil {
		return nil, malformed("bad thisUpdate")
	}
	if tbs.PeekASN1Tag(asn1.UTCTime) || tbs.PeekASN1Tag(asn1.GeneralizedTime) {
		if info.NextUpdate, err = readTime(&tbs); err != nil {
			return nil, malformed("bad nextUpdate")
		}
	}
	if tbs.PeekASN1Tag(asn1.SEQUENCE) {
		if !tbs.ReadASN1(&info.revoked, asn1.SEQUENCE) {
			return nil, malformed("bad revokedCertificates")
		}
		for list := info.revoked; !list.Empty(); info.Entries++ {
			if !list.SkipASN1(asn1.SEQUENCE) {
				return nil, malformed("bad revoked certificate")
			}
		}
	}
	if tbs.PeekASN1Tag(asn1.Tag(0).Constructed().ContextSpecific()) {
		if err := info.readExtensions(&tbs); err != nil {
			return nil, err
		}
	}
	if !tbs.Empty() {
		return nil, malformed("trailing data in TBSCertList")
	}
	return info, nil
}

func (info *Info) readExtensions(tbs *cryptobyte.String) error {
	var wrapped, exts cryptobyte.String
	if !tbs.ReadASN1(&wrapped, asn1.Tag(0).Constructed().ContextSpecific()) ||
		!wrapped.ReadASN1(&exts, asn1.SEQUENCE) || !wrapped.Empty() {
		return malformed("bad crlExtensions")
	}
	for !exts.Empty() {
		oid, value, err := readExtension(&exts)
		if err != nil {
			return err
		}
		switch {
		case bytes.Equal(oid, oidCRLNumber):
			n := new(big.Int)
			if !value.ReadASN1Integer(n) || !value.Empty() || n.Sign() < 0 {
				return malformed("bad CRL number")
			}
			info.Number = n
		case bytes.Equal(oid, oidAuthorityKeyID):
			var aki cryptobyte.String
			if !value.ReadASN1(&aki, asn1.SEQUENCE) || !value.Empty() {
				return malformed("bad authority key identifier")
			}
			var keyID cryptobyte.String
			var present bool
			if !aki.ReadOptionalASN1(&keyID, &present, asn1.Tag(0).ContextSpecific()) {
				return malformed("bad authority key identifier")
			}
			if present {
				info.AuthorityKeyID = keyID
			}
		}
	}
	return nil
}

// readExtension reads one Extension and returns its id (the DER of the OBJECT
// IDENTIFIER, compared with the oid* variables of build.go) and the content of its
// value.
func readExtension(exts *cryptobyte.String) ([]byte, cryptobyte.String, error) {
	var ext cryptobyte.String
	var oid cryptobyte.String
	var value cryptobyte.String
	if !exts.ReadASN1(&ext, asn1.SEQUENCE) || !ext.ReadASN1Element(&oid, asn1.OBJECT_IDENTIFIER) {
		return nil, nil, malformed("bad extension")
	}
	if ext.PeekASN1Tag(asn1.BOOLEAN) {
		var critical bool
		if !ext.ReadASN1Boolean(&critical) {
			return nil, nil, malformed("bad extension")
		}
	}
	if !ext.ReadASN1(&value, asn1.OCTET_STRING) || !ext.Empty() {
		return nil, nil, malformed("bad extension")
	}
	return oid, value, nil
}

// readTime reads a UTCTime or GeneralizedTime in the forms RFC 5280 section 4.1.2.5
// allows (YYMMDDHHMMSSZ, YYYYMMDDHHMMSSZ), without allocating.
func readTime(s *cryptobyte.String) (time.Time, error) {
	var content cryptobyte.String
	switch {
	case s.PeekASN1Tag(asn1.UTCTime):
		if s.ReadASN1(&content, asn1.UTCTime) && len(content) == 13 {
			if t, ok := parseTime(content); ok {
				return t, nil
			}
		}
		return time.Time{}, errors.New("bad UTCTime")
	case s.PeekASN1Tag(asn1.GeneralizedTime):
		if s.ReadASN1(&content, asn1.GeneralizedTime) && len(content) == 15 {
			if t, ok := parseTime(content); ok {
				return t, nil
			}
		}
		return time.Time{}, errors.New("bad GeneralizedTime")
	}
	return time.Time{}, errors.New("not a time")
}

// parseTime parses YYMMDDHHMMSSZ (years 1950-2049) or YYYYMMDDHHMMSSZ.
func parseTime(b []byte) (time.Time, bool) {
	if b[len(b)-1] != 'Z' {
		return time.Time{}, false
	}
	var v [7]int
	n := len(b) - 1
	for i := 0; i < n; i += 2 {
		if b[i] < '0' || b[i] > '9' || b[i+1] < '0' || b[i+1] > '9' {
			return time.Time{}, false
		}
		v[i/2] = int(b[i]-'0')*10 + int(b[i+1]-'0')
	}
	var year int
	f := v[:]
	if n == 12 {
		year = 2000 + f[0]
		if f[0] >= 50 {
			year = 1900 + f[0]
		}
		f = f[1:]
	} else {
		year = f[0]*100 + f[1]
		f = f[2:]
	}
	month, day, hour, minute, sec := f[0], f[1], f[2], f[3], f[4]
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	return t, t.Day() == day
}

// CheckSignatureFrom checks that parent signed the CRL, with the rules crypto/x509's
// RevocationList.CheckSignatureFrom applies: parent must be a CA whose key usage, if
// present, includes cRLSign.
func (info *Info) CheckSignatureFrom(parent *x509.Certificate) error {
	if parent.Version == 3 && !parent.BasicConstraintsValid || parent.BasicConstraintsValid && !parent.IsCA {
		return x509.ConstraintViolationError{}
	}
	if parent.KeyUsage != 0 && parent.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return x509.ConstraintViolationError{}
	}
	return parent.CheckSignature(info.SignatureAlgorithm, info.RawTBS, info.Signature)
}

// ScanEntries calls fn for every revoked certificate of the DER CRL, in the order
// listed, stopping at fn's first error, which it returns. It walks the DER in place:
// memory stays flat however many entries there are, and Entry.Serial points into
// der. Reason is 0 both when the entry has no reasonCode and when it says
// unspecified. Negative serial numbers, which RFC 5280 forbids, are an error.
func ScanEntries(der []byte, fn func(Entry) error) error {
	info, err := Describe(der)
	if err != nil {
		return err
	}
	return info.ScanEntries(fn)
}

// ScanEntries is the package function ScanEntries for a CRL already described.
func (info *Info) ScanEntries(fn func(Entry) error) error {
	for list, n := info.revoked, 1; !list.Empty(); n++ {
		e, err := readEntry(&list)
		if err != nil {
			return fmt.Errorf("%w (entry %d)", err, n)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func readEntry(list *cryptobyte.String) (Entry, error) {
	var e Entry
	var rc, serial cryptobyte.String
	if !list.ReadASN1(&rc, asn1.SEQUENCE) || !rc.ReadASN1(&serial, asn1.INTEGER) || len(serial) == 0 {
		return e, malformed("bad revoked certificate")
	}
	if serial[0]&0x80 != 0 {
		return e, malformed("negative serial number")
	}
	if len(serial) > 1 && serial[0] == 0 && serial[1]&0x80 == 0 {
		return e, malformed("serial number not minimally encoded")
	}
	e.Serial = bytes.TrimLeft(serial, "\x00")
	var err error
	if e.RevocationTime, err = readTime(&rc); err != nil {
		return e, malformed("bad revocation date")
	}
	if rc.Empty() {
		return e, nil
	}
	var exts cryptobyte.String
	if !rc.ReadASN1(&exts, asn1.SEQUENCE) || !rc.Empty() {
		return e, malformed("bad entry extensions")
	}
	for !exts.Empty() {
		oid, value, err := readExtension(&exts)
		if err != nil {
			return e, err
		}
		switch {
		case bytes.Equal(oid, oidReasonCode):
			var code cryptobyte.String
			if !value.ReadASN1(&code, asn1.ENUM) || !value.Empty() || len(code) != 1 || code[0] > 10 {
				return e, malformed("bad reason code")
			}
			e.Reason = int(code[0])
		case bytes.Equal(oid, oidInvalidityDate):
			if !value.PeekASN1Tag(asn1.GeneralizedTime) {
				return e, malformed("bad invalidity date")
			}
			if e.InvalidityDate, err = readTime(&value); err != nil || !value.Empty() {
				return e, malformed("bad invalidity date")
			}
		case bytes.Equal(oid, oidHoldInstruction):
			var hold encasn1.ObjectIdentifier
			if !value.ReadASN1ObjectIdentifier(&hold) || !value.Empty() {
				return e, malformed("bad hold instruction")
			}
			e.HoldInstruction = hold
		}
	}
	return e, nil
}

// signatureAlgorithm maps the content of an AlgorithmIdentifier to crypto/x509's
// name for it.
func signatureAlgorithm(alg cryptobyte.String) (x509.SignatureAlgorithm, encasn1.ObjectIdentifier) {
	full := cryptobyte.NewBuilder(nil)
	full.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(alg) })
	algDER := full.BytesOrPanic()
	var oid encasn1.ObjectIdentifier
	alg.ReadASN1ObjectIdentifier(&oid)
	for _, a := range sigAlgs {
		if bytes.Equal(a.algDER, algDER) {
			return a.algo, oid
		}
	}
	// Algorithms this package never signs with, which crypto/x509 still names.
	known := map[string]x509.SignatureAlgorithm{
		"1.2.840.113549.1.1.4":   x509.MD5WithRSA,
		"1.2.840.113549.1.1.5":   x509.SHA1WithRSA,
		"1.2.840.10040.4.3":      x509.DSAWithSHA1,
		"2.16.840.1.101.3.4.3.2": x509.DSAWithSHA256,
		"1.2.840.10045.4.1":      x509.ECDSAWithSHA1,
		"1.2.840.113549.1.1.11":  x509.SHA256WithRSA, // with absent instead of NULL parameters
		"1.2.840.113549.1.1.12":  x509.SHA384WithRSA,
		"1.2.840.113549.1.1.13":  x509.SHA512WithRSA,
	}
	return known[oid.String()], oid
}
