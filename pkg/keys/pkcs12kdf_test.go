package keys

import (
	"bytes"
	"crypto/sha1"
	"hash"
	"testing"
)

func sha1New() hash.Hash { return sha1.New() }

func TestBMPPassword(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []byte
	}{
		{"", []byte{0, 0}},
		{"ab", []byte{0, 'a', 0, 'b', 0, 0}},
		{"ä", []byte{0, 0xe4, 0, 0}},                // UTF-8 in, one UTF-16 unit out
		{"\xe4", []byte{0, 0xe4, 0, 0}},             // not UTF-8: taken as Latin-1
		{"€", []byte{0x20, 0xac, 0, 0}},             // beyond Latin-1
		{"😀", []byte{0xd8, 0x3d, 0xde, 0x00, 0, 0}}, // beyond the BMP: a surrogate pair
	} {
		if got := bmpPassword([]byte(tc.in)); !bytes.Equal(got, tc.want) {
			t.Errorf("bmpPassword(%q) = % x, want % x", tc.in, got, tc.want)
		}
	}
}

// TestPKCS12KDFLongOutput covers outputs longer than one hash, which the fixtures
// (24-byte 3DES keys from 20-byte SHA-1 blocks) reach only once.
func TestPKCS12KDFLongOutput(t *testing.T) {
	long := pkcs12KDF(sha1New, bmpPassword([]byte("pass")), []byte("saltsalt"), pkcs12KeyID, 3, 64)
	short := pkcs12KDF(sha1New, bmpPassword([]byte("pass")), []byte("saltsalt"), pkcs12KeyID, 3, 20)
	if len(long) != 64 || !bytes.Equal(long[:20], short) {
		t.Errorf("the first block changes with the output size")
	}
	if bytes.Equal(long[20:40], long[:20]) {
		t.Errorf("the second block repeats the first")
	}
	iv := pkcs12KDF(sha1New, bmpPassword([]byte("pass")), []byte("saltsalt"), pkcs12IVID, 3, 20)
	if bytes.Equal(iv, short) {
		t.Errorf("the key and IV diversifiers give the same output")
	}
}
