package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

// TestForeignDirectoryLinkRefused plants, in a sticky directory anyone may write to,
// a link to a victim's directory: owned by another user it is not followed by any
// write; owned by the running user it is.
func TestForeignDirectoryLinkRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		testenv.Missing(t, "giving a link to another user needs root")
	}
	root := t.TempDir()
	tmp := filepath.Join(root, "tmp")
	victim := filepath.Join(root, "victim")
	os.Mkdir(tmp, 0o755)
	os.Chmod(tmp, 0o777|os.ModeSticky)
	os.Mkdir(victim, 0o700)
	link := filepath.Join(tmp, "out")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(link, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	_, err := WriteFile(filepath.Join(link, "server.key"), []byte("key"), Options{Mode: KeyMode})
	var we *WriteError
	if !errors.As(err, &we) || !errors.Is(err, ErrForeignLink) {
		t.Fatalf("a write through another user's link: %v", err)
	}
	var txn Txn
	txn.Add(filepath.Join(link, "a"), []byte("a"), Options{Mode: PublicMode})
	if _, err := txn.Commit(); !errors.Is(err, ErrForeignLink) {
		t.Fatalf("a Txn through another user's link: %v", err)
	}
	if err := CheckDir(filepath.Join(link, "sub", "dir")); !errors.Is(err, ErrForeignLink) {
		t.Fatalf("a directory below the link: %v", err)
	}
	if entries, _ := os.ReadDir(victim); len(entries) != 0 {
		t.Fatalf("written into the victim's directory: %v", entries)
	}
	// The running user's own link is followed.
	if err := os.Lchown(link, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteFile(filepath.Join(link, "server.key"), []byte("key"), Options{Mode: KeyMode}); err != nil {
		t.Fatalf("a write through one's own link: %v", err)
	}
}
