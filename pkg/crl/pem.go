package crl

import (
	"bufio"
	"encoding/base64"
	"encoding/pem"
	"io"
)

// pemType is the PEM block type of a CRL, the one OpenSSL reads and writes.
const pemType = "X509 CRL"

// WritePEM writes the CRL to w as one PEM "X509 CRL" block, the form PostgreSQL's
// ssl_crl_file and ssl_crl_dir and libpq's sslcrl and sslcrldir need (OpenSSL loads
// them as PEM only). The base64 is produced as the DER streams out, so even a CRL of
// a million entries costs no extra copy.
func (s *Signed) WritePEM(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 256<<10)
	bw.WriteString("-----BEGIN " + pemType + "-----\n")
	lb := &lineBreaker{w: bw}
	enc := base64.NewEncoder(base64.StdEncoding, lb)
	if _, err := s.WriteTo(enc); err != nil {
		return cw.n, err
	}
	enc.Close()
	lb.close()
	bw.WriteString("-----END " + pemType + "-----\n")
	err := bw.Flush()
	return cw.n, err
}

// PEM returns the CRL as a PEM "X509 CRL" block.
func (s *Signed) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: pemType, Bytes: s.DER()})
}

// pemLineLength is the base64 line length of PEM (RFC 7468), the same as
// encoding/pem's.
const pemLineLength = 64

// lineBreaker inserts a newline after every pemLineLength bytes. It writes to a
// bufio.Writer, whose errors surface at Flush.
type lineBreaker struct {
	w    *bufio.Writer
	used int
}

func (l *lineBreaker) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		k := min(pemLineLength-l.used, len(b))
		l.w.Write(b[:k])
		b = b[k:]
		l.used += k
		if l.used == pemLineLength {
			l.w.WriteByte('\n')
			l.used = 0
		}
	}
	return n, nil
}

func (l *lineBreaker) close() {
	if l.used > 0 {
		l.w.WriteByte('\n')
	}
}
