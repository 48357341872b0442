package pgdata

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestConfigFileTooLarge gives a postgresql.conf, an included file and a
// pg_hba.conf over the limit (sparse: nothing is written to disk): each is refused
// by name, never read.
func TestConfigFileTooLarge(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.conf")
	if err := os.WriteFile(huge, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, MaxConfigFileSize+1); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfigFile(huge, dir); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a huge postgresql.conf: %v", err)
	}
	conf := filepath.Join(dir, "postgresql.conf")
	os.WriteFile(conf, []byte("include_if_exists 'huge.conf'\nssl = on\n"), 0o600)
	if _, err := LoadConfigFile(conf, dir); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a huge include_if_exists file: %v", err)
	}
	if _, err := LoadHBA(huge, Version{Major: 15}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a huge pg_hba.conf: %v", err)
	}
}
