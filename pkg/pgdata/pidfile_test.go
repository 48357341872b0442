package pgdata

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pg15PIDFile is a postmaster.pid as PostgreSQL 15 writes it (the status padded to
// eight characters).
const pg15PIDFile = "4242\n/var/lib/postgresql/15/main\n1717243200\n5433\n/var/run/postgresql\n127.0.0.1\n  5432001    163840\nready   \n"

func TestParsePIDFile(t *testing.T) {
	p, err := ParsePIDFile([]byte(pg15PIDFile))
	if err != nil {
		t.Fatal(err)
	}
	want := PIDFile{PID: 4242, DataDir: "/var/lib/postgresql/15/main", Port: 5433, SocketDir: "/var/run/postgresql", ListenAddr: "127.0.0.1", Status: "ready"}
	if *p != want {
		t.Fatalf("got %+v, want %+v", *p, want)
	}

	// A server still starting has written only the first lines.
	p, err = ParsePIDFile([]byte("77\n/data\n1717243200\n5432\n\n"))
	if err != nil || p.PID != 77 || p.Port != 5432 || p.SocketDir != "" || p.ListenAddr != "" || p.Status != "" {
		t.Fatalf("early file: %+v, %v", p, err)
	}
	// A standalone backend writes its PID negated.
	p, err = ParsePIDFile([]byte("-91\n/data\n"))
	if err != nil || p.PID != 91 || !p.Standalone {
		t.Fatalf("standalone: %+v, %v", p, err)
	}
	// listen_addresses = '*'.
	if p, _ := ParsePIDFile([]byte("5\n/d\n1\n5432\n/tmp\n*\n\nready   \n")); p.ListenAddr != "*" {
		t.Fatalf("listen address %q", p.ListenAddr)
	}

	for _, bad := range []struct {
		data string
		line int
	}{
		{"", 1}, {"abc\n", 1}, {"0\n", 1}, {"12\n/d\n1\nport\n", 4}, {"12\n/d\n1\n70000\n", 4},
		{strings.Repeat("1", maxPIDFileSize+1), 1},
	} {
		_, err := ParsePIDFile([]byte(bad.data))
		var pe *PIDFileError
		if !errors.As(err, &pe) || pe.Line != bad.line {
			t.Errorf("%.20q: %v, want an error on line %d", bad.data, err, bad.line)
		}
	}
}

func TestReadPIDFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadPIDFile(dir); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("no file: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, PIDFileName), []byte(pg15PIDFile), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := ReadPIDFile(dir)
	if err != nil || p.PID != 4242 {
		t.Fatalf("%+v, %v", p, err)
	}
}

func FuzzParsePIDFile(f *testing.F) {
	for _, s := range []string{pg15PIDFile, "-91\n/data\n", "1\n\n\n\n\n\n\n\n\n", "12\r\n/d\r\n1\r\n5432\r\n", "x", "99999999999999999999\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePIDFile(data)
		if err != nil {
			var pe *PIDFileError
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("error %v is not a *PIDFileError", err)
			}
			return
		}
		if p.PID <= 0 || p.Port < 0 || p.Port > 65535 || strings.ContainsAny(p.ListenAddr+p.Status, "\n") {
			t.Fatalf("parsed %+v", p)
		}
	})
}
