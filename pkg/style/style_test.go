package style

import "testing"

func TestPlainIsIdentity(t *testing.T) {
	for _, f := range []func(string) string{Plain.Green, Plain.Yellow, Plain.Red, Plain.Bold} {
		if got := f("error: x"); got != "error: x" {
			t.Errorf("Plain painted %q as %q", "error: x", got)
		}
	}
}
