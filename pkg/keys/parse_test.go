package keys

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixture is a key file made by make-fixtures.sh and what pgcert must read from it.
type fixture struct {
	file string
	// base names the <base>.pub.pem holding the key's public half.
	base string
	pass string
	info Info
	enc  *Encryption
}

var (
	infoP256    = Info{Algorithm: "ECDSA", Bits: 256, Curve: "P-256"}
	infoP384    = Info{Algorithm: "ECDSA", Bits: 384, Curve: "P-384"}
	infoP521    = Info{Algorithm: "ECDSA", Bits: 521, Curve: "P-521"}
	infoRSA2048 = Info{Algorithm: "RSA", Bits: 2048}
	infoEd25519 = Info{Algorithm: "Ed25519", Bits: 256}
)

func pbkdf2Enc(prf, cipher string) *Encryption {
	return &Encryption{Scheme: "PBES2", KDF: "PBKDF2", PRF: prf, Cipher: cipher, Iterations: 2048, SaltLength: 8}
}

func pbes1Enc(kdf, prf, cipher string) *Encryption {
	return &Encryption{Scheme: "PBES1", KDF: kdf, PRF: prf, Cipher: cipher, Iterations: 2048, SaltLength: 8}
}

func legacyEnc(cipher string) *Encryption {
	return &Encryption{Scheme: "PEM (Proc-Type 4,ENCRYPTED)", KDF: "EVP_BytesToKey (MD5)", Cipher: cipher, Iterations: 1, SaltLength: 8}
}

func in(key Info, container, encoding string) Info {
	key.Container, key.Encoding = container, encoding
	return key
}

