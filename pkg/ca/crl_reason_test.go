package ca

import (
	"crypto/x509"
	"encoding/asn1"
	"testing"
	"time"
)

// oidReasonCode is the CRL entry extension RFC 5280 section 5.3.1 defines.
var oidReasonCode = asn1.ObjectIdentifier{2, 5, 29, 21}

// TestCRLEntryReasonEncoding checks the promise of CRLEntry on the CRL itself: a
// revocation with no reason, or the unspecified one, is encoded with no reasonCode
// extension at all (RFC 5280: unspecified SHOULD NOT be used, the extension is
// left out instead), and any other reason with its code.
func TestCRLEntryReasonEncoding(t *testing.T) {
	c := newCA(t, CreateOptions{})
	want := map[string]int{} // serial -> reason code, -1 for none
	at := testNow.Add(time.Minute)
	for i, r := range []Reason{ReasonNone, ReasonUnspecified, ReasonKeyCompromise, ReasonSuperseded} {
		is := issueClient(t, c, "r"+string(rune('a'+i)))
		if _, err := c.Revoke(is.Cert.SerialNumber, r, at); err != nil {
			t.Fatal(err)
		}
		code := int(r)
		if r == ReasonNone || r == ReasonUnspecified {
			code = -1
		}
		want[is.Cert.SerialNumber.String()] = code
	}
	res, err := c.GenerateCRL(CRLOptions{Now: at.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	list, err := x509.ParseRevocationList(res.Signed.DER())
	if err != nil {
		t.Fatal(err)
	}
	if len(list.RevokedCertificateEntries) != len(want) {
		t.Fatalf("the CRL lists %d entries, want %d", len(list.RevokedCertificateEntries), len(want))
	}
	for _, e := range list.RevokedCertificateEntries {
		code, ok := want[e.SerialNumber.String()]
		if !ok {
			t.Fatalf("unexpected entry %x", e.SerialNumber)
		}
		var found []int
		for _, ext := range e.Extensions {
			if ext.Id.Equal(oidReasonCode) {
				var v asn1.Enumerated
				if _, err := asn1.Unmarshal(ext.Value, &v); err != nil {
					t.Fatalf("%x: reasonCode %x: %v", e.SerialNumber, ext.Value, err)
				}
				found = append(found, int(v))
			}
		}
		switch {
		case code == -1 && len(found) != 0:
			t.Errorf("%x: encoded with reasonCode %v, want none", e.SerialNumber, found)
		case code != -1 && (len(found) != 1 || found[0] != code):
			t.Errorf("%x: encoded with reasonCode %v, want [%d]", e.SerialNumber, found, code)
		}
	}
}
