package pgdata

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/pkg/keyperm"
)

func TestReadSetup(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "PG_VERSION"), []byte("15\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "postgresql.conf"), []byte("ssl = on\nssl_ca_file = 'root.crt'\nssl_crl_dir = 'crl.d'\n"), 0o600)
	s, err := ReadSetup(dir, keyperm.SystemLookup{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range s.Files() {
		got = append(got, f.Setting+"="+filepath.Base(f.Path))
	}
	want := "[ssl_cert_file=server.crt ssl_key_file=server.key ssl_ca_file=root.crt ssl_crl_dir=crl.d]"
	if g := fmt.Sprint(got); g != want {
		t.Errorf("Files() = %s, want %s", g, want)
	}
	s.Staged = map[string]string{"ssl_key_file": "/staged/server.key"}
	if f, ok := s.File("ssl_key_file"); !ok || f.Path != "/staged/server.key" || f.Value != "server.key" {
		t.Errorf("File(ssl_key_file) with staging = %+v, %v", f, ok)
	}
	if _, ok := s.File("ssl_crl_file"); ok {
		t.Error("File(ssl_crl_file) found an unset setting")
	}
	if s.DBUser.UID != uint32(os.Getuid()) {
		t.Errorf("DBUser = %+v, want the directory's owner %d", s.DBUser, os.Getuid())
	}
}

func TestReadSetupErrors(t *testing.T) {
	var se *SetupError
	_, err := ReadSetup(filepath.Join(t.TempDir(), "missing"), keyperm.SystemLookup{})
	if !errors.As(err, &se) || se.Kind != SetupNoDir {
		t.Errorf("missing directory: %v, want a SetupNoDir error", err)
	}
	empty := t.TempDir()
	_, err = ReadSetup(empty, keyperm.SystemLookup{})
	if !errors.As(err, &se) || se.Kind != SetupNoConfig || se.Dir == "" {
		t.Errorf("no postgresql.conf: %v, want a SetupNoConfig error naming the directory", err)
	}
}
