package words

import (
	"os/exec"
	"testing"
	"time"
)

func TestWhen(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{36 * time.Hour, "in 1 day"}, {12 * 24 * time.Hour, "in 12 days"}, {time.Hour, "within a day"},
		{0, "today"}, {-time.Hour, "today"}, {-25 * time.Hour, "1 day ago"}, {-72 * time.Hour, "3 days ago"},
	} {
		if got := When(now.Add(c.d), now); got != c.want {
			t.Errorf("When(now%+v) = %q, want %q", c.d, got, c.want)
		}
	}
	if Plural(1, "day", "days") != "1 day" || Plural(0, "day", "days") != "0 days" || Date(now) != "2026-12-06" {
		t.Error("Plural or Date")
	}
}

// TestShellWordRoundTrip gives each quoted word to a real shell and reads it back.
func TestShellWordRoundTrip(t *testing.T) {
	for _, s := range []string{"plain", "/tmp/a b", "it's", `$HOME`, "a;b", "-dash", "x\ny", ""} {
		out, err := exec.Command("sh", "-c", "printf %s "+ShellWord(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("ShellWord(%q) = %s: the shell read %q (%v)", s, ShellWord(s), out, err)
		}
	}
}

func TestListOrNone(t *testing.T) {
	if got := List(nil); got != "(none)" {
		t.Errorf("List(nil) = %q", got)
	}
	if got := List([]string{"a", "b"}); got != "a, b" {
		t.Errorf("List = %q", got)
	}
	if got := OrNone(""); got != "(none)" {
		t.Errorf("OrNone empty = %q", got)
	}
	if got := OrNone("x"); got != "x" {
		t.Errorf("OrNone = %q", got)
	}
}

func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{"": "", "Open failed": "open failed", "PEM block": "PEM block", "PGDATA unset": "PGDATA unset", "DER x": "DER x"} {
		if got := LowerFirst(in); got != want {
			t.Errorf("LowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMore(t *testing.T) {
	if got := More(0) + "|" + More(2); got != "| (and 2 other file(s))" {
		t.Errorf("More = %q", got)
	}
}
