package prompt

import (
	"io"
	"os"
	"testing"
)

// TestCtrlDEndsAForm checks the reader survey's forms read the terminal through:
// Ctrl-D is the end of input, what was typed before it is read first.
func TestCtrlDEndsAForm(t *testing.T) {
	for _, tc := range []struct {
		typed, want string
	}{
		{"\x04", ""},
		{"ab\x04cd", "ab"},
		{"abc", "abc"},
	} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		w.WriteString(tc.typed)
		w.Close()
		got, err := io.ReadAll(&eofReader{File: r})
		r.Close()
		if err != nil || string(got) != tc.want {
			t.Errorf("typed %q: read %q, %v; want %q", tc.typed, got, err, tc.want)
		}
	}
}
