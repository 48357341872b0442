package probe

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// TestEdDSASigned: Ed25519 and Ed448 signatures are EdDSA, an Ed25519 key signed
// with ECDSA is not.
func TestEdDSASigned(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edRoot := testpki.Make(t, testpki.Template{CN: "ed root", IsCA: true, MaxPath: -1, Key: edKey}, nil)
	ecRoot := testpki.Root(t, "ec root")
	edSigned := testpki.Make(t, testpki.Template{CN: "db"}, edRoot).Cert
	edKeyed := testpki.Make(t, testpki.Template{CN: "db", Key: edKey}, ecRoot).Cert
	if !EdDSASigned(edSigned) || EdDSASigned(edKeyed) || EdDSASigned(ecRoot.Cert) {
		t.Errorf("Ed25519-signed %v, Ed25519 key %v, ECDSA %v", EdDSASigned(edSigned), EdDSASigned(edKeyed), EdDSASigned(ecRoot.Cert))
	}
	// Ed448 (1.3.101.113), which crypto/x509 does not know: the same certificate
	// with the signature algorithm's OID changed (the leaf's key is ECDSA, so the
	// OID appears only as the signature algorithm, in and after the TBS).
	der := bytes.ReplaceAll(edSigned.Raw, []byte{6, 3, 0x2b, 0x65, 0x70}, []byte{6, 3, 0x2b, 0x65, 0x71})
	ed448, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if ed448.SignatureAlgorithm != x509.UnknownSignatureAlgorithm || !EdDSASigned(ed448) {
		t.Errorf("Ed448: %v, %v", ed448.SignatureAlgorithm, EdDSASigned(ed448))
	}
}
