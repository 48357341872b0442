package bootstrap_test

import (
	"crypto"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
)

// exampleHooks answer as a run without a terminal and with the passphrase
// "hunter22" would.
func exampleHooks() bootstrap.KeyHooks {
	return bootstrap.KeyHooks{
		Overwrite: func(force bool, paths ...string) (bool, error) { return force, nil },
		LoadKey: func(path string) (*keys.Key, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			return keys.Parse(data, func() ([]byte, error) { return []byte("hunter22"), nil })
		},
		NewPassphrase: func(string) ([]byte, error) { return []byte("hunter22"), nil },
		GenerateKey:   func(o keys.GenerateOptions) (crypto.Signer, error) { return keys.Generate(o) },
	}
}

func pkcs8(encrypted bool) (keys.Format, error) { return keys.FormatPKCS8PEM, nil }

func ExampleNewKey() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	r, err := bootstrap.NewKey(bootstrap.NewKeyOptions{KeyHooks: exampleHooks(), Path: filepath.Join(dir, "server.key"),
		Key: keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256}, Encrypt: true, Format: pkcs8})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(r.File.Path), r.File.Mode, r.Key.Describe(), r.Key.Encrypted)
	// Output: server.key 0600 ECDSA P-256 true
}

func ExampleStripKey() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "server.key.enc")
	h := exampleHooks()
	if _, err := bootstrap.NewKey(bootstrap.NewKeyOptions{KeyHooks: h, Path: in, Encrypt: true, Format: pkcs8}); err != nil {
		fmt.Println(err)
		return
	}
	r, err := bootstrap.StripKey(bootstrap.StripKeyOptions{KeyHooks: h, Input: in, RemoveInput: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, statErr := os.Stat(in)
	fmt.Println(filepath.Base(r.File.Path), r.Key.Encrypted, errors.Is(statErr, os.ErrNotExist))
	// Output: server.key false true
}

func ExampleEncryptKey() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "server.key")
	h := exampleHooks()
	if _, err := bootstrap.NewKey(bootstrap.NewKeyOptions{KeyHooks: h, Path: in, Format: pkcs8}); err != nil {
		fmt.Println(err)
		return
	}
	_, err := bootstrap.EncryptKey(bootstrap.EncryptKeyOptions{KeyHooks: h, Input: in, Format: pkcs8})
	fmt.Println(err == nil)
	r, err := bootstrap.EncryptKey(bootstrap.EncryptKeyOptions{KeyHooks: h, Input: in, Force: true, Format: pkcs8})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Key.Encrypted)
	// Output:
	// false
	// true
}

func ExampleDescribeKeyFile() {
	k, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEd25519})
	data, _ := keys.Marshal(k, []byte("hunter22"), keys.FormatPKCS8PEM, nil)
	d, _ := bootstrap.DescribeKeyFile("server.key", data, nil)
	fmt.Printf("%q %v\n", d.Algorithm, d.Encrypted)
	d, _ = bootstrap.DescribeKeyFile("server.key", data, func() ([]byte, error) { return []byte("hunter22"), nil })
	fmt.Printf("%q %v\n", d.Algorithm, d.Encrypted)
	// Output:
	// "" true
	// "Ed25519" true
}

func ExampleKeyDescription_WriteText() {
	k, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP384})
	data, _ := keys.Marshal(k, []byte("hunter22"), keys.FormatPKCS8PEM, nil)
	d, _ := bootstrap.DescribeKeyFile("server.key", data, nil)
	d.WriteText(os.Stdout)
	// Output:
	// server.key
	//   type:        unknown type (encrypted)
	//   format:      PKCS#8, PEM
	//   encrypted:   yes (PBES2, PBKDF2 HMAC-SHA256, 100000 iterations, AES-256-CBC)
	//   fingerprint: unknown until decrypted (give --passin)
}

func ExampleWriteKeyFile() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	k, _ := keys.Generate(keys.GenerateOptions{Type: keys.TypeEC, Curve: keys.CurveP256})
	r, err := bootstrap.WriteKeyFile(filepath.Join(dir, "postgresql.pk8"), k, nil, keys.FormatPKCS8DER, false, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.File.Mode, r.Key.Container, r.Key.Encoding)
	// Output: 0600 PKCS#8 DER
}

func ExampleSamePath() {
	fmt.Println(bootstrap.SamePath("server.key", "./server.key"), bootstrap.SamePath("server.key", "server.crt"))
	// Output: true false
}

func ExampleGenerateError() {
	_, err := keys.Generate(keys.GenerateOptions{Type: keys.TypeRSA, Bits: 1000})
	fmt.Printf("%T\n", bootstrap.GenerateError(err))
	fmt.Println(bootstrap.GenerateError(nil))
	// Output:
	// *hint.UsageError
	// <nil>
}

func ExampleKeyFlags_GenerateOptions() {
	o, _ := bootstrap.KeyFlags{Type: "rsa", Curve: "P-256", Bits: 3072}.GenerateOptions()
	fmt.Println(o.Type, o.Bits)
	_, err := bootstrap.KeyFlags{Type: "rsa", Curve: "P-384", CurveSet: true}.GenerateOptions()
	fmt.Println(err)
	// Output:
	// rsa 3072
	// --curve applies to --type ec only
}
