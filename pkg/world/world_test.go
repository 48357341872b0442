package world

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/lintcert"
	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
)

// testSpec is a small world: a root, an intermediate, a server and a client under
// it, a CRL of each CA, bundles and a hashed CRL directory.
const testSpec = `
defaults:
  not_before: 2024-01-01T00:00:00Z
  days: 3650
certs:
  root: {subject: /CN=Test root, ca: true}
  inter: {issuer: root, subject: /CN=Test intermediate, ca: true, pathlen: 0}
  server:
    issuer: inter
    subject: /CN=db.example.com/O=Example
    san: [DNS:db.example.com, IP:192.0.2.10]
    ext_key_usage: [serverAuth]
  client:
    issuer: inter
    subject: /CN=alice
    ext_key_usage: [clientAuth]
  revoked: {issuer: inter, subject: /CN=mallory, serial: 4242}
crls:
  root: {issuer: root, this_update: 2024-06-01T00:00:00Z}
  inter:
    issuer: inter
    number: 7
    this_update: 2024-06-01T00:00:00Z
    revoked: [{cert: revoked, date: 2024-05-01T00:00:00Z, reason: keyCompromise}]
files:
  certs/server.crt: {concat: [cert:server, cert:inter]}
  certs/root.crt: {cert: root}
  certs/inter.der: {cert: inter, format: der}
  keys/server.key: {key: server}
  keys/client.key: {key: client, format: encrypted, passphrase: secret}
  root+inter.crl: {concat: [crl:root, crl:inter]}
  crl.d: {crldir: [inter, root]}
`

