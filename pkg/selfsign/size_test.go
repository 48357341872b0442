package selfsign

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// TestAbsurdSizesRefused asks for a certificate with 10,000 host names, and reports a
// subject part of 100 KB: the first is refused, the second named in a short message.
func TestAbsurdSizesRefused(t *testing.T) {
	var sans SANs
	for i := range 10000 {
		sans.DNS = append(sans.DNS, fmt.Sprintf("host%d.example.com", i))
	}
	key := testpki.KeyOf(t, testpki.P256)
	_, err := Build(Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=db.example.com"), SANs: sans, Now: testNow}, nil, key, key.Public())
	var se *SpecError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "handshake") {
		t.Fatalf("10,000 names: %v", err)
	}
	msg := (&SubjectError{Part: "CN=" + strings.Repeat("s", 100<<10), Reason: "too long"}).Error()
	if len(msg) > 200 || !strings.Contains(msg, "102403 bytes") {
		t.Fatalf("message of %d bytes: %.300s", len(msg), msg)
	}
}
