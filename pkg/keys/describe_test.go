package keys

import "testing"

func TestDescribeEncryption(t *testing.T) {
	for _, c := range []struct {
		e    Encryption
		want string
	}{
		{Encryption{Scheme: "PBES2", KDF: "scrypt", ScryptN: 16384, ScryptR: 8, ScryptP: 1, Cipher: "AES-256-CBC"}, "yes (PBES2, scrypt, N=16384 r=8 p=1, AES-256-CBC)"},
		{Encryption{Scheme: "PEM (Proc-Type 4,ENCRYPTED)", KDF: "EVP_BytesToKey (MD5)", Iterations: 1, Cipher: "AES-128-CBC"}, "yes (PEM (Proc-Type 4,ENCRYPTED), EVP_BytesToKey (MD5), AES-128-CBC)"},
	} {
		e := c.e
		if got := (Info{Encrypted: true, Encryption: &e}).DescribeEncryption(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
	if got := (Info{Algorithm: "Ed25519", Bits: 256}).Describe(); got != "Ed25519" {
		t.Errorf("Ed25519 described as %q", got)
	}
}
