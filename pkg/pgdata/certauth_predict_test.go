package pgdata

import (
	"crypto/x509"
	"errors"
	"testing"

	"github.com/pgcert/pgcert/pkg/hint"
)

func TestPredictCertAuthBadIdent(t *testing.T) {
	_, _, err := PredictCertAuth(&x509.Certificate{}, CertAuthOptions{Role: "app", Map: "m"}, "pg_ident.conf", []byte("m only-two-fields\n"))
	var h *hint.Error
	if !errors.As(err, &h) || len(h.Hints) != 1 {
		t.Fatalf("PredictCertAuth with a bad line = %v, want an error with a hint", err)
	}
}
