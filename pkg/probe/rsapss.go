package probe

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"github.com/pgcert/pgcert/pkg/keys"
)

// RSAPSSNote is Result.Unfinished for a server whose key is RSA-PSS.
const RSAPSSNote = "the server's key is RSA-PSS, which Go's TLS cannot check a handshake signature of: " +
	"the chain was read from a TLS 1.2 handshake left unfinished (libpq finishes it)"

// The TLS 1.2 numbers the RSA-PSS handshake uses (RFC 5246, RFC 8446 section 4.2.3).
const (
	recordHandshake   = 22
	recordAlert       = 21
	msgServerHello    = 2
	msgCertificate    = 11
	msgCertRequest    = 13
	msgServerHelloEnd = 14
	// maxHandshakeRead bounds what rsaPSSChain reads: OpenSSL sends at most 100 KiB
	// of certificates (SSL_MAX_CERT_LIST_DEFAULT), and a few KiB besides.
	maxHandshakeRead = 128 << 10
)

// pssSuites are the TLS 1.2 suites a key that only signs can serve: ECDHE and DHE
// with RSA signatures, in OpenSSL's order of preference.
var pssSuites = []uint16{0xc030, 0xc02f, 0xcca8, 0x009f, 0x009e, 0xc028, 0xc027, 0xc014, 0xc013}

// pssSchemes are the signature schemes offered: rsa_pss_pss_* first (the only ones
// an RSA-PSS key makes, and the ones crypto/tls does not offer), then those of
// other keys, so that a server with another key still answers.
var pssSchemes = []uint16{0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806, 0x0403, 0x0503, 0x0401, 0x0501}

// handshakeRefused tells whether err is how a handshake with crypto/tls fails on a
// server with an RSA-PSS key: OpenSSL finds no signature scheme it can make among
// those offered ("no suitable signature algorithm", a handshake_failure alert), or,
// from a server that makes do, crypto/tls cannot use the key it was sent.
func handshakeRefused(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "remote error: tls: handshake failure") ||
		strings.Contains(err.Error(), "unsupported type of public key"))
}

// clientHello is a TLS 1.2 ClientHello offering pssSuites and pssSchemes, with
// serverName as SNI when not empty.
func clientHello(serverName string) ([]byte, error) {
	random := make([]byte, 32)
	if _, err := rand.Read(random); err != nil {
		return nil, err
	}
	var b cryptobyte.Builder
	b.AddUint8(recordHandshake)
	b.AddUint16(0x0301)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint8(1)
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
			b.AddUint16(tls.VersionTLS12)
			b.AddBytes(random)
			b.AddUint8(0)
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, s := range pssSuites {
					b.AddUint16(s)
				}
			})
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) })
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				if serverName != "" {
					b.AddUint16(0)
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
						b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
							b.AddUint8(0)
							b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(serverName)) })
						})
					})
				}
				b.AddUint16(10) // supported_groups: x25519, P-256, P-384
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
						b.AddUint16(0x001d)
						b.AddUint16(0x0017)
						b.AddUint16(0x0018)
					})
				})
				b.AddUint16(11) // ec_point_formats: uncompressed
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
					b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) })
				})
				b.AddUint16(13) // signature_algorithms
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
						for _, s := range pssSchemes {
							b.AddUint16(s)
						}
					})
				})
				b.AddUint16(0xff01) // renegotiation_info, empty
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) })
			})
		})
	})
	return b.Bytes()
}

// handshakeReader reassembles the handshake messages of TLS records.
type handshakeReader struct {
	r    io.Reader
	buf  []byte
	read int
}

// next returns the next handshake message's type and body.
func (h *handshakeReader) next() (byte, []byte, error) {
	for {
		if len(h.buf) >= 4 {
			n := int(h.buf[1])<<16 | int(h.buf[2])<<8 | int(h.buf[3])
			if len(h.buf) >= 4+n {
				typ, body := h.buf[0], h.buf[4:4+n]
				h.buf = h.buf[4+n:]
				return typ, body, nil
			}
		}
		var hdr [5]byte
		if _, err := io.ReadFull(h.r, hdr[:]); err != nil {
			return 0, nil, err
		}
		n := int(binary.BigEndian.Uint16(hdr[3:]))
		h.read += 5 + n
		if h.read > maxHandshakeRead {
			return 0, nil, errors.New("the server's handshake is too long")
		}
		rec := make([]byte, n)
		if _, err := io.ReadFull(h.r, rec); err != nil {
			return 0, nil, err
		}
		switch hdr[0] {
		case recordHandshake:
			h.buf = append(h.buf, rec...)
		case recordAlert:
			if len(rec) == 2 {
				return 0, nil, fmt.Errorf("remote error: tls: %s", alertText(rec[1]))
			}
			return 0, nil, errors.New("remote error: tls: malformed alert")
		default:
			return 0, nil, fmt.Errorf("unexpected TLS record type %d", hdr[0])
		}
	}
}

