package keys

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// refusal is a file pgcert must refuse, and how.
type refusal struct {
	file string
	// Exactly one of found (a *FormatError whose Found contains it), algorithm (an
	// *UnsupportedAlgorithmError), cipher (an *UnsupportedCipherError inside a
	// *FormatError) or tooSmall (a *KeySizeError) is set.
	found, algorithm, cipher string
	tooSmall                 int
	// hint, if set, must appear in the FormatError's Hint.
	hint string
	// asksPass is set when the key must be decrypted before it can be refused.
	asksPass bool
}

var refused = []refusal{
	{file: "cert.pem", found: `a certificate (PEM block "CERTIFICATE")`, hint: "private key file"},
	{file: "cert.der", found: "a DER certificate"},
	{file: "req.pem", found: `a certificate request (PEM block "CERTIFICATE REQUEST")`},
	{file: "crl.pem", found: `a certificate revocation list (PEM block "X509 CRL")`},
	{file: "ec-p256.pub.pem", found: `a public key (PEM block "PUBLIC KEY")`},
	{file: "ec-p256.pub.der", found: "a DER public key"},
	{file: "id_ed25519", found: "an OpenSSH ssh-ed25519 private key", hint: "make a new key"},
	{file: "id_ed25519.pub", found: "an OpenSSH public key"},
	{file: "not-a-key.txt", found: "data that is neither PEM nor DER"},

	{file: "ec-p256.pbes2-rc2.pem", cipher: "RC2-CBC", hint: "openssl pkcs8 -topk8 -v2 aes-256-cbc"},
	{file: "ec-p256.pbes2-camellia256.pem", cipher: "CAMELLIA-256-CBC"},
	{file: "ec-p256.pbes1-sha1-rc2-40.pem", cipher: "RC2-40-CBC"},
	{file: "ec-p256.legacy-camellia256.pem", cipher: "CAMELLIA-256-CBC"},

	{file: "ed448.pkcs8.pem", algorithm: "Ed448"},
	{file: "ed448.pbes2-aes256.pem", algorithm: "Ed448", asksPass: true},
	{file: "x25519.pkcs8.pem", algorithm: "X25519"},
	{file: "dsa.pkcs8.pem", algorithm: "DSA"},
	{file: "dsa.traditional.pem", algorithm: "DSA"},
	{file: "ec-secp256k1.pkcs8.pem", algorithm: "ECDSA secp256k1"},
	{file: "ec-p256-explicit.sec1.pem", algorithm: "ECDSA with explicit curve parameters"},

	{file: "rsa-512.pkcs8.pem", tooSmall: 512},
	{file: "rsa-512.pbes2-aes256.pem", tooSmall: 512, asksPass: true},
}

func TestParseRefused(t *testing.T) {
	for _, r := range refused {
		t.Run(r.file, func(t *testing.T) {
			data := readFixture(t, r.file)
			pass, calls := countingPass(fixturePass)
			_, err := Parse(data, pass)
			checkRefusal(t, err, r)
			if want := map[bool]int{false: 0, true: 1}[r.asksPass]; *calls != want {
				t.Errorf("the passphrase was asked for %d times, want %d", *calls, want)
			}
			if !r.asksPass {
				_, err := Inspect(data)
				checkRefusal(t, err, r)
			}
		})
	}
}

func checkRefusal(t *testing.T, err error, r refusal) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if errors.Is(err, ErrIncorrectPassphrase) {
		t.Fatalf("err = %v, an incorrect passphrase", err)
	}
	var fe *FormatError
	isFormat := errors.As(err, &fe)
	switch {
	case r.tooSmall != 0:
		var ke *KeySizeError
		if !errors.As(err, &ke) || ke.Bits != r.tooSmall || !ke.Weak() {
			t.Fatalf("err = %v, want a KeySizeError for %d bits", err, r.tooSmall)
		}
		if want := fmt.Sprintf("keys: RSA key size %d is too small (minimum 1024 bits)", r.tooSmall); err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
	case r.algorithm != "":
		var ua *UnsupportedAlgorithmError
		if !errors.As(err, &ua) || ua.Algorithm != r.algorithm {
			t.Fatalf("err = %v, want an UnsupportedAlgorithmError for %s", err, r.algorithm)
		}
		if want := "keys: unsupported key algorithm " + r.algorithm; err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
	case r.cipher != "":
		var uc *UnsupportedCipherError
		if !isFormat || !errors.As(err, &uc) || uc.Cipher != r.cipher {
			t.Fatalf("err = %v, want a FormatError with an UnsupportedCipherError for %s", err, r.cipher)
		}
		if !strings.Contains(err.Error(), "unsupported cipher "+r.cipher) {
			t.Errorf("message %q does not name the cipher", err)
		}
	default:
		if !isFormat || !strings.Contains(fe.Found, r.found) {
			t.Fatalf("err = %v, want a FormatError saying %q", err, r.found)
		}
		if !strings.HasPrefix(err.Error(), "keys: "+fe.Found) {
			t.Errorf("message %q does not start with what was found", err)
		}
	}
	if r.hint != "" && (!isFormat || !strings.Contains(fe.Hint, r.hint)) {
		t.Errorf("err = %v, want a hint with %q", err, r.hint)
	}
}

