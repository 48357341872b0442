package ca

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzLineSerial checks that Revoke finds a line by the same serial ScanIndex reads
// from it, whatever the line holds, and that its quick test never rejects it.
func FuzzLineSerial(f *testing.F) {
	for _, seed := range []string{
		"V\t300101000000Z\t\t0A\tunknown\t/CN=a",
		"R\t300101000000Z\t250101000000Z,keyCompromise\t00FF\tunknown\t/CN=b/O=X\\tY",
		"E\t20500101000000Z\t\t1\tunknown\t/CN=c",
		"V\t300101000000Z\t\t-01\tunknown\t/CN=d",
		"V\t\t\t\t\t",
		"# comment\twith\ttabs\t0A\tx\ty",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			return
		}
		got := lineSerial(line)
		if got != "" && !serialFieldMay(line, strings.TrimLeft(got, "0")) {
			t.Fatalf("serialFieldMay(%q) rejects the line of serial %s", line, got)
		}
		entries, err := ReadIndex(bytes.NewReader(append(bytes.Clone(line), '\n')))
		if err != nil || len(entries) != 1 {
			return
		}
		if want := SerialHex(entries[0].Serial); got != want {
			t.Fatalf("lineSerial(%q) = %q, ScanIndex reads %q", line, got, want)
		}
	})
}
