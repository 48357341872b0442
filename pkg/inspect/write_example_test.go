package inspect_test

import (
	"os"
	"time"

	"github.com/pgcert/pgcert/pkg/inspect"
	"github.com/pgcert/pgcert/pkg/style"
)

func ExampleWriteText() {
	data, err := os.ReadFile("testdata/encrypted.key")
	if err != nil {
		panic(err)
	}
	objs, err := inspect.Describe(data, time.Now())
	if err != nil {
		panic(err)
	}
	inspect.WriteText(os.Stdout, []inspect.File{{Path: "server.key", Objects: objs}}, style.Plain)
	// Output:
	// server.key: private key (PEM "ENCRYPTED PRIVATE KEY")
	//   type:               unknown type (encrypted)
	//   format:             PKCS#8 PEM
	//   encrypted:          yes (PBES2, PBKDF2 HMAC-SHA256, 2048 iterations, AES-256-CBC)
	//   public key sha256:  (unknown until decrypted: pgcert key show --passin ...)
}

func ExampleWriteJSON() {
	data, err := os.ReadFile("testdata/ec-pub.pem")
	if err != nil {
		panic(err)
	}
	objs, err := inspect.Describe(data, time.Now())
	if err != nil {
		panic(err)
	}
	inspect.WriteJSON(os.Stdout, []inspect.File{{Path: "pub.pem", Objects: objs}})
	// Output:
	// {
	//   "files": [
	//     {
	//       "path": "pub.pem",
	//       "objects": [
	//         {
	//           "type": "public_key",
	//           "encoding": "PEM",
	//           "pem_type": "PUBLIC KEY",
	//           "public_key": {
	//             "algorithm": "ECDSA",
	//             "bits": 256,
	//             "curve": "P-256",
	//             "fingerprint": "SHA256:8D:57:31:2F:AB:99:FC:DD:69:B6:FA:88:D6:12:D7:D7:DA:0E:2D:FA:81:31:CD:9F:E6:94:62:5E:25:B2:11:DC"
	//           }
	//         }
	//       ]
	//     }
	//   ]
	// }
}
