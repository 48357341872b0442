package probe

import (
	"errors"
	"testing"
)

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		in   string
		host string
		port int
	}{
		{"db.example.com", "db.example.com", 5432},
		{"db.example.com:5433", "db.example.com", 5433},
		{"10.0.0.5:6432", "10.0.0.5", 6432},
		{"[::1]:5433", "::1", 5433},
		{"[::1]", "::1", 5432},
		{"::1", "::1", 5432},
		{"fe80::1", "fe80::1", 5432},
	} {
		host, port, err := ParseTarget(tc.in)
		if err != nil || host != tc.host || port != tc.port {
			t.Errorf("ParseTarget(%q) = %q, %d, %v; want %q, %d", tc.in, host, port, err, tc.host, tc.port)
		}
	}
	for _, in := range []string{"", ":5432", "db:", "db:0", "db:65536", "db:x", "[::1", "[::1]x", "[]:5432", "a:b:c"} {
		if _, _, err := ParseTarget(in); !errors.Is(err, ErrBadTarget) {
			t.Errorf("ParseTarget(%q) error = %v, want ErrBadTarget", in, err)
		}
	}
}
