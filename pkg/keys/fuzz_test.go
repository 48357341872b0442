package keys

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzLimits keep each fuzz run to a few milliseconds: openssl's 2048 PBKDF2
// iterations pass, the scrypt fixture (16 MiB) is refused with a LimitError.
var fuzzLimits = limits{iterations: 4096, scryptMemory: 1 << 20, scryptCost: 1 << 13}

// FuzzParse feeds the parser PEM and DER of every kind, encrypted or not, with a fixed
// passphrase (the fixtures'), and checks that Parse and Inspect agree.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range files {
		if fi, err := os.Stat(path); err != nil || fi.IsDir() {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	key, err := Generate(GenerateOptions{Rand: seeded(1)})
	if err != nil {
		f.Fatal(err)
	}
	for _, iter := range []int{1, 2} {
		der, err := MarshalEncryptedPKCS8DER(key, []byte(fixturePass), EncryptOptions{Iterations: iter, Rand: seeded(2)})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := parse(data, func() ([]byte, error) { return []byte(fixturePass), nil }, fuzzLimits)
		info, ierr := Inspect(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "keys: ") {
				t.Errorf("error without the package prefix: %v", err)
			}
			return
		}
		if ierr != nil {
			t.Fatalf("Parse read the key but Inspect says: %v", ierr)
		}
		if key.Signer == nil {
			t.Fatal("no key")
		}
		if info.Container != key.Info.Container || info.Encoding != key.Info.Encoding || info.Encrypted != key.Info.Encrypted {
			t.Errorf("Inspect %+v, Parse %+v", info, key.Info)
		}
		if !info.Encrypted && *info != key.Info {
			t.Errorf("Inspect %+v, Parse %+v", info, key.Info)
		}
		der, err := MarshalPKCS8DER(key.Signer)
		if err != nil {
			t.Fatalf("cannot write the key read: %v", err)
		}
		again, err := Parse(der, nil)
		if err != nil {
			t.Fatalf("cannot read the key written: %v", err)
		}
		if again.Info.Fingerprint != key.Info.Fingerprint || !PublicKeysEqual(again.Signer.Public(), key.Signer.Public()) {
			t.Error("the key changed on the way through PKCS#8")
		}
	})
}

// FuzzRSAPSS feeds certificates and public keys to the RSA-PSS reading that
// crypto/x509 lacks: a certificate ParseCertificate accepts with an RSA-PSS key
// has that key, and CheckSignature and ParsePublicKey never panic.
func FuzzRSAPSS(f *testing.F) {
	for _, path := range []string{"../selfsign/testdata/rsa-pss.crt", "../selfsign/testdata/rsa-pss.csr"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if block, _ := pem.Decode(data); block != nil {
			f.Add(block.Bytes)
		}
	}
	keyPEM, err := os.ReadFile("testdata/rsa-pss.pkcs8.pem")
	if err != nil {
		f.Fatal(err)
	}
	k, err := ParseRSAPSS(keyPEM)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(MarshalRSAPSSPublicKey(&k.Key.PublicKey))
	f.Fuzz(func(t *testing.T, der []byte) {
		if c, err := ParseCertificate(der); err == nil {
			if IsRSAPSSPublicKeyInfo(c.RawSubjectPublicKeyInfo) && c.PublicKey == nil {
				t.Fatal("an RSA-PSS certificate without its key")
			}
			CheckSignature(c.Raw, c.SignatureAlgorithm, c.PublicKey)
		}
		CheckSignature(der, x509.SHA256WithRSAPSS, &k.Key.PublicKey)
		if pub, err := ParsePublicKey(der); err == nil {
			if _, err := MarshalPublicKey(pub); err != nil {
				t.Fatalf("a key ParsePublicKey read does not marshal: %v", err)
			}
		}
	})
}
