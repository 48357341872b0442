package pgdata

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestInspect(t *testing.T) {
	t.Run("not a data directory", func(t *testing.T) {
		dir := t.TempDir()
		d, err := Inspect(dir)
		if err != nil {
			t.Fatal(err)
		}
		if d.IsDataDir || !d.VersionAssumed || d.Version != Newest || d.ConfigFile != "" ||
			!reflect.DeepEqual(d.Missing, []string{"PG_VERSION", "global/pg_control"}) {
			t.Errorf("%+v", d)
		}
	})
	t.Run("data directory", func(t *testing.T) {
		dir := tree(t, map[string]string{"PG_VERSION": "15\n", "global/pg_control": "x", "postgresql.conf": ""})
		d, err := Inspect(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDataDir || d.VersionAssumed || d.Version != (Version{Major: 15}) || d.ConfigFile != filepath.Join(dir, ConfFileName) || d.Dir != dir || d.ConfigDir != dir {
			t.Errorf("%+v", d)
		}
	})
	t.Run("old data directory without pg_control", func(t *testing.T) {
		dir := tree(t, map[string]string{"PG_VERSION": "9.6\n"})
		d, _ := Inspect(dir)
		if d.IsDataDir || d.Version != (Version{9, 6}) || !reflect.DeepEqual(d.Missing, []string{"global/pg_control"}) {
			t.Errorf("%+v", d)
		}
	})
	t.Run("configuration directory naming the data directory", func(t *testing.T) {
		data := tree(t, map[string]string{"PG_VERSION": "16\n", "global/pg_control": "x"})
		conf := tree(t, map[string]string{"postgresql.conf": "data_directory = '" + data + "'\n"})
		d, err := Inspect(conf)
		if err != nil {
			t.Fatal(err)
		}
		if d.Dir != data || d.ConfigDir != conf || d.ConfigFile != filepath.Join(conf, ConfFileName) || !d.IsDataDir || d.Version.Major != 16 {
			t.Errorf("%+v", d)
		}
	})
	t.Run("config_file from postmaster.opts", func(t *testing.T) {
		conf := tree(t, map[string]string{"postgresql.conf": ""})
		data := tree(t, map[string]string{"PG_VERSION": "15\n", "global/pg_control": "x",
			"postmaster.opts": `/usr/lib/postgresql/15/bin/postgres "-D" "/x" "-c" "config_file=` + filepath.Join(conf, ConfFileName) + `"` + "\n"})
		d, err := Inspect(data)
		if err != nil {
			t.Fatal(err)
		}
		if d.ConfigFile != filepath.Join(conf, ConfFileName) || d.Dir != data {
			t.Errorf("%+v", d)
		}
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := Inspect(filepath.Join(t.TempDir(), "nope")); err == nil {
			t.Error("missing directory")
		}
		f := tree(t, map[string]string{"f": ""})
		if _, err := Inspect(filepath.Join(f, "f")); err == nil {
			t.Error("a file")
		}
	})
}

func TestQuotedArgs(t *testing.T) {
	got := quotedArgs([]byte(`/bin/postgres "-D" "/a b/c"  -c x "unterminated`))
	want := []string{"/bin/postgres", "-D", "/a b/c", "-c", "x", "unterminated"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%q", got)
	}
}
