package crl

import (
	"crypto/x509"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// ParseDER parses one DER-encoded CRL of version 1 or 2. crypto/x509 reads only
// version 2, the profile of RFC 5280; but openssl ca writes version 1 whenever its
// configuration has no crl_extensions and no entry has a reason (PostgreSQL's own
// test suite commits such CRLs), and OpenSSL, the server and libpq read both. A
// version 1 CRL is read as the same CRL with the version field added, then given back
// its own Raw and RawTBSRevocationList, so that its signature checks against the bytes
// its CA signed.
func ParseDER(der []byte) (*x509.RevocationList, error) {
	rl, err := x509.ParseRevocationList(der)
	if err == nil {
		return rl, nil
	}
	v2, tbs, ok := asVersion2(der)
	if !ok {
		return nil, err
	}
	rl, err2 := x509.ParseRevocationList(v2)
	if err2 != nil {
		return nil, err
	}
	rl.Raw = der
	rl.RawTBSRevocationList = tbs
	return rl, nil
}

// asVersion2 returns der, a CertificateList whose TBSCertList has no version field
// (version 1), with the field added as version 2 (INTEGER 1), and der's own
// TBSCertList; ok is false for anything else.
func asVersion2(der []byte) (v2, tbs []byte, ok bool) {
	input := cryptobyte.String(der)
	var list, tbsElem cryptobyte.String
	if !input.ReadASN1(&list, asn1.SEQUENCE) || !input.Empty() {
		return nil, nil, false
	}
	rest := list
	if !rest.ReadASN1Element(&tbsElem, asn1.SEQUENCE) {
		return nil, nil, false
	}
	body := tbsElem
	var contents cryptobyte.String
	if !body.ReadASN1(&contents, asn1.SEQUENCE) || contents.PeekASN1Tag(asn1.INTEGER) {
		return nil, nil, false
	}
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Int64(1)
			b.AddBytes(contents)
		})
		b.AddBytes(rest)
	})
	out, err := b.Bytes()
	if err != nil {
		return nil, nil, false
	}
	return out, tbsElem, true
}
