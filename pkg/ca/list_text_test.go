package ca

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestListJSONAsListing: the streamed document is the one json.MarshalIndent makes
// of the whole Listing, for none, one and several certificates.
func TestListJSONAsListing(t *testing.T) {
	file := "newcerts/01.pem"
	at, reason := "2026-03-01T00:00:00Z", "superseded"
	all := []ListedCert{
		{Status: "valid", Serial: "01", Subject: `CN="q"<&>`, Expires: "2027-01-01T00:00:00Z", File: &file},
		{Status: "revoked", Serial: "02", Subject: "CN=b", Expires: "2027-01-01T00:00:00Z", RevokedAt: &at, Reason: &reason},
	}
	for n := range len(all) + 1 {
		var b strings.Builder
		w := NewListJSON(&b, "/ca dir")
		for i := range n {
			if err := w.Add(&all[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		want, _ := json.MarshalIndent(Listing{CADir: "/ca dir", Certificates: append([]ListedCert{}, all[:n]...)}, "", "  ")
		if b.String() != string(want)+"\n" {
			t.Errorf("%d certificates: got\n%s\nwant\n%s", n, b.String(), want)
		}
	}
}

// TestListTableColumnsOnlyGrow: a wider value in a later chunk widens its column
// from then on, never the rows already written.
func TestListTableColumnsOnlyGrow(t *testing.T) {
	var b strings.Builder
	w := NewListTable(&b)
	for range ListChunk {
		if err := w.Add(&ListedCert{Status: "valid", Serial: "01", Subject: "CN=a", Expires: "2027-01-01"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Add(&ListedCert{Status: "valid", Serial: "0123456789", Subject: "CN=b", Expires: "2027-01-01"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != ListChunk+2 {
		t.Fatalf("%d lines", len(lines))
	}
	if lines[1] != "valid   01      2027-01-01  -        CN=a" {
		t.Errorf("first chunk: %q", lines[1])
	}
	if last := lines[len(lines)-1]; last != "valid   0123456789  2027-01-01  -        CN=b" {
		t.Errorf("second chunk: %q", last)
	}
}
