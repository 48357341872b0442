package ca

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func TestRevokeWith(t *testing.T) {
	now := time.Now()
	c, err := Create(filepath.Join(t.TempDir(), "ca"), CreateOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	other, err := Create(filepath.Join(t.TempDir(), "other"), CreateOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	issue := func(c *CA, cn string) *Issued {
		key, err := keys.Generate(keys.GenerateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		is, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: pkix.Name{CommonName: cn}.ToRDNSequence(), PublicKey: key.Public(), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return is
	}
	alice, bob, eve := issue(c, "alice"), issue(c, "bob"), issue(other, "eve")

	rv, err := c.RevokeWith(RevokeOptions{Certs: []*x509.Certificate{alice.Cert}, CertFile: "alice.crt", Reason: ReasonSuperseded, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rv.Report().WriteText(&b)
	if want := "revoked " + SerialHex(alice.Cert.SerialNumber.Bytes()) + " (/CN=alice), reason superseded, in " + c.Dir + "\n"; b.String() != want {
		t.Errorf("text %q, want %q", b.String(), want)
	}
	if _, err := c.RevokeWith(RevokeOptions{Serial: bob.Cert.SerialNumber, Now: now}); err != nil {
		t.Errorf("by serial: %v", err)
	}
	_, err = c.RevokeWith(RevokeOptions{Serial: bob.Cert.SerialNumber, Now: now})
	var ar *AlreadyRevokedError
	if !errors.As(err, &ar) || len(hintsOf(err)) != 1 {
		t.Errorf("revoked twice: %v", err)
	}
	_, err = c.RevokeWith(RevokeOptions{Certs: []*x509.Certificate{eve.Cert}, CertFile: "eve.crt", Now: now})
	if err == nil || err.Error() != "eve.crt was not issued by the CA in "+c.Dir {
		t.Errorf("another CA's certificate: %v", err)
	}
}
