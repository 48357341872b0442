package keys

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

// TestMarshalFormats: each format, encrypted and not, is what openssl reads as that
// format (DER with -inform DER), with the same public key, and what Parse reads back;
// the traditional form is refused unencrypted.
func TestMarshalFormats(t *testing.T) {
	testenv.RequireOpenSSL(t)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	const pass = "s3cret"
	cases := []struct {
		f         Format
		pass      []byte
		der       bool
		container string
	}{
		{FormatPKCS8PEM, nil, false, ContainerPKCS8},
		{FormatPKCS8PEM, []byte(pass), false, ContainerPKCS8},
		{FormatPKCS8DER, nil, true, ContainerPKCS8},
		{FormatPKCS8DER, []byte(pass), true, ContainerPKCS8},
		{FormatTraditional, []byte(pass), false, ContainerSEC1},
	}
	for _, c := range cases {
		data, err := Marshal(key, c.pass, c.f, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.f, err)
		}
		path := writeTemp(t, "key", data)
		args := []string{"pkey", "-in", path, "-pubout", "-passin", "pass:" + pass}
		if c.der {
			args = append(args, "-inform", "DER")
		}
		if got := runOpenSSL(t, args...); !bytes.Equal(got, publicPEM(t, key.Public())) {
			t.Errorf("%s (encrypted %v): openssl found another public key:\n%s", c.f, c.pass != nil, got)
		}
		back, err := Parse(data, func() ([]byte, error) { return []byte(pass), nil })
		if err != nil {
			t.Fatalf("%s: %v", c.f, err)
		}
		if back.Info.Encrypted != (c.pass != nil) || back.Info.Container != c.container || !PublicKeysEqual(back.Signer.Public(), key.Public()) {
			t.Errorf("%s (encrypted %v) read back as %+v", c.f, c.pass != nil, back.Info)
		}
	}
	var oe *OptionError
	if _, err := Marshal(key, nil, FormatTraditional, nil); !errors.As(err, &oe) {
		t.Errorf("an unencrypted traditional key: %v, want an OptionError", err)
	}
	if _, err := Marshal(key, nil, "pkcs1", nil); !errors.As(err, &oe) {
		t.Errorf("an unknown format: %v, want an OptionError", err)
	}
}
