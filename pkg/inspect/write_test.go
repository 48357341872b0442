package inspect

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// brackets marks each painted word, so that a test sees what is painted how.
type brackets struct{}

func (brackets) Green(s string) string  { return "<g>" + s + "</g>" }
func (brackets) Yellow(s string) string { return "<y>" + s + "</y>" }
func (brackets) Red(s string) string    { return "<r>" + s + "</r>" }
func (brackets) Bold(s string) string   { return "<b>" + s + "</b>" }

func shownFile(t *testing.T, name string, now time.Time) File {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := Describe(data, now)
	if err != nil {
		t.Fatal(err)
	}
	return File{Path: name, Objects: objs}
}

func TestWriteTextCRLAndColours(t *testing.T) {
	now := time.Date(2026, 12, 27, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	if err := WriteText(&b, []File{shownFile(t, "root.crl", now), shownFile(t, "server.req", now)}, brackets{}); err != nil {
		t.Fatal(err)
	}
	want := `root.crl: <b>CRL</b> (PEM "X509 CRL")
  issuer:              C = US, O = Inspect Test, CN = Inspect Root
  number:              3
  this update:         2026-11-26 20:01:51 UTC
  next update:         2026-12-26 20:01:51 UTC <r>(expired less than a day ago)</r>
  signature:           ECDSA-SHA256
  authority key id:    C2:07:A7:F7:27:C1:CF:06:BE:E3:0E:BB:D5:B6:AD:99:8A:9F:3F:FA
  sha256 fingerprint:  EA:54:F2:9F:14:EC:23:23:88:D5:06:D0:1B:E1:68:3F:0C:88:3F:C6:97:0A:25:3D:CB:55:EA:29:16:4F:33:5E
  revoked:             2 certificates
    0102030405  revoked 2026-01-01 00:00:00 UTC
    7A3F0C5D9E1B2A4C6F8E0D1C2B3A4958  revoked 2026-11-26 20:01:51 UTC  keyCompromise

server.req: <b>certificate request</b> (PEM "CERTIFICATE REQUEST")
  subject:            O = Inspect Test, CN = db.example.com
  names (SAN):        DNS:db.example.com, DNS:localhost, IP:127.0.0.1, IP:2001:db8::5, email:dba@example.com, URI:https://db.example.com/
  public key:         ECDSA P-256
  signature:          ECDSA-SHA256, <g>valid (made with the key it carries)</g>
  public key sha256:  SHA256:8D:57:31:2F:AB:99:FC:DD:69:B6:FA:88:D6:12:D7:D7:DA:0E:2D:FA:81:31:CD:9F:E6:94:62:5E:25:B2:11:DC
`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriteTextBundleAndDays(t *testing.T) {
	now := time.Date(2029, 2, 10, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	if err := WriteText(&b, []File{shownFile(t, "bundle.pem", now)}, brackets{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"bundle.pem: <b>certificate 1 of ", "<y>(18 days left)</y>", "CA:TRUE"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	for _, c := range []struct {
		status string
		days   int
		want   string
	}{
		{Expired, -3, "<r>(expired 3 days ago)</r>"},
		{NotYetValid, 400, "<y>(not valid yet)</y>"},
		{Valid, 0, "<y>(less than a day left)</y>"},
		{Valid, 1, "<y>(1 day left)</y>"},
		{Valid, SoonDays, "<g>(30 days left)</g>"},
	} {
		if got := daysText(c.status, c.days, brackets{}); got != c.want {
			t.Errorf("daysText(%s, %d) = %q, want %q", c.status, c.days, got, c.want)
		}
	}
}

func TestWriteJSONStreamsCRLEntries(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	files := []File{shownFile(t, "root.crl", now), {Path: "b\xff", PathB64: "Yv8=", Objects: shownFile(t, "server.pem", now).Objects}}
	var b strings.Builder
	if err := WriteJSON(&b, files); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Files []struct {
			Path    string `json:"path"`
			PathB64 string `json:"path_b64"`
			Objects []struct {
				CRL *struct {
					Entries []CRLEntry `json:"entries"`
				} `json:"crl"`
				Certificate *Certificate `json:"certificate"`
			} `json:"objects"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if len(doc.Files) != 2 || doc.Files[1].PathB64 != "Yv8=" {
		t.Fatalf("files: %+v", doc.Files)
	}
	crl := doc.Files[0].Objects[0].CRL
	if crl == nil || len(crl.Entries) != 2 || crl.Entries[1].Reason != "keyCompromise" {
		t.Errorf("CRL entries: %+v", crl)
	}
	if c := doc.Files[1].Objects[0].Certificate; c == nil || c.Serial != "7A3F0C5D9E1B2A4C6F8E0D1C2B3A4958" {
		t.Errorf("certificate: %+v", c)
	}
	if strings.Contains(b.String(), "entries\\u0000") {
		t.Error("the entries mark was left in the document")
	}
}
