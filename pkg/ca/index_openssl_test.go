package ca

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

// opensslCA is an openssl ca set-up in a temporary directory.
type opensslCA struct {
	dir string
	ca  *testpki.Cert
}

func newOpenSSLCA(t *testing.T) *opensslCA {
	t.Helper()
	testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	ca := testpki.Root(t, "Index Test CA")
	files := map[string][]byte{
		"ca.crt":         ca.PEM(),
		"ca.key":         ca.KeyPEM(t),
		"crlnumber":      []byte("01\n"),
		"serial":         []byte("1000\n"),
		"index.txt":      nil,
		"index.txt.attr": Attr{}.Format(),
		"ca.cnf": []byte(fmt.Sprintf(`[ ca ]
default_ca = CA_default
[ CA_default ]
dir = %s
database = $dir/index.txt
new_certs_dir = $dir/newcerts
certificate = $dir/ca.crt
private_key = $dir/ca.key
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_days = 365
default_crl_days = 30
policy = policy_any
crl_extensions = crl_ext
[ policy_any ]
commonName = optional
[ crl_ext ]
authorityKeyIdentifier = keyid:always
`, dir)),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "newcerts"), 0o700); err != nil {
		t.Fatal(err)
	}
	return &opensslCA{dir: dir, ca: ca}
}

func (o *opensslCA) path(name string) string { return filepath.Join(o.dir, name) }