// fixtures lists every key pgcert must read, with the Info it must report.
var fixtures = []fixture{
	// Unencrypted, every container and encoding.
	{file: "ec-p256.pkcs8.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM")},
	{file: "ec-p256.pkcs8.der", base: "ec-p256", info: in(infoP256, "PKCS#8", "DER")},
	{file: "ec-p256.sec1.pem", base: "ec-p256", info: in(infoP256, "SEC1", "PEM")},
	{file: "ec-p256.sec1.der", base: "ec-p256", info: in(infoP256, "SEC1", "DER")},
	{file: "ecparam-genkey.sec1.pem", base: "ecparam-genkey", info: in(infoP256, "SEC1", "PEM")},
	{file: "ec-p384.pkcs8.pem", base: "ec-p384", info: in(infoP384, "PKCS#8", "PEM")},
	{file: "ec-p384.sec1.pem", base: "ec-p384", info: in(infoP384, "SEC1", "PEM")},
	{file: "ec-p521.pkcs8.pem", base: "ec-p521", info: in(infoP521, "PKCS#8", "PEM")},
	{file: "rsa-2048.pkcs8.pem", base: "rsa-2048", info: in(infoRSA2048, "PKCS#8", "PEM")},
	{file: "rsa-2048.pkcs8.der", base: "rsa-2048", info: in(infoRSA2048, "PKCS#8", "DER")},
	{file: "rsa-2048.pkcs1.pem", base: "rsa-2048", info: in(infoRSA2048, "PKCS#1", "PEM")},
	{file: "rsa-2048.pkcs1.der", base: "rsa-2048", info: in(infoRSA2048, "PKCS#1", "DER")},
	{file: "ed25519.pkcs8.pem", base: "ed25519", info: in(infoEd25519, "PKCS#8", "PEM")},
	{file: "ed25519.pkcs8.der", base: "ed25519", info: in(infoEd25519, "PKCS#8", "DER")},

	// PKCS#8 PBES2 with PBKDF2: every PRF and cipher.
	{file: "ec-p256.pbes2-sha256-aes256.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA256", "AES-256-CBC")},
	{file: "ec-p256.pbes2-sha1-aes128.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA1", "AES-128-CBC")},
	{file: "ec-p256.pbes2-sha512-aes192.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA512", "AES-192-CBC")},
	{file: "ec-p256.pbes2-sha224-des3.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA224", "DES-EDE3-CBC")},
	{file: "ec-p256.pbes2-sha384-aes256.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA384", "AES-256-CBC")},
	{file: "ec-p256.pbes2-sha256-des.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA256", "DES-CBC")},
	{file: "ec-p256.pbes2-aes256.der", base: "ec-p256", info: in(infoP256, "PKCS#8", "DER"), enc: pbkdf2Enc("HMAC-SHA256", "AES-256-CBC")},
	{file: "ec-p256.pbes2-aes256-utf8.pem", base: "ec-p256", pass: fixtureUTF8Pass, info: in(infoP256, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA256", "AES-256-CBC")},
	{file: "ec-p384.pbes2-aes256.pem", base: "ec-p384", info: in(infoP384, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA256", "AES-256-CBC")},
	{file: "rsa-2048.pbes2-aes256.pem", base: "rsa-2048", info: in(infoRSA2048, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA256", "AES-256-CBC")},
	{file: "ed25519.pbes2-aes256.pem", base: "ed25519", info: in(infoEd25519, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA256", "AES-256-CBC")},
	// What `openssl genpkey -aes256` and `openssl req -newkey` write.
	{file: "genpkey-aes256.pkcs8.pem", base: "genpkey-aes256", info: in(infoP256, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA256", "AES-256-CBC")},
	{file: "req-newkey.pkcs8.pem", base: "req-newkey", info: in(infoP256, "PKCS#8", "PEM"), enc: pbkdf2Enc("HMAC-SHA256", "DES-EDE3-CBC")},

	// PKCS#8 PBES2 with scrypt, at openssl's defaults.
	{file: "ec-p256.pbes2-scrypt.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM"),
		enc: &Encryption{Scheme: "PBES2", KDF: "scrypt", Cipher: "AES-256-CBC", ScryptN: 16384, ScryptR: 8, ScryptP: 1, SaltLength: 8}},

	// PKCS#8 PBES1.
	{file: "ec-p256.pbes1-sha1-3des.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM"), enc: pbes1Enc("PKCS#12 KDF", "SHA-1", "DES-EDE3-CBC")},
	{file: "ec-p256.pbes1-sha1-3des.der", base: "ec-p256", info: in(infoP256, "PKCS#8", "DER"), enc: pbes1Enc("PKCS#12 KDF", "SHA-1", "DES-EDE3-CBC")},
	{file: "ec-p256.pbes1-sha1-3des-utf8.pem", base: "ec-p256", pass: fixtureUTF8Pass, info: in(infoP256, "PKCS#8", "PEM"), enc: pbes1Enc("PKCS#12 KDF", "SHA-1", "DES-EDE3-CBC")},
	{file: "ec-p256.pbes1-sha1-3des-latin1.pem", base: "ec-p256", pass: fixtureLatin1Pass, info: in(infoP256, "PKCS#8", "PEM"), enc: pbes1Enc("PKCS#12 KDF", "SHA-1", "DES-EDE3-CBC")},
	{file: "rsa-2048.pbes1-sha1-3des.pem", base: "rsa-2048", info: in(infoRSA2048, "PKCS#8", "PEM"), enc: pbes1Enc("PKCS#12 KDF", "SHA-1", "DES-EDE3-CBC")},
	{file: "ec-p256.pbes1-sha1-2des.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM"), enc: pbes1Enc("PKCS#12 KDF", "SHA-1", "DES-EDE-CBC")},
	{file: "ec-p256.pbes1-md5-des.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM"), enc: pbes1Enc("PBKDF1", "MD5", "DES-CBC")},
	{file: "ec-p256.pbes1-sha1-des.pem", base: "ec-p256", info: in(infoP256, "PKCS#8", "PEM"), enc: pbes1Enc("PBKDF1", "SHA-1", "DES-CBC")},

	// Legacy PEM encryption of PKCS#1 and SEC1.
	{file: "rsa-2048.legacy-des3.pem", base: "rsa-2048", info: in(infoRSA2048, "PKCS#1", "PEM"), enc: legacyEnc("DES-EDE3-CBC")},
	{file: "rsa-2048.legacy-aes128.pem", base: "rsa-2048", info: in(infoRSA2048, "PKCS#1", "PEM"), enc: legacyEnc("AES-128-CBC")},
	{file: "rsa-2048.legacy-aes192.pem", base: "rsa-2048", info: in(infoRSA2048, "PKCS#1", "PEM"), enc: legacyEnc("AES-192-CBC")},
	{file: "rsa-2048.legacy-aes256.pem", base: "rsa-2048", info: in(infoRSA2048, "PKCS#1", "PEM"), enc: legacyEnc("AES-256-CBC")},
	{file: "rsa-2048.legacy-des.pem", base: "rsa-2048", info: in(infoRSA2048, "PKCS#1", "PEM"), enc: legacyEnc("DES-CBC")},
	{file: "ec-p256.legacy-des3.pem", base: "ec-p256", info: in(infoP256, "SEC1", "PEM"), enc: legacyEnc("DES-EDE3-CBC")},
	{file: "ec-p256.legacy-aes128.pem", base: "ec-p256", info: in(infoP256, "SEC1", "PEM"), enc: legacyEnc("AES-128-CBC")},
	{file: "ec-p256.legacy-aes256.pem", base: "ec-p256", info: in(infoP256, "SEC1", "PEM"), enc: legacyEnc("AES-256-CBC")},
	{file: "ec-p384.legacy-aes256.pem", base: "ec-p384", info: in(infoP384, "SEC1", "PEM"), enc: legacyEnc("AES-256-CBC")},
}

func (f fixture) passphrase() string {
	if f.pass != "" {
		return f.pass
	}
	return fixturePass
}

func TestParseFixtures(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			pass, calls := countingPass(f.passphrase())
			key, err := Parse(readFixture(t, f.file), pass)
			if err != nil {
				t.Fatal(err)
			}
			if !PublicKeysEqual(key.Signer.Public(), fixturePublicKey(t, f.base)) {
				t.Error("the public key is not the one openssl printed for this key")
			}
			want := f.info
			want.Encrypted = f.enc != nil
			want.Encryption = f.enc
			want.Fingerprint = mustFingerprint(t, fixturePublicKey(t, f.base))
			checkInfo(t, key.Info, want)

			wantCalls := 0
			if f.enc != nil {
				wantCalls = 1
			}
			if *calls != wantCalls {
				t.Errorf("the passphrase was asked for %d times, want %d", *calls, wantCalls)
			}
		})
	}
}

func TestInspectFixtures(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			info, err := Inspect(readFixture(t, f.file))
			if err != nil {
				t.Fatal(err)
			}
			want := f.info
			want.Encrypted = f.enc != nil
			want.Encryption = f.enc
			switch {
			case f.enc == nil:
				want.Fingerprint = mustFingerprint(t, fixturePublicKey(t, f.base))
			case f.info.Container == ContainerPKCS8:
				// Only decryption tells what an encrypted PKCS#8 key is.
				want.Algorithm, want.Bits, want.Curve = "", 0, ""
			default:
				// The PEM label tells the algorithm of a legacy-encrypted key.
				want.Bits, want.Curve = 0, ""
			}
			checkInfo(t, *info, want)
		})
	}
}