func TestParseRefusedInline(t *testing.T) {
	ecKey := readFixture(t, "ec-p256.sec1.pem")
	opensshECDSA := "-----BEGIN OPENSSH PRIVATE KEY-----\n" +
		"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNlY2RzYS\n" +
		"1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQQBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\n" +
		"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB\n" +
		"-----END OPENSSH PRIVATE KEY-----\n"
	for _, tc := range []struct {
		name, input string
		r           refusal
	}{
		{"empty", "", refusal{found: "empty input"}},
		{"blank", " \n\t\r\n", refusal{found: "empty input"}},
		{"putty", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n", refusal{found: "a PuTTY private key", hint: "puttygen"}},
		{"ssh2", "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nxx\n", refusal{found: "an SSH2 (ssh.com) private key"}},
		{"openssh ecdsa", opensshECDSA, refusal{found: "an OpenSSH ecdsa-sha2-nistp256 private key", hint: "ssh-keygen -p -m PKCS8"}},
		{"pgp", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxx\n-----END PGP PRIVATE KEY BLOCK-----\n", refusal{found: "an OpenPGP key"}},
		{"params only", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n", refusal{found: "key parameters"}},
		{"unknown label", "-----BEGIN FOO PRIVATE KEY-----\nAAAA\n-----END FOO PRIVATE KEY-----\n", refusal{found: `a PEM block "FOO PRIVATE KEY"`}},
		{"truncated PEM", string(ecKey[:len(ecKey)-30]), refusal{found: `a PEM block "EC PRIVATE KEY"`}},
		{"bad base64", "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", refusal{found: `a PEM block "PRIVATE KEY"`}},
		{"truncated DER", string(readFixture(t, "ec-p256.pkcs8.der")[:40]), refusal{found: "malformed or truncated DER"}},
		{"DER with trailing data", string(append(readFixture(t, "ec-p256.pkcs8.der"), 0)), refusal{found: "malformed or truncated DER"}},
		{"binary", "\x00\x01\x02\xff", refusal{found: "data that is neither PEM nor DER"}},
		{"empty PKCS#8", "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n", refusal{found: `a PKCS#8 private key (PEM block "PRIVATE KEY")`}},
		{"proc-type without DEK-Info", "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMAA=\n-----END EC PRIVATE KEY-----\n", refusal{found: "with PEM encryption"}},
		{"dek-info bad IV", "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMAA=\n-----END EC PRIVATE KEY-----\n", refusal{found: "with PEM encryption"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.input), failOnCall(t))
			checkRefusal(t, err, tc.r)
			_, err = Inspect([]byte(tc.input))
			checkRefusal(t, err, tc.r)
		})
	}
}

func TestParseKeyAmongOtherBlocks(t *testing.T) {
	// A certificate before the key, text around both: the key is found.
	data := bytes.Join([][]byte{
		[]byte("Subject: CN=fixture\n"),
		readFixture(t, "cert.pem"),
		[]byte("some text\n"),
		readFixture(t, "ec-p256.pkcs8.pem"),
	}, nil)
	key, err := Parse(data, failOnCall(t))
	if err != nil {
		t.Fatal(err)
	}
	if !PublicKeysEqual(key.Signer.Public(), fixturePublicKey(t, "ec-p256")) {
		t.Error("read the wrong key")
	}
	// CRLF line ends, as a file edited on Windows has them.
	crlf := bytes.ReplaceAll(readFixture(t, "ec-p256.legacy-aes256.pem"), []byte("\n"), []byte("\r\n"))
	if _, err := Parse(crlf, func() ([]byte, error) { return []byte(fixturePass), nil }); err != nil {
		t.Errorf("CRLF: %v", err)
	}
}

// TestParseMislabelledEncryptedKey reads an EncryptedPrivateKeyInfo that some tools
// label "PRIVATE KEY".
func TestParseMislabelledEncryptedKey(t *testing.T) {
	block, _ := pem.Decode(readFixture(t, "ec-p256.pbes2-sha256-aes256.pem"))
	block.Type = "PRIVATE KEY"
	pass, calls := countingPass(fixturePass)
	key, err := Parse(pem.EncodeToMemory(block), pass)
	if err != nil {
		t.Fatal(err)
	}
	if !key.Info.Encrypted || *calls != 1 || !PublicKeysEqual(key.Signer.Public(), fixturePublicKey(t, "ec-p256")) {
		t.Errorf("read as %+v after %d passphrase calls", key.Info, *calls)
	}
}

func TestParseInputSizeLimit(t *testing.T) {
	key := readFixture(t, "ec-p256.pkcs8.pem")
	big := append(bytes.Repeat([]byte("#\n"), MaxInputSize/2), key...)
	for _, f := range []func([]byte) error{
		func(b []byte) error { _, err := Parse(b, failOnCall(t)); return err },
		func(b []byte) error { _, err := Inspect(b); return err },
	} {
		var le *LimitError
		if err := f(big); !errors.As(err, &le) || le.Limit != MaxInputSize || le.Value != uint64(len(big)) {
			t.Errorf("%d bytes: err = %v, want a LimitError", len(big), err)
		}
		// Just under the limit, the same key reads.
		if err := f(big[len(big)-MaxInputSize:]); err != nil {
			t.Errorf("%d bytes: %v", MaxInputSize, err)
		}
	}
}

func TestFormatErrorMessage(t *testing.T) {
	_, err := Parse(readFixture(t, "cert.pem"), nil)
	want := `keys: a certificate (PEM block "CERTIFICATE"): this is a certificate, not a private key`
	if err == nil || err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	_, err = Parse(readFixture(t, "ec-p256.pbes2-rc2.pem"), nil)
	want = `keys: an encrypted PKCS#8 private key (PEM block "ENCRYPTED PRIVATE KEY"): unsupported cipher RC2-CBC`
	if err == nil || err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}
