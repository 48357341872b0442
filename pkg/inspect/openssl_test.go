package inspect

import (
	"crypto/sha256"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
)

// opensslValues runs openssl and returns the values of its "name=value" lines.
func opensslValues(t *testing.T, args ...string) map[string]string {
	t.Helper()
	out := testenv.OpenSSL(t, args...)
	values := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, " ") {
			values[k] = v
		}
	}
	return values
}

// opensslExtension returns the value line of an extension as `openssl x509 -ext`
// prints it.
func opensslExtension(t *testing.T, file, inform, ext string) string {
	t.Helper()
	out := string(testenv.OpenSSL(t, "x509", "-in", file, "-inform", inform, "-noout", "-ext", ext))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 {
		return ""
	}
	return strings.TrimSpace(lines[1])
}

// opensslCRLSerials returns the serials openssl crl -text lists for the CRL der, in
// Describe's form.
func opensslCRLSerials(t *testing.T, der []byte) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "list.crl")
	if err := os.WriteFile(path, der, 0o644); err != nil {
		t.Fatal(err)
	}
	var serials []string
	for _, line := range strings.Split(string(testenv.OpenSSL(t, "crl", "-in", path, "-inform", "DER", "-noout", "-text")), "\n") {
		if s, ok := strings.CutPrefix(strings.TrimSpace(line), "Serial Number: "); ok {
			serials = append(serials, toSerialHex(s))
		}
	}
	return serials
}

// toSerialHex turns a serial as openssl prints it (x509 -serial and crl -text: hex,
// possibly with an odd number of digits) into Describe's form: upper-case hex, an even
// number of digits.
func toSerialHex(s string) string {
	s = strings.ToUpper(strings.ReplaceAll(s, ":", ""))
	if len(s)%2 == 1 {
		s = "0" + s
	}
	return s
}

func describeFile(t *testing.T, name string) []*Object {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	objs, err := Describe(data, time.Now())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return objs
}

// TestCertificatesAgreeWithOpenSSL describes openssl-made certificates, PEM with
// and without text, DER and TRUSTED CERTIFICATE, and checks every value openssl
// prints too against what openssl prints.
func TestCertificatesAgreeWithOpenSSL(t *testing.T) {
	t.Parallel()
	testenv.RequireOpenSSL(t)
	for _, tc := range []struct {
		file, inform, pemType string
	}{
		{"root.pem", "PEM", "CERTIFICATE"},
		{"root-text.pem", "PEM", "CERTIFICATE"},
		{"root-trusted.pem", "PEM", "TRUSTED CERTIFICATE"},
		{"server.pem", "PEM", "CERTIFICATE"},
		{"server.der", "DER", ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			objs := describeFile(t, tc.file)
			if len(objs) != 1 || objs[0].Type != TypeCertificate || objs[0].Encoding != tc.inform || objs[0].PEMType != tc.pemType {
				t.Fatalf("objects = %+v", objs)
			}
			c := objs[0].Certificate
			path := filepath.Join("testdata", tc.file)
			v := opensslValues(t, "x509", "-in", path, "-inform", tc.inform, "-noout", "-serial", "-fingerprint", "-sha256", "-subject", "-issuer")
			if want := toSerialHex(v["serial"]); c.Serial != want {
				t.Errorf("serial %q, openssl %q", c.Serial, want)
			}
			if want := v["sha256 Fingerprint"]; c.SHA256Fingerprint != want {
				t.Errorf("fingerprint %q, openssl %q", c.SHA256Fingerprint, want)
			}
			if c.Subject != v["subject"] || c.Issuer != v["issuer"] {
				t.Errorf("subject %q issuer %q, openssl %q %q", c.Subject, c.Issuer, v["subject"], v["issuer"])
			}
			if want := opensslExtension(t, path, tc.inform, "subjectKeyIdentifier"); c.SubjectKeyID != want {
				t.Errorf("SKID %q, openssl %q", c.SubjectKeyID, want)
			}
			if want := opensslExtension(t, path, tc.inform, "authorityKeyIdentifier"); c.AuthorityKeyID != want {
				t.Errorf("AKID %q, openssl %q", c.AuthorityKeyID, want)
			}
			pub := opensslPublicKeyFingerprint(t, "x509", "-in", path, "-inform", tc.inform, "-noout", "-pubkey")
			if c.PublicKey.Fingerprint != pub {
				t.Errorf("public key fingerprint %q, openssl %q", c.PublicKey.Fingerprint, pub)
			}
		})
	}
}

// opensslPublicKeyFingerprint runs openssl to print a PEM public key, then has
// openssl convert it to DER, and returns the fingerprint of that DER.
func opensslPublicKeyFingerprint(t *testing.T, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	pemFile := filepath.Join(dir, "pub.pem")
	if err := os.WriteFile(pemFile, testenv.OpenSSL(t, args...), 0o644); err != nil {
		t.Fatal(err)
	}
	derFile := filepath.Join(dir, "pub.der")
	testenv.OpenSSL(t, "pkey", "-pubin", "-in", pemFile, "-outform", "DER", "-out", derFile)
	der, err := os.ReadFile(derFile)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return "SHA256:" + hexColon(sum[:], true)
}

