package selfsign

import (
	"errors"
	"testing"

	"github.com/pgcert/pgcert/pkg/keys"
)

// TestRSAPSSSignerRefused: an RSA-PSS key that keys.Parse read is refused with
// ErrRSAPSSSigner, not crypto/x509's "signature returned by signer is invalid".
func TestRSAPSSSignerRefused(t *testing.T) {
	k, err := keys.GenerateRSAPSS(2048)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewRequest(k, nil, SANs{DNS: []string{"db.example.com"}}, nil); !errors.Is(err, ErrRSAPSSSigner) {
		t.Errorf("NewRequest: %v", err)
	}
	if _, err := Build(Spec{Profile: ServerLeaf, SANs: SANs{DNS: []string{"db.example.com"}}, Now: testNow, Days: 1}, nil, k, k.Public()); !errors.Is(err, ErrRSAPSSSigner) {
		t.Errorf("Build: %v", err)
	}
}
