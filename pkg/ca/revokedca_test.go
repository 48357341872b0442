package ca

import (
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// TestRevokedIntermediateIssuesNothing: once the root revokes the intermediate, the
// intermediate signs nothing more and says why; nothing is added to its index.
func TestRevokedIntermediateIssuesNothing(t *testing.T) {
	c := newCA(t, CreateOptions{Intermediate: true})
	issueClient(t, c, "before")
	if _, err := c.Revoke(c.Cert.SerialNumber, ReasonKeyCompromise, testNow); err != nil {
		t.Fatal(err)
	}
	before := len(readIndexFile(t, c.Dir))
	_, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("after"), PublicKey: testpki.NewKey(t).Public(), Now: testNow})
	var re *RevokedCAError
	if !errors.As(err, &re) || re.Reason != ReasonKeyCompromise || re.CA != c.Cert.Subject.String() {
		t.Fatalf("issue under a revoked intermediate: %v, want a RevokedCAError", err)
	}
	if after := len(readIndexFile(t, c.Dir)); after != before {
		t.Errorf("the index went from %d to %d lines", before, after)
	}
	// A CA whose parent revoked another certificate still issues.
	d := newCA(t, CreateOptions{Intermediate: true})
	is := issueClient(t, d, "x")
	if _, err := d.Revoke(is.Cert.SerialNumber, ReasonSuperseded, testNow); err != nil {
		t.Fatal(err)
	}
	issueClient(t, d, "y")
}

// TestCRLAfterALaterRevocation: a CRL made with a clock read before another run
// revoked a certificate (the run waited for the lock meanwhile) still signs, with
// thisUpdate raised to that revocation, instead of failing.
func TestCRLAfterALaterRevocation(t *testing.T) {
	c := newCA(t, CreateOptions{})
	is := issueClient(t, c, "late")
	later := testNow.Add(10 * time.Second)
	if _, err := c.Revoke(is.Cert.SerialNumber, ReasonSuperseded, later); err != nil {
		t.Fatal(err)
	}
	res, err := c.GenerateCRL(CRLOptions{Now: testNow})
	if err != nil {
		t.Fatalf("GenerateCRL with a clock before the revocation: %v", err)
	}
	rl, err := x509.ParseRevocationList(res.Signed.DER())
	if err != nil {
		t.Fatal(err)
	}
	if !rl.ThisUpdate.Equal(later.UTC().Truncate(time.Second)) || len(rl.RevokedCertificateEntries) != 1 {
		t.Errorf("thisUpdate %v, want %v; %d entries", rl.ThisUpdate, later, len(rl.RevokedCertificateEntries))
	}
}
