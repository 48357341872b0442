package passphrase

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A file: source that is a FIFO is read, not refused: the deliberate exception to
// pgcert's rule of reading only regular files.
func TestFileSourceFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pass")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString("from-a-pipe\nsecond line\n")
		f.Close()
	}()
	pass, _, err := Spec{Kind: KindFile, Value: p}.Read(Env{})
	if err != nil || string(pass) != "from-a-pipe" {
		t.Errorf("Read(file:FIFO) = %q, %v; want the first line written to the pipe", pass, err)
	}
}
