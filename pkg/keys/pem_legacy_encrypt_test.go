package keys

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os/exec"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

// TestLegacyEncryptedPEMReaders: openssl reads the traditional encrypted PEM keys pgcert
// writes for RSA and ECDSA and finds the same public key, refuses a wrong passphrase,
// and so do pkg/keys and crypto/x509's DecryptPEMBlock (which pgx uses); Ed25519,
// which has no traditional form, is refused.
func TestLegacyEncryptedPEMReaders(t *testing.T) {
	testenv.RequireOpenSSL(t)
	const pass = "correct horse"
	want := map[string]string{"ec-p256": ContainerSEC1, "ec-p384": ContainerSEC1, "rsa-2048": ContainerPKCS1}
	for name, key := range writtenKeys(t) {
		t.Run(name, func(t *testing.T) {
			data, err := MarshalLegacyEncryptedPEM(key, []byte(pass), 256, nil)
			if name == "ed25519" {
				if err == nil || !strings.Contains(err.Error(), "no traditional form") {
					t.Fatalf("an Ed25519 key: %v, want a refusal", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			block, _ := pem.Decode(data)
			if block == nil || block.Headers["Proc-Type"] != "4,ENCRYPTED" || !strings.HasPrefix(block.Headers["DEK-Info"], "AES-256-CBC,") {
				t.Fatalf("not a traditional encrypted PEM block:\n%s", data)
			}
			path := writeTemp(t, "key", data)
			pub := runOpenSSL(t, "pkey", "-in", path, "-pubout", "-passin", "pass:"+pass)
			if !bytes.Equal(pub, publicPEM(t, key.Public())) {
				t.Errorf("openssl found another public key:\n%s", pub)
			}
			if out, err := exec.Command(testenv.RequireOpenSSL(t), "pkey", "-in", path, "-noout", "-passin", "pass:wrong").CombinedOutput(); err == nil {
				t.Errorf("openssl read the key with a wrong passphrase\n%s", out)
			}
			back, err := Parse(data, func() ([]byte, error) { return []byte(pass), nil })
			if err != nil {
				t.Fatal(err)
			}
			if !PublicKeysEqual(back.Signer.Public(), key.Public()) || !back.Info.Encrypted || back.Info.Container != want[name] {
				t.Errorf("read back as %+v", back.Info)
			}
			//lint:ignore SA1019 pgx decrypts with DecryptPEMBlock: the key must suit it.
			if _, err := x509.DecryptPEMBlock(block, []byte(pass)); err != nil {
				t.Errorf("crypto/x509 (what pgx uses) cannot decrypt it: %v", err)
			}
		})
	}
}