func mustParse(t *testing.T, spec string) *Spec {
	t.Helper()
	s, err := Parse("pki.yaml", []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustMake(t *testing.T, spec, dir string) *Result {
	t.Helper()
	r, err := Make(mustParse(t, spec), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// rdnString is the subject as RFC 4514 writes it, in the certificate's order.
func rdnString(t *testing.T, c *x509.Certificate) string {
	t.Helper()
	var rdns pkix.RDNSequence
	if _, err := asn1.Unmarshal(c.RawSubject, &rdns); err != nil {
		t.Fatal(err)
	}
	return rdns.String()
}

func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMakeWorld(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	r := mustMake(t, testSpec, dir)
	if !r.Changed {
		t.Error("a new world is reported unchanged")
	}
	root, inter, server := r.Cert("root"), r.Cert("inter"), r.Cert("server")
	if err := inter.CheckSignatureFrom(root); err != nil {
		t.Errorf("intermediate not signed by the root: %v", err)
	}
	if err := server.CheckSignatureFrom(inter); err != nil {
		t.Errorf("server not signed by the intermediate: %v", err)
	}
	if inter.MaxPathLen != 0 || !inter.MaxPathLenZero || !inter.IsCA {
		t.Errorf("intermediate: IsCA %v pathlen %d", inter.IsCA, inter.MaxPathLen)
	}
	if got := rdnString(t, server); got != "O=Example,CN=db.example.com" {
		t.Errorf("server subject %q", got)
	}
	if len(server.DNSNames) != 1 || len(server.IPAddresses) != 1 || server.IPAddresses[0].String() != "192.0.2.10" {
		t.Errorf("server SANs %v %v", server.DNSNames, server.IPAddresses)
	}
	if c := r.Cert("client"); len(c.DNSNames) != 1 || c.DNSNames[0] != "alice" {
		t.Errorf("client SAN %v, want the CN copied", c.DNSNames)
	}
	if len(r.Certs) != 5 || r.Certs[4].Name != "revoked" || r.Certs[4].Serial != "1092" || r.Certs[4].Status != "made" ||
		r.Certs[2].Subject != "O=Example,CN=db.example.com" || r.Certs[2].Issuer != "inter" {
		t.Errorf("Certs: %+v", r.Certs)
	}
	if got := r.Cert("revoked").SerialNumber.Int64(); got != 4242 {
		t.Errorf("serial %d", got)
	}
	if !server.NotBefore.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) || !server.NotAfter.Equal(time.Date(2033, 12, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("validity %v - %v", server.NotBefore, server.NotAfter)
	}
	l := r.CRL("inter")
	if l.Number.Int64() != 7 || len(l.RevokedCertificateEntries) != 1 || l.RevokedCertificateEntries[0].SerialNumber.Int64() != 4242 || l.RevokedCertificateEntries[0].ReasonCode != 1 {
		t.Errorf("CRL: number %v entries %+v", l.Number, l.RevokedCertificateEntries)
	}
	if err := l.CheckSignatureFrom(inter); err != nil {
		t.Error(err)
	}

	files := readAll(t, dir)
	chainPEM := files["certs/server.crt"]
	var blocks []*x509.Certificate
	for rest := []byte(chainPEM); ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, c)
	}
	if len(blocks) != 2 || !blocks[0].Equal(server) || !blocks[1].Equal(inter) {
		t.Errorf("bundle is not server then intermediate")
	}
	if files["certs/inter.der"] != string(inter.Raw) {
		t.Error("DER certificate differs")
	}
	k, err := keys.Parse([]byte(files["keys/client.key"]), func() ([]byte, error) { return []byte("secret"), nil })
	if err != nil || !keys.PublicKeysEqual(k.Signer.Public(), r.Cert("client").PublicKey) {
		t.Errorf("encrypted client key: %v", err)
	}
	// The directory's names are OpenSSL's issuer hashes.
	for _, name := range []string{"inter", "root"} {
		h, err := crl.NameHash(r.Cert(name).RawSubject)
		if err != nil {
			t.Fatal(err)
		}
		if files[filepath.Join("crl.d", crl.DirName(h, 0))] == "" {
			t.Errorf("crl.d has no %s for %s", crl.DirName(h, 0), name)
		}
	}
	for path, mode := range map[string]os.FileMode{"keys/server.key": 0o600, "keys/client.key": 0o600, "certs/root.crt": 0o644, "crl.d": 0o755, StateFile: 0o600} {
		fi, err := os.Stat(filepath.Join(dir, path))
		if err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v (%v)", path, fi.Mode().Perm(), mode, err)
		}
	}
}

func TestMakeUnchangedTouchesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	mustMake(t, testSpec, dir)
	before := readAll(t, dir)
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := mustMake(t, testSpec, dir)
	if r.Changed {
		t.Error("an unchanged spec changed the world")
	}
	for _, f := range r.Files {
		if f.Status != "unchanged" {
			t.Errorf("%s: %s", f.Path, f.Status)
		}
	}
	fi2, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Sys().(*syscall.Stat_t).Ino != fi2.Sys().(*syscall.Stat_t).Ino {
		t.Error("the directory was replaced")
	}
	after := readAll(t, dir)
	if len(after) != len(before) {
		t.Fatalf("%d files, were %d", len(after), len(before))
	}
	for p, data := range before {
		if after[p] != data {
			t.Errorf("%s changed", p)
		}
	}
}

func TestMakeRemakesOnlyDependents(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	first := mustMake(t, testSpec, dir)
	before := readAll(t, dir)

	// A new subject for the intermediate: it, everything it signs and its CRLs
	// are remade; the keys and the root stay.
	changed := strings.Replace(testSpec, "/CN=Test intermediate", "/CN=Test intermediate 2", 1)
	second := mustMake(t, changed, dir)
	after := readAll(t, dir)
	if !second.Cert("root").Equal(first.Cert("root")) {
		t.Error("the root was remade")
	}
	if second.Cert("inter").Equal(first.Cert("inter")) || second.Cert("server").Equal(first.Cert("server")) {
		t.Error("the intermediate or the server certificate was not remade")
	}
	if !keys.PublicKeysEqual(second.Key("server").Public(), first.Key("server").Public()) {
		t.Error("the server key was regenerated")
	}
	certStatus := map[string]string{}
	for _, c := range second.Certs {
		certStatus[c.Name] = c.Status
	}
	if certStatus["root"] != "unchanged" || certStatus["inter"] != "made" || certStatus["client"] != "made" {
		t.Errorf("certificate status %v", certStatus)
	}
	status := map[string]string{}
	for _, f := range second.Files {
		status[f.Path] = f.Status
	}
	want := map[string]string{
		"certs/server.crt": "made", "certs/root.crt": "unchanged", "certs/inter.der": "made",
		"keys/server.key": "unchanged", "keys/client.key": "unchanged", "root+inter.crl": "made", "crl.d": "made",
	}
	for p, s := range want {
		if status[p] != s {
			t.Errorf("%s: %s, want %s", p, status[p], s)
		}
	}
	// The encrypted key, whose salt is random, is byte for byte the same.
	for _, p := range []string{"keys/client.key", "keys/server.key", "certs/root.crt"} {
		if before[p] != after[p] {
			t.Errorf("%s was rewritten", p)
		}
	}
}

