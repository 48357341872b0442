package crl

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
)

func TestExplainSeveralProblems(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ce := &CheckError{Problems: []Problem{
		{Kind: UnknownIssuer, Files: []string{"a.crl"}, Issuer: "CN = A"},
		{Kind: Expired, Issuer: "CN = B", Time: now},
	}}
	err := ce.Explain(nil, "--ca", "renew it")
	var h *hint.Error
	if !errors.As(err, &h) {
		t.Fatalf("Explain = %T, want a hint.Error", err)
	}
	want := "2 problems:\n  a.crl: the CRL of CN = A was not issued by any CA in --ca\n  a CRL file: the CRL of CN = B expired on 2026-01-01T00:00:00Z"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want it to start with %q", err.Error(), want)
	}
	if len(h.Hints) != 1 || h.Hints[0] != "renew it" {
		t.Errorf("hints %q, want the last stage's", h.Hints)
	}
}
