package keys

import (
	"encoding/json"
	"testing"
)

// TestInfoJSON pins the JSON field names, which `--json` output makes an interface.
func TestInfoJSON(t *testing.T) {
	for file, want := range map[string]string{
		"ec-p256.pbes2-scrypt.pem": `{"algorithm":"","bits":0,"curve":"","container":"PKCS#8","encoding":"PEM","encrypted":true,` +
			`"encryption":{"scheme":"PBES2","kdf":"scrypt","prf":"","cipher":"AES-256-CBC","iterations":0,` +
			`"scrypt_n":16384,"scrypt_r":8,"scrypt_p":1,"salt_length":8},"fingerprint":""}`,
		"ed25519.pkcs8.der": `{"algorithm":"Ed25519","bits":256,"curve":"","container":"PKCS#8","encoding":"DER","encrypted":false,` +
			`"encryption":null,"fingerprint":"` + mustFingerprint(t, fixturePublicKey(t, "ed25519")) + `"}`,
	} {
		info, err := Inspect(readFixture(t, file))
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(info)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s:\n got %s\nwant %s", file, got, want)
		}
	}
}
