package ca

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

// FuzzScanIndex feeds arbitrary bytes to ScanIndex. It must not panic, and every
// entry it reads that AppendEntry can write must read back the same.
func FuzzScanIndex(f *testing.F) {
	fixture, err := os.ReadFile("testdata/openssl-index.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixture)
	for _, line := range bytes.SplitAfter(fixture, []byte{'\n'}) {
		f.Add(line)
	}
	for _, s := range []string{
		"",
		"\n",
		"# comment\n",
		"V\t300101000000Z\t\t01\tun\\\tknown\t/CN=a\\\tb\t\n",
		"R\t300101000000Z\t250101000000Z,holdInstruction,1.2.3\t00FF\tunknown\t/CN=a\r\n",
		"R\t300101000000Z\t250101000000Z,CAkeyTime,20240101000000Z\tff\tunknown\t",
		"V\t20500229000000Z\t\t-01\tx\t/CN=x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var lines [][]byte
		err := ScanIndex(bytes.NewReader(data), func(e *Entry) error {
			line, err := AppendEntry(nil, e)
			if err != nil {
				return nil
			}
			lines = append(lines, line)
			back, err := ReadIndex(bytes.NewReader(line))
			if err != nil {
				t.Fatalf("rewritten line %q does not read: %v", line, err)
			}
			if len(back) != 1 || !reflect.DeepEqual(norm(*back[0]), norm(*e)) {
				t.Fatalf("line %q reads back as %+v, want %+v", line, back, e)
			}
			return nil
		})
		if err == nil {
			return
		}
		if _, ok := err.(*IndexError); !ok {
			t.Fatalf("error %T %v is not an *IndexError", err, err)
		}
	})
}