// alertText names the alerts a server refusing this ClientHello sends.
func alertText(d byte) string {
	switch d {
	case 40:
		return "handshake failure"
	case 70:
		return "protocol version not supported"
	case 71:
		return "insufficient security level"
	case 80:
		return "internal error"
	}
	return fmt.Sprintf("alert(%d)", d)
}

// rsaPSSHandshake is what rsaPSSChain learned from the server's first flight.
type rsaPSSHandshake struct {
	cipher        uint16
	chain         []*x509.Certificate
	certRequested bool
	acceptableCAs [][]byte
}

// rsaPSSChain asks the server, on conn (past SSLRequest), for its first TLS 1.2
// flight, which is not encrypted: ServerHello, the certificate chain, and the
// certificate request if any. It then ends the handshake with a close_notify alert.
func rsaPSSChain(conn net.Conn, serverName string) (*rsaPSSHandshake, error) {
	hello, err := clientHello(serverName)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Write(hello); err != nil {
		return nil, err
	}
	defer conn.Write([]byte{recordAlert, 3, 3, 0, 2, 1, 0})
	h := &handshakeReader{r: conn}
	out := &rsaPSSHandshake{}
	for {
		typ, body, err := h.next()
		if err != nil {
			return nil, err
		}
		s := cryptobyte.String(body)
		switch typ {
		case msgServerHello:
			var version uint16
			var random, session []byte
			if !s.ReadUint16(&version) || !s.ReadBytes(&random, 32) || !s.ReadUint8LengthPrefixed((*cryptobyte.String)(&session)) || !s.ReadUint16(&out.cipher) {
				return nil, errors.New("malformed ServerHello")
			}
			if version != tls.VersionTLS12 {
				return nil, fmt.Errorf("the server answered with version %#04x", version)
			}
		case msgCertificate:
			var list cryptobyte.String
			if !s.ReadUint24LengthPrefixed(&list) {
				return nil, errors.New("malformed Certificate message")
			}
			for !list.Empty() {
				var der cryptobyte.String
				if !list.ReadUint24LengthPrefixed(&der) {
					return nil, errors.New("malformed Certificate message")
				}
				c, err := keys.ParseCertificate(der)
				if err != nil {
					return nil, fmt.Errorf("the server's certificate: %w", err)
				}
				out.chain = append(out.chain, c)
			}
		case msgCertRequest:
			out.certRequested = true
			var types, schemes, cas cryptobyte.String
			if !s.ReadUint8LengthPrefixed(&types) || !s.ReadUint16LengthPrefixed(&schemes) || !s.ReadUint16LengthPrefixed(&cas) {
				return nil, errors.New("malformed CertificateRequest")
			}
			for !cas.Empty() {
				var name cryptobyte.String
				if !cas.ReadUint16LengthPrefixed(&name) {
					return nil, errors.New("malformed CertificateRequest")
				}
				out.acceptableCAs = append(out.acceptableCAs, name)
			}
		case msgServerHelloEnd:
			return out, nil
		}
	}
}

// probeRSAPSS probes the server again, on a new connection, for its RSA-PSS chain
// (see rsaPSSChain), presenting no client certificate. It fills res and returns the
// chain when the server's leaf has an RSA-PSS key; else nil, and the first
// handshake's failure stands.
func probeRSAPSS(ctx context.Context, dial func(ctx context.Context, network, address string) (net.Conn, error), addr string, res *Result) []*x509.Certificate {
	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	if askForSSL(conn) != nil {
		return nil
	}
	hs, err := rsaPSSChain(conn, res.ServerName)
	if err != nil || len(hs.chain) == 0 || !keys.IsRSAPSSPublicKeyInfo(hs.chain[0].RawSubjectPublicKeyInfo) {
		return nil
	}
	res.Version, res.Cipher = tls.VersionTLS12, hs.cipher
	res.TLSVersion, res.CipherSuite = versionName(tls.VersionTLS12), tls.CipherSuiteName(hs.cipher)
	res.ClientCertRequested, res.AcceptableCAs = hs.certRequested, decodeNames(hs.acceptableCAs)
	res.Unfinished = RSAPSSNote
	return hs.chain
}
