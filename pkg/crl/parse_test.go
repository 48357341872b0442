package crl

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseCRLs(t *testing.T) {
	interPEM := readFixture(t, "inter.crl")
	tests := []struct {
		name    string
		data    []byte
		entries []int
	}{
		{"pem", interPEM, []int{12}},
		{"openssl crl -text", readFixture(t, "inter-text.crl"), []int{12}},
		{"der", readFixture(t, "inter.der"), []int{12}},
		{"several with certificates between", bytes.Join([][]byte{
			[]byte("a merged file\n"), readFixture(t, "root-1.crl"), readFixture(t, "root.pem"),
			readFixture(t, "inter-text.crl"), readFixture(t, "root-2.crl")}, nil), []int{0, 12, 0}},
		{"crlf", bytes.ReplaceAll(interPEM, []byte("\n"), []byte("\r\n")), []int{12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			crls, err := ParseCRLs(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if len(crls) != len(tt.entries) {
				t.Fatalf("%d CRLs, want %d", len(crls), len(tt.entries))
			}
			for i, c := range crls {
				if len(c.RevokedCertificateEntries) != tt.entries[i] {
					t.Errorf("CRL %d: %d entries, want %d", i, len(c.RevokedCertificateEntries), tt.entries[i])
				}
			}
		})
	}
}

func TestParseCRLsErrors(t *testing.T) {
	interPEM := readFixture(t, "inter.crl")
	broken := bytes.Replace(interPEM, []byte("MIIC"), []byte("M!IC"), 1)
	truncated := interPEM[:len(interPEM)-30]
	der := readFixture(t, "inter.der")
	tests := []struct {
		name  string
		data  []byte
		block int // -1: ErrNoCRL
	}{
		{"empty", nil, -1},
		{"blank", []byte("\n \n"), -1},
		{"certificates only", readFixture(t, "root.pem"), -1},
		{"bad base64 in second block", append(append([]byte{}, readFixture(t, "root-1.crl")...), broken...), 2},
		{"truncated block", append(append([]byte{}, readFixture(t, "root-1.crl")...), truncated...), 2},
		{"der garbage", []byte{0x30, 0x03, 1, 2, 3}, 0},
		{"der with trailing data", append(append([]byte{}, der...), 0), 0},
		{"certificate in a CRL block", bytes.ReplaceAll(readFixture(t, "root.pem"), []byte("CERTIFICATE"), []byte("X509 CRL")), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCRLs(tt.data)
			if tt.block < 0 {
				if !errors.Is(err, ErrNoCRL) {
					t.Fatalf("error %v, want ErrNoCRL", err)
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Block != tt.block {
				t.Fatalf("error %v, want a ParseError for block %d", err, tt.block)
			}
		})
	}
	var pe *ParseError
	if _, err := SplitCRLs(make([]byte, MaxCRLFileSize+1)); !errors.As(err, &pe) {
		t.Errorf("oversized input: %v", err)
	}
}
