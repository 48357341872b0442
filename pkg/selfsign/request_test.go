package selfsign

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

func TestNewRequest(t *testing.T) {
	for _, kind := range testpki.KeyKinds {
		key := testpki.KeyOf(t, kind)
		subj := mustSubject(t, "/C=US/O=Acme/CN=db.example.com")
		der, err := NewRequest(key, subj, mustSANs(t, "DNS:db.example.com,IP:10.0.0.5"), nil)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		req, err := ParseRequest(der)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		wantAlg := map[testpki.KeyKind]x509.SignatureAlgorithm{testpki.P256: x509.ECDSAWithSHA256, testpki.P384: x509.ECDSAWithSHA384, testpki.Ed25519: x509.PureEd25519, testpki.RSA2048: x509.SHA256WithRSA}[kind]
		if req.SignatureAlgorithm != wantAlg {
			t.Errorf("%s: signature algorithm %v, want %v", kind, req.SignatureAlgorithm, wantAlg)
		}
		wantSubj, _ := MarshalSubject(subj)
		if !bytes.Equal(req.RawSubject, wantSubj) {
			t.Errorf("%s: subject %x, want %x", kind, req.RawSubject, wantSubj)
		}
		if got := RequestSANs(req).String(); got != "DNS:db.example.com,IP:10.0.0.5" {
			t.Errorf("%s: SANs %q", kind, got)
		}
		if !sameKey(req.PublicKey, key.Public()) {
			t.Errorf("%s: request carries another public key", kind)
		}
	}
}

func TestNewRequestErrors(t *testing.T) {
	key := testpki.KeyOf(t, testpki.P256)
	if _, err := NewRequest(key, nil, SANs{}, nil); !errors.Is(err, ErrNoName) {
		t.Errorf("no subject, no SANs: %v, want ErrNoName", err)
	}
	var se *SANError
	if _, err := NewRequest(key, mustSubject(t, "/CN=db"), SANs{DNS: []string{"bad name"}}, nil); !errors.As(err, &se) {
		t.Errorf("bad SAN: %v, want a *SANError", err)
	}
	var sub *SubjectError
	if _, err := NewRequest(key, pkix.Name{Country: []string{"usa"}}.ToRDNSequence(), SANs{}, nil); !errors.As(err, &sub) {
		t.Errorf("bad subject: %v, want a *SubjectError", err)
	}
	var ke *KeyError
	if _, err := NewRequest(nil, mustSubject(t, "/CN=db"), SANs{}, nil); !errors.As(err, &ke) {
		t.Errorf("no key: %v, want a *KeyError", err)
	}
}

// TestParseRequestForms reads requests made by the real openssl in every
// form it writes.
func TestParseRequestForms(t *testing.T) {
	key := fixtureKey(t, "ec.key")
	for _, tt := range []struct {
		file, cn, sans string
	}{
		{"ec-text.csr", "db.example.com", "DNS:db.example.com,IP:10.0.0.5"},
		{"ec-newhdr.csr", "db.example.com", ""},
		{"ec.der", "db.example.com", ""},
		{"ec-ca.csr", "wannabe-ca", ""},
	} {
		req, err := ParseRequest(readFixture(t, tt.file))
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		if req.Subject.CommonName != tt.cn || RequestSANs(req).String() != tt.sans {
			t.Errorf("%s: CN %q SANs %q, want %q %q", tt.file, req.Subject.CommonName, RequestSANs(req), tt.cn, tt.sans)
		}
		if !sameKey(req.PublicKey, key.Public()) {
			t.Errorf("%s: not the fixture key", tt.file)
		}
	}
}

func TestParseRequestErrors(t *testing.T) {
	key := testpki.KeyOf(t, testpki.P256)
	good, err := NewRequest(key, mustSubject(t, "/CN=db"), SANs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(good)
	tampered[len(tampered)-1] ^= 1
	// Changing the subject keeps the structure valid but breaks the signature.
	i := bytes.Index(good, []byte("db"))
	otherSubject := bytes.Clone(good)
	otherSubject[i] = 'x'
	cert := build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=db")}, testpki.P256, nil)

	for _, tt := range []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrNoRequest},
		{"blank", []byte(" \n\t"), ErrNoRequest},
		{"only a certificate", pemBlock("CERTIFICATE", cert.cert.Raw), ErrNoRequest},
		{"tampered signature", tampered, ErrBadRequestSignature},
		{"tampered subject", otherSubject, ErrBadRequestSignature},
		{"tampered PEM", pemBlock("CERTIFICATE REQUEST", tampered), ErrBadRequestSignature},
		{"SHA-1 from openssl", readFixture(t, "rsa-sha1.csr"), ErrBadRequestSignature},
	} {
		if _, err := ParseRequest(tt.in); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	for _, tt := range []struct {
		name string
		in   []byte
		msg  string
	}{
		{"garbage DER", []byte("not a request"), "malformed certificate request"},
		{"truncated", good[:len(good)-10], "malformed certificate request"},
		{"too large", bytes.Repeat([]byte{'a'}, MaxRequestSize+1), "more than the"},
	} {
		if _, err := ParseRequest(tt.in); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v, want an error containing %q", tt.name, err, tt.msg)
		}
	}
}

// TestParseRequestSmallRSAKey reads openssl's request for a 512-bit RSA key:
// the error says the key is too small, not that the signature is bad (Go does
// not verify signatures of RSA keys under 1024 bits).
func TestParseRequestSmallRSAKey(t *testing.T) {
	_, err := ParseRequest(readFixture(t, "rsa512.csr"))
	var ke *KeyError
	if !errors.As(err, &ke) || errors.Is(err, ErrBadRequestSignature) {
		t.Fatalf("512-bit request: %v, want a *KeyError", err)
	}
	if want := "RSA key of 512 bits; at least 2048 are needed"; ke.Reason != want {
		t.Errorf("reason %q, want %q", ke.Reason, want)
	}
}

// TestParseRequestSkipsOtherBlocks reads a request that follows a key and a
// text dump in the same file.
func TestParseRequestSkipsOtherBlocks(t *testing.T) {
	key := testpki.KeyOf(t, testpki.P256)
	der, err := NewRequest(key, mustSubject(t, "/CN=db"), SANs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var in bytes.Buffer
	in.Write(pemBlock("EC PRIVATE KEY", []byte("not parsed")))
	// Text as openssl req -text writes before the block.
	in.WriteString("Certificate Request:\n    Data:\n        Version: 1 (0x0)\n        Subject: CN = db\n")
	in.Write(pemBlock("CERTIFICATE REQUEST", der))
	req, err := ParseRequest(in.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(req.Raw, der) {
		t.Error("parsed another request")
	}
}
