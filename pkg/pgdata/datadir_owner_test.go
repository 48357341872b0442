package pgdata

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInspectDataDirectoryOfAnother: run as root, -D names a configuration
// directory that the database user may write (Debian's /etc/postgresql/15/main
// belongs to postgres), whose data_directory names a directory of root's. The data
// directory decides whose files pgcert may change (its owner's), so a setting of
// the database user's must not make a directory of root's the data directory: the
// setting is refused. Naming a directory of theirs is followed.
func TestInspectDataDirectoryOfAnother(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to give the configuration to another user")
	}
	data := tree(t, map[string]string{"PG_VERSION": "15\n", "global/pg_control": "x"})
	conf := tree(t, map[string]string{"postgresql.conf": "data_directory = '" + data + "'\n"})
	for _, p := range []string{conf, filepath.Join(conf, ConfFileName)} {
		if err := os.Chown(p, 4242, 4242); err != nil {
			t.Fatal(err)
		}
	}
	d, err := Inspect(conf)
	if !errors.Is(err, ErrDataDirOwner) || !strings.Contains(err.Error(), data) {
		t.Fatalf("want ErrDataDirOwner naming %s, got %v, %+v", data, err, d)
	}
	if err := os.Chown(data, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	if d, err := Inspect(conf); err != nil || d.Dir != data {
		t.Fatalf("a data directory of the configuration's owner: %v, %+v", err, d)
	}
}