func mustFingerprint(t testing.TB, pub any) string {
	t.Helper()
	fp, err := PublicKeyFingerprint(pub)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

func checkInfo(t *testing.T, got, want Info) {
	t.Helper()
	gotEnc, wantEnc := got.Encryption, want.Encryption
	got.Encryption, want.Encryption = nil, nil
	if got != want {
		t.Errorf("Info:\n got %+v\nwant %+v", got, want)
	}
	switch {
	case (gotEnc == nil) != (wantEnc == nil):
		t.Errorf("Encryption = %+v, want %+v", gotEnc, wantEnc)
	case gotEnc != nil && *gotEnc != *wantEnc:
		t.Errorf("Encryption:\n got %+v\nwant %+v", *gotEnc, *wantEnc)
	}
}

func TestParseWrongPassphrase(t *testing.T) {
	for _, f := range fixtures {
		if f.enc == nil {
			continue
		}
		t.Run(f.file, func(t *testing.T) {
			data := readFixture(t, f.file)
			// Several wrong passphrases, so that one whose padding happens to be
			// right (one in 256 for each) is also covered.
			for _, wrong := range []string{"wrong", "", f.passphrase() + "x", strings.ToUpper(f.passphrase())} {
				_, err := Parse(data, func() ([]byte, error) { return []byte(wrong), nil })
				if !errors.Is(err, ErrIncorrectPassphrase) {
					t.Errorf("passphrase %q: err = %v, want ErrIncorrectPassphrase", wrong, err)
				}
			}
		})
	}
}

// TestParseGarbageWithValidPadding covers a wrong passphrase whose decryption ends in
// valid padding: the plaintext is not a key, which must read as a wrong passphrase,
// not as an ASN.1 error.
func TestParseGarbageWithValidPadding(t *testing.T) {
	for _, plaintext := range [][]byte{
		[]byte("not DER at all"),
		{0x30, 0x03, 0x02, 0x01, 0x00},             // a SEQUENCE, but not a PrivateKeyInfo
		bytes.Repeat([]byte{0x30, 0x80}, 20),       // indefinite lengths
		{0x30, 0x06, 0x02, 0x01, 0x00, 0x30, 0x01}, // truncated
	} {
		der, err := sealPKCS8(plaintext, []byte("right"), 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Parse(der, func() ([]byte, error) { return []byte("right"), nil })
		if !errors.Is(err, ErrIncorrectPassphrase) {
			t.Errorf("plaintext %x: err = %v, want ErrIncorrectPassphrase", plaintext, err)
		}
		var fe *FormatError
		if errors.As(err, &fe) {
			t.Errorf("plaintext %x: a FormatError: %v", plaintext, err)
		}
	}
}

func TestParsePassphraseFuncError(t *testing.T) {
	errPrompt := errors.New("prompt interrupted")
	for _, file := range []string{"ec-p256.pbes2-sha256-aes256.pem", "ec-p256.legacy-aes256.pem", "ec-p256.pbes1-sha1-3des.pem"} {
		_, err := Parse(readFixture(t, file), func() ([]byte, error) { return nil, errPrompt })
		if err != errPrompt {
			t.Errorf("%s: err = %v, want the passphrase function's error unchanged", file, err)
		}
	}
}

func TestParseNilPassphraseFunc(t *testing.T) {
	for _, f := range fixtures {
		_, err := Parse(readFixture(t, f.file), nil)
		switch {
		case f.enc == nil && err != nil:
			t.Errorf("%s: %v", f.file, err)
		case f.enc != nil && !errors.Is(err, ErrPassphraseRequired):
			t.Errorf("%s: err = %v, want ErrPassphraseRequired", f.file, err)
		}
	}
}

// TestFixturesAllListed makes sure that every key file make-fixtures.sh writes is
// either read in the table above or refused in TestParseRefused (bundle.p12 and
// rsa-pss.pkcs8.pem have tests of their own, TestParsePKCS12Fixture and
// TestParseRSAPSSFixture).
func TestFixturesAllListed(t *testing.T) {
	listed := map[string]bool{"bundle.p12": true, "rsa-pss.pkcs8.pem": true}
	for _, f := range fixtures {
		listed[f.file] = true
	}
	for _, r := range refused {
		listed[r.file] = true
	}
	names, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range names {
		name := filepath.Base(path)
		if fi, err := os.Stat(path); err != nil || fi.IsDir() || strings.HasSuffix(name, ".pub.pem") ||
			name == "make-fixtures.sh" || name == "openssl-version.txt" {
			continue
		}
		if !listed[name] {
			t.Errorf("testdata/%s is not tested", name)
		}
	}
}