func TestMakeFailureKeepsPreviousWorld(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "pki")
	mustMake(t, testSpec, dir)
	before := readAll(t, dir)

	broken := strings.Replace(testSpec, "revoked: {issuer: inter, subject: /CN=mallory, serial: 4242}",
		"revoked: {issuer: inter, subject: /CN=mallory, serial: 4242, not_before: 2030-01-01, not_after: 2029-01-01}", 1)
	_, err := Make(mustParse(t, broken), dir, Options{})
	var se *SpecError
	if !errors.As(err, &se) || se.Field != "certs.revoked" || !strings.Contains(err.Error(), "not_after is not after not_before") {
		t.Fatalf("got %v", err)
	}
	after := readAll(t, dir)
	if len(after) != len(before) {
		t.Errorf("%d files, were %d", len(after), len(before))
	}
	for p, data := range before {
		if after[p] != data {
			t.Errorf("%s changed", p)
		}
	}
	entries, err := os.ReadDir(parent)
	if err != nil || len(entries) != 1 {
		t.Errorf("left behind: %v %v", entries, err)
	}
}

func TestMakeRemovesFilesNotInSpec(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	mustMake(t, testSpec, dir)
	if err := os.WriteFile(filepath.Join(dir, "stray"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := mustMake(t, testSpec, dir)
	if !r.Changed {
		t.Error("a stray file left the world unchanged")
	}
	if _, err := os.Stat(filepath.Join(dir, "stray")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stray file: %v", err)
	}
}

func TestMakeRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "precious"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Make(mustParse(t, testSpec), dir, Options{}); !errors.Is(err, ErrNotWorld) {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "precious")); err != nil {
		t.Fatal(err)
	}
	if _, err := Make(mustParse(t, testSpec), dir, Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "precious")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("with Force: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	base := "certs:\n  ca: {subject: /CN=ca, ca: true}\n"
	cases := []struct{ spec, want string }{
		{"certs: [", "pki.yaml: "},
		{base, "files: nothing to write"},
		{base + "files: {}\n", "pki.yaml:3: files: nothing to write"},
		{base + "  x: {issuer: ca, subject: /CN=x, sans: []}\nfiles:\n  a: {cert: x}\n", "pki.yaml:3: certs.x.sans: unknown field"},
		{base + "  x: {issuer: nope, subject: /CN=x}\nfiles:\n  a: {cert: x}\n", "pki.yaml:3: certs.x.issuer: no certificate \"nope\""},
		{base + "  x: {issuer: ca, subject: /CN=x}\n  y: {issuer: x, subject: /CN=y}\nfiles:\n  a: {cert: y}\n", "pki.yaml:4: certs.y.issuer: \"x\" is not a CA"},
		{base + "  x:\n    issuer: ca\n    subject: /CN=x\n    san: [DNS:x, \"IP:300.1.1.1\"]\nfiles:\n  a: {cert: x}\n", "pki.yaml:6: certs.x.san: \"300.1.1.1\" is not an IP address"},
		{base + "  x:\n    issuer: ca\n    subject: /CN=x\n    san: [DNS:192.0.2.1]\nfiles:\n  a: {cert: x}\n", "pki.yaml:6: certs.x.san: an IP address in a dNSName is non-standard"},
		{base + "  x:\n    issuer: ca\n    subject: /CN=x\n    version: 1\nfiles:\n  a: {cert: x}\n", "pki.yaml:6: certs.x.version: a version 1 certificate is non-standard"},
		{base + "  x:\n    issuer: ca\n    subject: /CN=x\n    extensions: none\nfiles:\n  a: {cert: x}\n", "pki.yaml:6: certs.x.extensions: a certificate without extensions is non-standard"},
		{base + "  x:\n    issuer: ca\n    subject: /\n    san: []\nfiles:\n  a: {cert: x}\n", "pki.yaml:6: certs.x.san: a certificate with no names is non-standard"},
		{base + "  x: {issuer: ca, subject: /XX=x}\nfiles:\n  a: {cert: x}\n", "pki.yaml:3: certs.x.subject: "},
		{base + "  x: {issuer: ca, subject: /CN=x, key: rsa:1024}\nfiles:\n  a: {cert: x}\n", "certs.x.key: unknown key \"rsa:1024\""},
		{base + "files:\n  a: {key: ca, format: encrypted}\n", "pki.yaml:4: files.a.passphrase: the encrypted format needs a passphrase"},
		{base + "files:\n  ../a: {cert: ca}\n", "files.../a: want a relative path"},
		{base + "files:\n  a: {cert: ca}\n  a/b: {cert: ca}\n", "files.a/b: inside or around a"},
		{base + "files:\n  a: {concat: [cert:ca, crl:none]}\n", "files.a.concat: no CRL \"none\""},
		{base + "crls:\n  c: {issuer: ca, revoked: [{serial: 1, reason: bored}]}\nfiles:\n  a: {crl: c}\n", "pki.yaml:4: crls.c.revoked[0].reason: unknown reason \"bored\""},
		{base + "files:\n  .pgcert-make.json: {cert: ca}\n", "where the state of the world is kept"},
		{"certs:\n  ca: {subject: /CN=ca, ca: true, key: rsa-pss}\nfiles:\n  a: {cert: ca}\n", "pki.yaml:2: certs.ca.key: an RSA-PSS key cannot sign"},
	}
	for _, c := range cases {
		_, err := Parse("pki.yaml", []byte(c.spec))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("spec:\n%s\ngot %v, want %q", c.spec, err, c.want)
		}
	}
}