func TestServerCertificateExtensions(t *testing.T) {
	t.Parallel()
	c := describeFile(t, "server.pem")[0].Certificate
	want := SANs{
		DNS:   []string{"db.example.com", "localhost"},
		IP:    []string{"127.0.0.1", "2001:db8::5"},
		Email: []string{"dba@example.com"},
		URI:   []string{"https://db.example.com/"},
	}
	if strings.Join(c.SANs.Strings(), ",") != strings.Join(want.Strings(), ",") {
		t.Errorf("SANs = %v", c.SANs.Strings())
	}
	if strings.Join(c.KeyUsage, ",") != "digitalSignature" || strings.Join(c.ExtKeyUsage, ",") != "serverAuth,clientAuth" {
		t.Errorf("KU %v EKU %v", c.KeyUsage, c.ExtKeyUsage)
	}
	if c.BasicConstraints == nil || c.BasicConstraints.CA || c.BasicConstraints.PathLen != nil || c.BasicConstraints.Critical {
		t.Errorf("basic constraints %+v", c.BasicConstraints)
	}
	if c.SelfSigned || c.PublicKey.Algorithm != "ECDSA" || c.PublicKey.Curve != "P-256" || c.PublicKey.Bits != 256 {
		t.Errorf("self-signed %v, key %+v", c.SelfSigned, c.PublicKey)
	}
	if c.SignatureAlgorithm != "ECDSA-SHA256" {
		t.Errorf("signature algorithm %q", c.SignatureAlgorithm)
	}

	root := describeFile(t, "root.pem")[0].Certificate
	if !root.SelfSigned || root.BasicConstraints == nil || !root.BasicConstraints.CA || !root.BasicConstraints.Critical ||
		root.BasicConstraints.PathLen == nil || *root.BasicConstraints.PathLen != 1 {
		t.Errorf("root: self-signed %v, basic constraints %+v", root.SelfSigned, root.BasicConstraints)
	}
	if strings.Join(root.KeyUsage, ",") != "keyCertSign,cRLSign" || len(root.ExtKeyUsage) != 0 || root.ExtKeyUsage == nil {
		t.Errorf("root: KU %v EKU %#v", root.KeyUsage, root.ExtKeyUsage)
	}
	if root.Serial != "1000" {
		t.Errorf("root serial %q, want 1000 (4096)", root.Serial)
	}
}

func TestBundleListsEveryCertificate(t *testing.T) {
	t.Parallel()
	objs := describeFile(t, "bundle.pem")
	if len(objs) != 2 || objs[0].Certificate.Subject != "O = Inspect Test, CN = db.example.com" || objs[1].Certificate.Subject != "C = US, O = Inspect Test, CN = Inspect Root" {
		t.Fatalf("bundle: %+v", objs)
	}
}

func TestRequestAgreesWithOpenSSL(t *testing.T) {
	t.Parallel()
	testenv.RequireOpenSSL(t)
	for _, tc := range []struct{ file, inform string }{{"server.req", "PEM"}, {"server-req.der", "DER"}} {
		objs := describeFile(t, tc.file)
		if len(objs) != 1 || objs[0].Type != TypeRequest || objs[0].Encoding != tc.inform {
			t.Fatalf("%s: %+v", tc.file, objs)
		}
		r := objs[0].Request
		path := filepath.Join("testdata", tc.file)
		v := opensslValues(t, "req", "-in", path, "-inform", tc.inform, "-noout", "-subject")
		if r.Subject != v["subject"] || !r.SignatureValid {
			t.Errorf("%s: subject %q (openssl %q), signature valid %v", tc.file, r.Subject, v["subject"], r.SignatureValid)
		}
		if got := strings.Join(r.SANs.Strings(), ","); got != "DNS:db.example.com,DNS:localhost,IP:127.0.0.1,IP:2001:db8::5,email:dba@example.com,URI:https://db.example.com/" {
			t.Errorf("%s: SANs %s", tc.file, got)
		}
		pub := opensslPublicKeyFingerprint(t, "req", "-in", path, "-inform", tc.inform, "-noout", "-pubkey")
		if r.PublicKey.Fingerprint != pub {
			t.Errorf("%s: public key %q, openssl %q", tc.file, r.PublicKey.Fingerprint, pub)
		}
	}
}

