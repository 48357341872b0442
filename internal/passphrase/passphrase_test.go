package passphrase

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Spec
		bad  bool
	}{
		{in: "pass:secret", want: Spec{KindPass, "secret"}},
		{in: "pass:a:b", want: Spec{KindPass, "a:b"}},
		{in: "env:PGPASS", want: Spec{KindEnv, "PGPASS"}},
		{in: "file:/tmp/x", want: Spec{KindFile, "/tmp/x"}},
		{in: "fd:3", want: Spec{KindFD, "3"}},
		{in: "stdin", want: Spec{Kind: KindStdin}},
		{in: "secret", bad: true},
		{in: "env:", bad: true},
		{in: "fd:x", bad: true},
		{in: "fd:-1", bad: true},
		{in: "http:x", bad: true},
	} {
		got, err := Parse(tc.in)
		if tc.bad {
			var se *SpecError
			if !errors.As(err, &se) {
				t.Errorf("Parse(%q) err = %v, want SpecError", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if s, _ := Parse("pass:hunter2"); strings.Contains(s.String(), "hunter2") {
		t.Errorf("String() reveals the passphrase: %s", s)
	}
}

func read(t *testing.T, spec string, env Env) (string, []Warning, error) {
	t.Helper()
	s, err := Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	b, w, err := s.Read(env)
	return string(b), w, err
}

func TestReadSources(t *testing.T) {
	dir := t.TempDir()
	private := filepath.Join(dir, "private")
	os.WriteFile(private, []byte("from file\r\nsecond line\n"), 0o600)
	public := filepath.Join(dir, "public")
	os.WriteFile(public, []byte("open"), 0o644)
	group := filepath.Join(dir, "group's")
	os.WriteFile(group, []byte("shared"), 0o640)
	env := Env{
		Getenv: func(k string) (string, bool) {
			if k == "SET" {
				return "from env", true
			}
			return "", false
		},
		Stdin: strings.NewReader("from stdin\nrest"),
		OpenFD: func(fd int) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader("from fd\n")), nil
		},
	}
	for _, tc := range []struct {
		spec, want string
		warn       string
	}{
		{"pass:xyzzy", "xyzzy", "process list"},
		{"env:SET", "from env", ""},
		{"file:" + private, "from file", ""},
		{"file:" + public, "open", "readable by other users"},
		{"file:" + group, "shared", "readable by other users (mode 0640); chmod 0600 '" + strings.ReplaceAll(group, "'", `'\''`) + "'"},
		{"fd:3", "from fd", ""},
		{"stdin", "from stdin", ""},
	} {
		got, warnings, err := read(t, tc.spec, env)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.spec, got, err, tc.want)
		}
		joined := ""
		for _, w := range warnings {
			joined += string(w)
		}
		if (tc.warn == "") != (joined == "") || !strings.Contains(joined, tc.warn) {
			t.Errorf("%s: warnings %q, want one containing %q", tc.spec, joined, tc.warn)
		}
		if strings.Contains(joined, tc.want) {
			t.Errorf("%s: a warning reveals the passphrase: %q", tc.spec, joined)
		}
	}
}

func TestReadErrors(t *testing.T) {
	env := Env{Getenv: func(string) (string, bool) { return "", false }, Stdin: strings.NewReader("\n")}
	for _, tc := range []struct{ spec, want string }{
		{"env:UNSET", "UNSET is not set"},
		{"file:/nonexistent/pass", "no such file"},
		{"stdin", "empty"},
		{"pass:", "empty"},
	} {
		_, _, err := read(t, tc.spec, env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.spec, err, tc.want)
		}
	}
	long := Env{Stdin: strings.NewReader(strings.Repeat("x", MaxLength+10))}
	if _, _, err := read(t, "stdin", long); err == nil {
		t.Error("an over-long line was accepted as a passphrase")
	}
}

func TestCheckNew(t *testing.T) {
	if err := CheckNew([]byte("abc")); err == nil {
		t.Error("a 3-character passphrase was accepted")
	}
	if err := CheckNew([]byte("abcd")); err != nil {
		t.Error(err)
	}
}
