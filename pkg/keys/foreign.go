package keys

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"
)

// errNotPrivateKey is the Err of a FormatError for input that is some other kind of
// object (a certificate, a public key).
var errNotPrivateKey = errors.New("this is not a private key")

// describeDER says what a DER object that is not a private key pgcert reads is.
func describeDER(kind derKind, der []byte) error {
	switch kind {
	case derDSA:
		return &UnsupportedAlgorithmError{Algorithm: "DSA"}
	case derPKCS1Public, derPublicKey:
		return &FormatError{Found: "a DER public key", Err: errNotPrivateKey,
			Hint: "give the private key that goes with it"}
	case derSigned:
		return describeSigned(der)
	case derPKCS12:
		return &FormatError{Found: "a PKCS#12 (PFX) file", Err: errors.New("its contents are encrypted: they cannot be shown without the passphrase"),
			Hint: "give its passphrase (--passin) to read the key it holds"}
	case derContentInfo:
		return &FormatError{Found: "a DER PKCS#7/CMS message", Err: errNotPrivateKey}
	}
	return &FormatError{Found: "a DER structure that is not a private key",
		Err: errors.New("not PKCS#8, PKCS#1 or SEC1")}
}

// describeSigned names a DER certificate, certificate request or CRL.
func describeSigned(der []byte) error {
	found := "a signed DER object (certificate, request or CRL)"
	if _, err := x509.ParseCertificate(der); err == nil {
		found = "a DER certificate"
	} else if _, err := x509.ParseCertificateRequest(der); err == nil {
		found = "a DER certificate request"
	} else if _, err := x509.ParseRevocationList(der); err == nil {
		found = "a DER certificate revocation list"
	}
	return &FormatError{Found: found, Err: errNotPrivateKey,
		Hint: "give the private key file (usually named .key), not the certificate"}
}

// describePEMLabel says what a PEM block that is not a private key pgcert reads is.
func describePEMLabel(label string) error {
	block := fmt.Sprintf("PEM block %q", label)
	switch label {
	case "CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE":
		return &FormatError{Found: "a certificate (" + block + ")",
			Err:  errors.New("this is a certificate, not a private key"),
			Hint: "give the private key file (usually named .key), not the certificate"}
	case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
		return &FormatError{Found: "a certificate request (" + block + ")",
			Err:  errors.New("this is a certificate request, not a private key"),
			Hint: "give the private key the request was made with"}
	case "X509 CRL":
		return &FormatError{Found: "a certificate revocation list (" + block + ")",
			Err: errors.New("this is a CRL, not a private key")}
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		return &FormatError{Found: "a public key (" + block + ")",
			Err:  errors.New("this is a public key, not a private key"),
			Hint: "give the private key that goes with it"}
	case "EC PARAMETERS", "DH PARAMETERS", "X9.42 DH PARAMETERS", "DSA PARAMETERS":
		return &FormatError{Found: "key parameters (" + block + ")",
			Err: errors.New("parameters only, no private key")}
	case "PKCS7", "CMS":
		return &FormatError{Found: "a PKCS#7/CMS message (" + block + ")", Err: errNotPrivateKey}
	case "DSA PRIVATE KEY":
		return &UnsupportedAlgorithmError{Algorithm: "DSA"}
	case "PGP PRIVATE KEY BLOCK", "PGP PUBLIC KEY BLOCK":
		return &FormatError{Found: "an OpenPGP key (" + block + ")",
			Err: errors.New("OpenPGP keys cannot be used for TLS")}
	}
	return &FormatError{Found: "a " + block, Err: errors.New("not a private key pgcert reads"),
		Hint: `pgcert reads "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY" and "EC PRIVATE KEY" blocks`}
}