func TestCRLAgreesWithOpenSSL(t *testing.T) {
	t.Parallel()
	testenv.RequireOpenSSL(t)
	for _, tc := range []struct{ file, inform string }{{"root.crl", "PEM"}, {"root-crl.der", "DER"}} {
		objs := describeFile(t, tc.file)
		if len(objs) != 1 || objs[0].Type != TypeCRL || objs[0].Encoding != tc.inform {
			t.Fatalf("%s: %+v", tc.file, objs)
		}
		c := objs[0].CRL
		path := filepath.Join("testdata", tc.file)
		v := opensslValues(t, "crl", "-in", path, "-inform", tc.inform, "-noout", "-crlnumber", "-fingerprint", "-sha256", "-lastupdate", "-nextupdate", "-issuer")
		if "0x"+toHex(c.Number) != strings.ToLower(v["crlNumber"]) {
			t.Errorf("%s: number %q, openssl %q", tc.file, c.Number, v["crlNumber"])
		}
		if c.SHA256Fingerprint != v["SHA2-256 Fingerprint"] {
			t.Errorf("%s: fingerprint %q, openssl %q", tc.file, c.SHA256Fingerprint, v["SHA2-256 Fingerprint"])
		}
		if got := c.ThisUpdate.Format(opensslTime); got != v["lastUpdate"] {
			t.Errorf("%s: this update %q, openssl %q", tc.file, got, v["lastUpdate"])
		}
		if c.NextUpdate == nil || c.NextUpdate.Format(opensslTime) != v["nextUpdate"] {
			t.Errorf("%s: next update %v, openssl %q", tc.file, c.NextUpdate, v["nextUpdate"])
		}
		if c.Issuer != v["issuer"] || c.EntryCount != 2 || c.Version != 2 {
			t.Errorf("%s: issuer %q (openssl %q), %d entries, version %d", tc.file, c.Issuer, v["issuer"], c.EntryCount, c.Version)
		}
		root := describeFile(t, "root.pem")[0].Certificate
		if c.AuthorityKeyID != root.SubjectKeyID {
			t.Errorf("%s: AKID %q, root's SKID %q", tc.file, c.AuthorityKeyID, root.SubjectKeyID)
		}
		var entries []CRLEntry
		if err := c.ScanEntries(func(e CRLEntry) error { entries = append(entries, e); return nil }); err != nil {
			t.Fatal(err)
		}
		text := string(testenv.OpenSSL(t, "crl", "-in", path, "-inform", tc.inform, "-noout", "-text"))
		server := describeFile(t, "server.pem")[0].Certificate
		if len(entries) != 2 || entries[0].Serial != "0102030405" || entries[0].Reason != "" ||
			entries[1].Serial != server.Serial || entries[1].Reason != "keyCompromise" {
			t.Fatalf("%s: entries %+v", tc.file, entries)
		}
		for _, e := range entries {
			if !strings.Contains(text, "Serial Number: "+strings.ToUpper(strings.ReplaceAll(e.Serial, ":", ""))) ||
				!strings.Contains(text, "Revocation Date: "+e.RevocationTime.Format(opensslTime)) {
				t.Errorf("%s: entry %+v is not in openssl's listing:\n%s", tc.file, e, text)
			}
		}
	}
}

// opensslTime is how openssl prints times (ASN1_TIME_print).
const opensslTime = "Jan _2 15:04:05 2006 GMT"

func toHex(decimal string) string {
	n, ok := new(big.Int).SetString(decimal, 10)
	if !ok {
		return "(" + decimal + ")"
	}
	s := n.Text(16)
	if len(s)%2 == 1 {
		s = "0" + s
	}
	return s
}

func TestKeysAgreeWithOpenSSL(t *testing.T) {
	t.Parallel()
	testenv.RequireOpenSSL(t)

	objs := describeFile(t, "ec-params.key")
	if len(objs) != 1 || objs[0].Type != TypePrivateKey || objs[0].PEMType != "EC PRIVATE KEY" {
		t.Fatalf("ec-params.key: the EC PARAMETERS block is not passed over: %+v", objs)
	}
	k := objs[0].PrivateKey
	want := opensslPublicKeyFingerprint(t, "pkey", "-in", filepath.Join("testdata", "ec-params.key"), "-pubout")
	if k.Algorithm != "ECDSA" || k.Curve != "P-256" || k.Encrypted || k.Fingerprint != want {
		t.Errorf("ec-params.key: %+v, openssl fingerprint %s", k, want)
	}

	enc := describeFile(t, "encrypted.key")[0].PrivateKey
	if !enc.Encrypted || enc.Encryption == nil || enc.Encryption.Cipher != "AES-256-CBC" || enc.Fingerprint != "" {
		t.Errorf("encrypted.key: %+v", enc)
	}

	pub := describeFile(t, "ec-pub.pem")[0]
	if pub.Type != TypePublicKey || pub.PublicKey.Fingerprint != want {
		t.Errorf("ec-pub.pem: %+v, want fingerprint %s", pub.PublicKey, want)
	}
	rsaPub := describeFile(t, "rsa-pub.pem")[0]
	wantRSA := opensslPublicKeyFingerprint(t, "rsa", "-RSAPublicKey_in", "-in", filepath.Join("testdata", "rsa-pub.pem"), "-pubout")
	if rsaPub.Type != TypePublicKey || rsaPub.PEMType != "RSA PUBLIC KEY" || rsaPub.PublicKey.Algorithm != "RSA" ||
		rsaPub.PublicKey.Bits != 2048 || rsaPub.PublicKey.Fingerprint != wantRSA {
		t.Errorf("rsa-pub.pem: %+v, want fingerprint %s", rsaPub.PublicKey, wantRSA)
	}
}
