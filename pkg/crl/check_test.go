package crl_test

import (
	"crypto/x509"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/crl"
)

func parsedCRL(t *testing.T, der []byte) *x509.RevocationList {
	t.Helper()
	l, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestCheckStages: Check reports every problem of the first stage that has any, and
// names the files at fault.
func TestCheckStages(t *testing.T) {
	now := testpki.Now
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Inter")
	tampered := inter.CRL(t, 1, now.Add(-24*time.Hour), now.Add(30*24*time.Hour))
	tampered[len(tampered)-1] ^= 1 // the signature no longer verifies
	stranger := testpki.Root(t, "Stranger")
	day := 24 * time.Hour
	good := func(c *testpki.Cert, n int64) *x509.RevocationList {
		return parsedCRL(t, c.CRL(t, n, now.Add(-day), now.Add(30*day)))
	}
	cas := []*x509.Certificate{root.Cert, inter.Cert}
	kinds := func(err error) (out []crl.ProblemKind, files [][]string) {
		var ce *crl.CheckError
		if !errors.As(err, &ce) {
			t.Fatalf("not a *CheckError: %v", err)
		}
		for _, p := range ce.Problems {
			out, files = append(out, p.Kind), append(files, p.Files)
		}
		return out, files
	}

	for _, tc := range []struct {
		name   string
		inputs []crl.Input
		want   []crl.ProblemKind
		files  [][]string
	}{
		{"signature first", []crl.Input{
			{parsedCRL(t, tampered), "tampered.crl"}, {good(stranger, 1), "stranger.crl"},
			{parsedCRL(t, inter.CRL(t, 1, now.Add(-40*day), now.Add(-10*day))), "expired.crl"},
		}, []crl.ProblemKind{crl.BadSignature, crl.UnknownIssuer}, [][]string{{"tampered.crl"}, {"stranger.crl"}}},
		{"out of date", []crl.Input{
			{good(root, 1), "root.crl"},
			{parsedCRL(t, inter.CRL(t, 1, now.Add(-40*day), now.Add(-10*day))), "expired.crl"},
		}, []crl.ProblemKind{crl.Expired}, [][]string{{"expired.crl"}}},
		{"a CA without a CRL", []crl.Input{{good(root, 1), "root.crl"}}, []crl.ProblemKind{crl.NoCRL}, [][]string{nil}},
	} {
		_, err := crl.Check(tc.inputs, cas, now, false)
		got, files := kinds(err)
		if !slices.Equal(got, tc.want) || len(files) != len(tc.files) {
			t.Errorf("%s: kinds %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range files {
			if !slices.Equal(files[i], tc.files[i]) {
				t.Errorf("%s: problem %d names %v, want %v", tc.name, i, files[i], tc.files[i])
			}
		}
	}

	checked, err := crl.Check([]crl.Input{{good(root, 1), "a.crl"}, {good(inter, 1), "b.crl"}, {good(inter, 2), "c.crl"}}, cas, now, false)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, l := range checked.Merged.CRLs {
		kept = append(kept, checked.Source[l])
	}
	if !slices.Equal(kept, []string{"a.crl", "c.crl"}) || len(checked.Merged.Superseded) != 1 {
		t.Errorf("kept %v, superseded %d", kept, len(checked.Merged.Superseded))
	}
}