// nonStandard lists certificates only testing: true allows, which the test builds.
const nonStandard = `
certs:
  ca: {subject: /CN=ca, ca: true}
  no-names: {issuer: ca, subject: /, san: [], testing: true}
  ip-in-dns: {issuer: ca, subject: /OU=x, san: ["DNS:192.0.2.1"], testing: true}
  cn-only: {issuer: ca, subject: /CN=db.example.com/OU=x, san: [], testing: true}
  v1: {issuer: ca, subject: /O=PGDG/OU=Engineering+OU=Testing/CN=Οδυσσέας, version: 1, testing: true}
  bare: {issuer: ca, subject: /CN=bare, extensions: none, testing: true}
files:
  all.crt: {concat: [cert:no-names, cert:ip-in-dns, cert:cn-only, cert:v1, cert:bare]}
`

func TestNonStandardCertificates(t *testing.T) {
	r := mustMake(t, nonStandard, t.TempDir())
	if c := r.Cert("no-names"); len(c.Subject.Names) != 0 || len(c.DNSNames)+len(c.IPAddresses) != 0 {
		t.Errorf("no-names: %v %v", c.Subject, c.DNSNames)
	}
	if c := r.Cert("ip-in-dns"); len(c.DNSNames) != 1 || c.DNSNames[0] != "192.0.2.1" {
		t.Errorf("ip-in-dns: %v", c.DNSNames)
	}
	if c := r.Cert("cn-only"); len(c.DNSNames) != 0 || c.Subject.CommonName != "db.example.com" {
		t.Errorf("cn-only: %v %v", c.Subject, c.DNSNames)
	}
	v1 := r.Cert("v1")
	if v1.Version != 1 || len(v1.Extensions) != 0 {
		t.Errorf("v1: version %d, %d extensions", v1.Version, len(v1.Extensions))
	}
	// RFC 4514 order, last RDN first; a multi-valued RDN is a DER SET, sorted.
	if got := rdnString(t, v1); got != "CN=Οδυσσέας,OU=Testing+OU=Engineering,O=PGDG" {
		t.Errorf("v1 subject %q", got)
	}
	if c := r.Cert("bare"); c.Version != 3 || len(c.Extensions) != 0 {
		t.Errorf("bare: version %d, %d extensions", c.Version, len(c.Extensions))
	}
	for _, name := range []string{"no-names", "ip-in-dns", "cn-only", "v1", "bare"} {
		if err := r.Cert(name).CheckSignatureFrom(r.Cert("ca")); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestStandardCertificatesPassZlint(t *testing.T) {
	spec := testSpec + `
  p384.crt: {cert: p384}
  ed.crt: {cert: ed}
`
	spec = strings.Replace(spec, "crls:", `  p384: {issuer: root, subject: /CN=p384.example.com, key: ec:P-384}
  ed: {issuer: root, subject: /CN=ed.example.com, key: ed25519}
crls:`, 1)
	r := mustMake(t, spec, t.TempDir())
	for _, name := range []string{"root", "inter", "server", "client", "revoked", "p384", "ed"} {
		lintcert.Certificate(t, name, r.Cert(name).Raw)
	}
}

func TestKeyFormats(t *testing.T) {
	spec := `
certs:
  ec: {subject: /CN=ec}
  rsa: {subject: /CN=rsa, key: rsa:2048}
files:
`
	formats := map[string]string{"pkcs8": "", "pkcs8-der": "", "encrypted": "pw", "encrypted-der": "pw", "traditional": "", "traditional-der": "", "legacy-aes128": "pw", "legacy-aes192": "pw", "legacy-aes256": "pw"}
	for _, k := range []string{"ec", "rsa"} {
		for f, pw := range formats {
			spec += "  " + k + "." + f + ": {key: " + k + ", format: " + f
			if pw != "" {
				spec += ", passphrase: " + pw
			}
			spec += "}\n"
		}
	}
	dir := t.TempDir()
	r := mustMake(t, spec, dir)
	for _, k := range []string{"ec", "rsa"} {
		for f, pw := range formats {
			data, err := os.ReadFile(filepath.Join(dir, k+"."+f))
			if err != nil {
				t.Fatal(err)
			}
			key, err := keys.Parse(data, func() ([]byte, error) { return []byte(pw), nil })
			if err != nil {
				t.Errorf("%s.%s: %v", k, f, err)
				continue
			}
			if !keys.PublicKeysEqual(key.Signer.Public(), r.Cert(k).PublicKey) {
				t.Errorf("%s.%s: another key", k, f)
			}
			if encrypted := pw != ""; (key.Info.Encryption != nil) != encrypted {
				t.Errorf("%s.%s: encrypted %v", k, f, key.Info.Encryption != nil)
			}
		}
	}
}

func TestRSAPSSCertificate(t *testing.T) {
	dir := t.TempDir()
	mustMake(t, `
certs:
  pss: {subject: /CN=pss.example.com, key: rsa-pss:2048}
files:
  pss.crt: {cert: pss}
  pss.key: {key: pss}
`, dir)
	certPEM, err := os.ReadFile(filepath.Join(dir, "pss.crt"))
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, "pss.key"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.ParseRSAPSS(keyPEM); err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(certPEM)
	// The SubjectPublicKeyInfo and the signature are both id-RSASSA-PSS.
	pssOID := []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a}
	if n := bytes.Count(b.Bytes, pssOID); n != 3 {
		t.Errorf("id-RSASSA-PSS appears %d times, want 3 (signature twice, key once)", n)
	}
	testenv.RequireOpenSSL(t)
	out := testenv.OpenSSL(t, "verify", "-CAfile", filepath.Join(dir, "pss.crt"), filepath.Join(dir, "pss.crt"))
	if !bytes.Contains(out, []byte(": OK")) {
		t.Errorf("openssl verify: %s", out)
	}
	out = testenv.OpenSSL(t, "x509", "-noout", "-text", "-in", filepath.Join(dir, "pss.crt"))
	if !bytes.Contains(out, []byte("Public Key Algorithm: rsassaPss")) {
		t.Errorf("openssl x509: %s", out)
	}
	testenv.OpenSSL(t, "pkey", "-noout", "-in", filepath.Join(dir, "pss.key"))
}

// TestMakeInCurrentDirectory: "." is replaced from its parent, never from inside.
func TestMakeInCurrentDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	mustMake(t, testSpec, ".")
	if r := mustMake(t, testSpec, dir); r.Changed {
		t.Error("the same world through another path was remade")
	}
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil || len(entries) != 1 {
		t.Errorf("beside the world: %v %v", entries, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "certs", "server.crt")); err != nil {
		t.Error(err)
	}
}
