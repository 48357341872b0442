package inspect

import (
	"strings"
	"testing"
	"time"
)

func TestExplainNamesTheFile(t *testing.T) {
	_, err := Describe([]byte("hello\n"), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	got := Explain("/tmp/notes.txt", err).Error()
	if !strings.HasPrefix(got, "/tmp/notes.txt: ") || strings.Contains(got, "inspect: ") {
		t.Errorf("Explain = %q, want the path first and no package prefix", got)
	}
}
