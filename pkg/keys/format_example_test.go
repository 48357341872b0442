package keys_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"fmt"

	"github.com/pgcert/pgcert/pkg/keys"
)

func ExampleMarshal() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pass := []byte("correct horse")
	for _, f := range []keys.Format{keys.FormatPKCS8PEM, keys.FormatTraditional} {
		data, _ := keys.Marshal(key, pass, f, nil)
		block, _ := pem.Decode(data)
		fmt.Printf("%s: %s, Proc-Type %q\n", f, block.Type, block.Headers["Proc-Type"])
	}
	der, _ := keys.Marshal(key, pass, keys.FormatPKCS8DER, nil)
	info, _ := keys.Inspect(der)
	fmt.Printf("der: %s %s, encrypted %v\n", info.Container, info.Encoding, info.Encrypted)
	// Output:
	// pkcs8: ENCRYPTED PRIVATE KEY, Proc-Type ""
	// traditional: EC PRIVATE KEY, Proc-Type "4,ENCRYPTED"
	// der: PKCS#8 DER, encrypted true
}
