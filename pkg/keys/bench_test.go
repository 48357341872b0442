package keys

import (
	"fmt"
	"testing"
)

// BenchmarkDecrypt measures what a passphrase costs the server at start and libpq at
// every connection, at openssl's default iteration count, pgcert's, and OWASP's
// recommendation for PBKDF2-HMAC-SHA256; DefaultIterations' comment quotes it.
func BenchmarkDecrypt(b *testing.B) {
	key, err := Generate(GenerateOptions{Rand: seeded(1)})
	if err != nil {
		b.Fatal(err)
	}
	pass := func() ([]byte, error) { return []byte("correct horse"), nil }
	for _, iter := range []int{2048, DefaultIterations, 600_000} {
		data, err := MarshalEncryptedPKCS8PEM(key, []byte("correct horse"), EncryptOptions{Iterations: iter})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("iterations=%d", iter), func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse(data, pass); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseUnencrypted is the floor the KDF adds to.
func BenchmarkParseUnencrypted(b *testing.B) {
	data := readFixture(b, "ec-p256.pkcs8.pem")
	for b.Loop() {
		if _, err := Parse(data, nil); err != nil {
			b.Fatal(err)
		}
	}
}