// describeText names the text formats without PEM armour that people mistake for
// private keys, and otherwise says that data is neither PEM nor DER.
func describeText(data []byte) error {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case bytes.HasPrefix(trimmed, []byte("PuTTY-User-Key-File-")):
		return &FormatError{Found: "a PuTTY private key",
			Err:  errors.New("pgcert does not read PuTTY's format"),
			Hint: "convert it with: puttygen FILE.ppk -O private-openssh -o key.pem"}
	case bytes.HasPrefix(trimmed, []byte("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----")):
		return &FormatError{Found: "an SSH2 (ssh.com) private key",
			Err: errors.New("pgcert does not read the ssh.com format")}
	case bytes.HasPrefix(trimmed, []byte("---- BEGIN SSH2 PUBLIC KEY ----")):
		return &FormatError{Found: "an SSH2 (ssh.com) public key", Err: errNotPrivateKey}
	case isOpenSSHPublicKey(trimmed):
		return &FormatError{Found: "an OpenSSH public key", Err: errNotPrivateKey}
	case len(data) > 0 && data[0] == 0x30:
		return &FormatError{Found: "malformed or truncated DER", Err: errors.New("not a complete ASN.1 SEQUENCE")}
	}
	return &FormatError{Found: "data that is neither PEM nor DER",
		Err:  errors.New("no private key"),
		Hint: `a PEM private key starts with a "-----BEGIN ... PRIVATE KEY-----" line`}
}

// describeOpenSSH says how to convert an OpenSSH private key, whose PEM block is
// block (nil if malformed). ssh-keygen converts RSA and ECDSA keys to PKCS#8 but keeps
// Ed25519 keys in its own format, so the key type read from the unencrypted header
// decides the hint.
func describeOpenSSH(block *pem.Block) error {
	e := &FormatError{
		Found: `an OpenSSH private key (PEM block "OPENSSH PRIVATE KEY")`,
		Err:   errors.New("pgcert reads PKCS#8, PKCS#1 and SEC1 keys, not OpenSSH's own format"),
		Hint:  "convert a copy to PKCS#8 with: ssh-keygen -p -m PKCS8 -f COPY (it rewrites COPY in place)",
	}
	if block == nil {
		return e
	}
	typ := opensshKeyType(block.Bytes)
	if typ == "" {
		return e
	}
	e.Found = fmt.Sprintf("an OpenSSH %s private key (PEM block %q)", typ, block.Type)
	if strings.HasPrefix(typ, "ssh-ed25519") || strings.HasPrefix(typ, "sk-") {
		e.Hint = "ssh-keygen cannot write this key type as PKCS#8; make a new key for TLS instead"
	}
	return e
}

// opensshKeyType returns the type of the first public key in an "openssh-key-v1"
// blob (PROTOCOL.key in OpenSSH's sources), which is stored unencrypted, or "".
func opensshKeyType(blob []byte) string {
	s, ok := bytes.CutPrefix(blob, []byte("openssh-key-v1\x00"))
	if !ok {
		return ""
	}
	in := cryptobyte.String(s)
	var pub, typ cryptobyte.String
	var n uint32
	// ciphername, kdfname, kdfoptions, number of keys, first public key.
	for range 3 {
		if !skipSSHString(&in) {
			return ""
		}
	}
	if !in.ReadUint32(&n) || n < 1 ||
		!readSSHString(&in, &pub) || !readSSHString(&pub, &typ) {
		return ""
	}
	for _, c := range typ {
		if c < 0x21 || c > 0x7e {
			return ""
		}
	}
	return string(typ)
}

// readSSHString reads an SSH "string" (RFC 4251 section 5): a uint32 length, then
// that many bytes.
func readSSHString(s *cryptobyte.String, out *cryptobyte.String) bool {
	var n uint32
	return s.ReadUint32(&n) && s.ReadBytes((*[]byte)(out), int(n))
}

func skipSSHString(s *cryptobyte.String) bool {
	var skipped cryptobyte.String
	return readSSHString(s, &skipped)
}

func isOpenSSHPublicKey(data []byte) bool {
	for _, p := range []string{"ssh-rsa ", "ssh-dss ", "ssh-ed25519 ", "ssh-ed448 ", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-"} {
		if bytes.HasPrefix(data, []byte(p)) {
			return true
		}
	}
	return false
}
