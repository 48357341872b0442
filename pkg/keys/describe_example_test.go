package keys_test

import (
	"fmt"
	"os"

	"github.com/pgcert/pgcert/pkg/keys"
)

func ExampleInfo_Describe() {
	fmt.Println(keys.Info{Algorithm: "ECDSA", Bits: 256, Curve: "P-256"}.Describe())
	fmt.Println(keys.Info{Algorithm: "RSA", Bits: 3072}.Describe())
	fmt.Println(keys.Info{Encrypted: true}.Describe())
	// Output:
	// ECDSA P-256
	// RSA 3072
	// unknown type (encrypted)
}

func ExampleInfo_DescribeEncryption() {
	info := keys.Info{Encrypted: true, Encryption: &keys.Encryption{
		Scheme: "PBES2", KDF: "PBKDF2", PRF: "HMAC-SHA256", Iterations: 600000, Cipher: "AES-256-CBC",
	}}
	fmt.Println(info.DescribeEncryption())
	fmt.Println(keys.Info{}.DescribeEncryption())
	// Output:
	// yes (PBES2, PBKDF2 HMAC-SHA256, 600000 iterations, AES-256-CBC)
	// no
}

func ExampleInfo_WriteText() {
	info := keys.Info{Algorithm: "ECDSA", Bits: 256, Curve: "P-256", Container: "PKCS#8", Encoding: "PEM", Fingerprint: "SHA256:abc"}
	info.WriteText(os.Stdout, "server.key")
	// Output:
	// server.key
	//   type:        ECDSA P-256
	//   format:      PKCS#8, PEM
	//   encrypted:   no
	//   fingerprint: SHA256:abc
}