func (o *opensslCA) run(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("openssl", append([]string{"ca", "-config", o.path("ca.cnf")}, args...)...)
	out, err := cmd.CombinedOutput()
	// openssl ca -status exits 1 even when it found the serial.
	if err != nil && args[0] != "-status" {
		t.Fatalf("openssl ca %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (o *opensslCA) readIndex(t *testing.T) ([]byte, []*Entry) {
	t.Helper()
	data, err := os.ReadFile(o.path("index.txt"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ReadIndex(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return data, entries
}

// An index pgcert writes must be read by openssl ca -gencrl, -revoke and -status,
// and what openssl writes back must read as pgcert expects.
func TestOpenSSLReadsWrittenIndex(t *testing.T) {
	o := newOpenSSLCA(t)
	now := time.Now().UTC().Truncate(time.Second)
	revoked := now.Add(-time.Hour)
	compromise := now.Add(-48 * time.Hour)
	twenty := new(big.Int).SetBytes(bytes.Repeat([]byte{0xfe}, 20))

	type issued struct {
		cert  *testpki.Cert
		entry Entry
	}
	var all []issued
	add := func(serial *big.Int, subject *pkix.Name, e Entry) {
		c := testpki.Make(t, testpki.Template{CN: "leaf", Subject: subject, Serial: serial, NotAfter: now.Add(90 * 24 * time.Hour)}, o.ca)
		name, err := OneLineName(c.Cert.RawSubject)
		if err != nil {
			t.Fatal(err)
		}
		e.Expires, e.Serial, e.File, e.Subject = c.Cert.NotAfter, c.Cert.SerialNumber.Bytes(), []byte("unknown"), []byte(name)
		if e.Status == StatusRevoked {
			e.Revoked = revoked
		}
		all = append(all, issued{c, e})
	}
	for i, r := range Reasons {
		add(big.NewInt(int64(0x10+i)), nil, Entry{Status: StatusRevoked, Reason: r})
	}
	add(big.NewInt(0x20), nil, Entry{Status: StatusRevoked, Reason: ReasonNone})
	add(big.NewInt(0x21), nil, Entry{Status: StatusRevoked, Reason: ReasonCertificateHold, HoldInstruction: asn1.ObjectIdentifier{1, 2, 840, 10040, 2, 3}})
	add(big.NewInt(0x22), nil, Entry{Status: StatusRevoked, Reason: ReasonKeyCompromise, InvalidityDate: compromise})
	add(big.NewInt(0x23), nil, Entry{Status: StatusRevoked, Reason: ReasonCACompromise, InvalidityDate: compromise})
	add(big.NewInt(0x80), nil, Entry{Status: StatusRevoked, Reason: ReasonSuperseded}) // top bit set
	add(twenty, &pkix.Name{CommonName: "Zürich / a+b", Organization: []string{"Ex"}}, Entry{Status: StatusValid})
	add(big.NewInt(0x24), &pkix.Name{CommonName: "to revoke"}, Entry{Status: StatusValid})

	var index []byte
	for _, is := range all {
		var err error
		if index, err = AppendEntry(index, &is.entry); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(o.path("index.txt"), index, 0o600); err != nil {
		t.Fatal(err)
	}

	// gencrl: every revoked entry is listed with the reason openssl derives from it.
	o.run(t, "-gencrl", "-out", o.path("crl.pem"))
	crlPEM, err := os.ReadFile(o.path("crl.pem"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(crlPEM)
	crl, err := x509.ParseRevocationList(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]x509.RevocationListEntry{}
	for _, e := range crl.RevokedCertificateEntries {
		listed[e.SerialNumber.String()] = e
	}
	invalidityOID := asn1.ObjectIdentifier{2, 5, 29, 24}
	for _, is := range all {
		got, ok := listed[is.cert.Cert.SerialNumber.String()]
		if is.entry.Status != StatusRevoked {
			if ok {
				t.Errorf("serial %x listed but valid", is.entry.Serial)
			}
			continue
		}
		if !ok {
			t.Errorf("serial %x (%v) not listed", is.entry.Serial, is.entry.Reason)
			continue
		}
		wantReason := int(is.entry.Reason)
		if is.entry.Reason == ReasonNone {
			wantReason = 0
		}
		if got.ReasonCode != wantReason || !got.RevocationTime.Equal(revoked) {
			t.Errorf("serial %x: reason %d at %v, want %d at %v", is.entry.Serial, got.ReasonCode, got.RevocationTime, wantReason, revoked)
		}
		hasInvalidity := false
		for _, ext := range got.Extensions {
			if ext.Id.Equal(invalidityOID) {
				hasInvalidity = true
			}
		}
		if hasInvalidity != !is.entry.InvalidityDate.IsZero() {
			t.Errorf("serial %x: invalidity date extension %v", is.entry.Serial, hasInvalidity)
		}
	}
	if len(listed) != len(Reasons)+5 {
		t.Errorf("%d entries listed", len(listed))
	}

	// -status reads our serials and statuses.
	for _, is := range all {
		out := o.run(t, "-status", SerialHex(is.entry.Serial))
		want := map[Status]string{StatusValid: "Valid (V)", StatusRevoked: "Revoked (R)"}[is.entry.Status]
		if !strings.Contains(out, SerialHex(is.entry.Serial)+"="+want) {
			t.Errorf("status of %x: %s", is.entry.Serial, out)
		}
	}

	// -revoke rewrites the index; every other line must come back unchanged.
	last := all[len(all)-1]
	if err := os.WriteFile(o.path("leaf.pem"), last.cert.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	o.run(t, "-revoke", o.path("leaf.pem"), "-crl_compromise", "20240102030405Z")
	after, entries := o.readIndex(t)
	if len(entries) != len(all) {
		t.Fatalf("%d entries after revoke", len(entries))
	}
	beforeLines := strings.Split(string(index), "\n")
	afterLines := strings.Split(string(after), "\n")
	for i := range len(all) - 1 {
		if beforeLines[i] != afterLines[i] {
			t.Errorf("line %d changed:\n%s\n%s", i+1, beforeLines[i], afterLines[i])
		}
	}
	got := entries[len(entries)-1]
	if got.Status != StatusRevoked || got.Reason != ReasonKeyCompromise || !got.InvalidityDate.Equal(date("2024-01-02 03:04:05")) ||
		!bytes.Equal(got.Serial, last.entry.Serial) || !bytes.Equal(got.Subject, last.entry.Subject) {
		t.Errorf("revoked entry: %+v", got)
	}
}

func utf8Value(s string) asn1.RawValue {
	return asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte(s)}
}

func bmpValue(s string) asn1.RawValue {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return asn1.RawValue{Tag: asn1.TagBMPString, Bytes: b}
}

// OneLineName must give the subject field openssl ca writes for the same name.
func TestOneLineNameMatchesOpenSSL(t *testing.T) {
	o := newOpenSSLCA(t)
	cn := asn1.ObjectIdentifier{2, 5, 4, 3}
	ou := asn1.ObjectIdentifier{2, 5, 4, 11}
	atv := func(oid asn1.ObjectIdentifier, v asn1.RawValue) pkix.AttributeTypeAndValue {
		return pkix.AttributeTypeAndValue{Type: oid, Value: v}
	}
	names := []pkix.RDNSequence{
		{{atv(cn, utf8Value("plain"))}},
		{{atv(cn, utf8Value("Zürich 東京"))}},
		{{atv(cn, utf8Value(`a/b+c\d=e "q" <x>`))}},
		{{atv(cn, utf8Value("tab\there\x01\x7f"))}},
		{{atv(cn, bmpValue("Bmp 東"))}},
		{{atv(cn, asn1.RawValue{Tag: asn1.TagT61String, Bytes: []byte("caf\xe9")})}},
		{{atv(cn, utf8Value("multi")), atv(ou, utf8Value("valued"))}, {atv(asn1.ObjectIdentifier{2, 5, 4, 10}, utf8Value("Org"))}},
		{
			{atv(asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 25}, asn1.RawValue{Tag: asn1.TagIA5String, Bytes: []byte("org")})},
			{atv(asn1.ObjectIdentifier{2, 5, 4, 6}, asn1.RawValue{Tag: asn1.TagPrintableString, Bytes: []byte("FR")})},
			{atv(asn1.ObjectIdentifier{2, 5, 4, 8}, utf8Value("state"))},
			{atv(asn1.ObjectIdentifier{2, 5, 4, 7}, utf8Value("city"))},
			{atv(asn1.ObjectIdentifier{2, 5, 4, 5}, asn1.RawValue{Tag: asn1.TagPrintableString, Bytes: []byte("42")})},
			{atv(asn1.ObjectIdentifier{2, 5, 4, 12}, utf8Value("title"))},
			{atv(asn1.ObjectIdentifier{2, 5, 4, 42}, utf8Value("given"))},
			{atv(asn1.ObjectIdentifier{2, 5, 4, 4}, utf8Value("sur"))},
			{atv(asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, utf8Value("uid"))},
			{atv(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}, asn1.RawValue{Tag: asn1.TagIA5String, Bytes: []byte("a@b.c")})},
			{atv(asn1.ObjectIdentifier{2, 5, 4, 97}, utf8Value("VATFR-1"))},
			{atv(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3}, asn1.RawValue{Tag: asn1.TagPrintableString, Bytes: []byte("FR")})},
			{atv(asn1.ObjectIdentifier{1, 2, 3, 4}, utf8Value("private"))},
		},
	}
	for i, rdns := range names {
		raw, err := asn1.Marshal(rdns)
		if err != nil {
			t.Fatal(err)
		}
		csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{RawSubject: raw}, testpki.NewKey(t))
		if err != nil {
			t.Fatal(err)
		}
		req := o.path(fmt.Sprintf("req%d.pem", i))
		if err := os.WriteFile(req, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr}), 0o600); err != nil {
			t.Fatal(err)
		}
		o.run(t, "-batch", "-preserveDN", "-notext", "-in", req, "-out", o.path("out.pem"))
		_, entries := o.readIndex(t)
		want := string(entries[len(entries)-1].Subject)
		got, err := OneLineName(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("name %d: OneLineName = %s\n                openssl = %s", i, got, want)
		}
	}
}
