package crl

import (
	"io"
	"time"
)

// Summary returns the Summary of the signed CRL, from what Sign wrote rather than by
// parsing it back, so that describing a CRL of a million entries costs nothing.
func (s *Signed) Summary() Summary {
	return Summary{
		Issuer:     IssuerName(s.issuer.RawSubject, s.issuer.Subject.String()),
		Number:     s.Number.String(),
		Entries:    s.Entries,
		NextUpdate: s.NextUpdate.UTC().Format(time.RFC3339),
	}
}

// Comment returns the comment line Merged.PEM writes before this CRL (see Comment),
// without its newline.
func (s *Signed) Comment() string {
	return comment(s.issuer.Subject.String(), s.Number, s.NextUpdate)
}

// WriteFile writes CRLs to w as Merged.PEM lays them out, each PEM block preceded by
// its comment line, streaming each CRL as WritePEM does: the file for ssl_crl_file or
// sslcrl without holding any of the CRLs in memory twice.
func WriteFile(w io.Writer, crls ...*Signed) (int64, error) {
	var n int64
	for _, s := range crls {
		k, err := io.WriteString(w, s.Comment()+"\n")
		n += int64(k)
		if err != nil {
			return n, err
		}
		m, err := s.WritePEM(w)
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
