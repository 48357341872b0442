package metrics

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadFileIgnoresWhatItCannotParse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.prom")
	if err := os.WriteFile(path, []byte("not { metrics\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fams := ReadFile(path); fams != nil {
		t.Errorf("ReadFile of a damaged file = %v, want nil", fams)
	}
}
