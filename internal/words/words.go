// Package words holds the few ways pgcert puts things into words that every package
// shares: counts, dates, distances in days, and words quoted for a shell. One home,
// so that check, renew, probe and the commands never say the same thing two ways.
package words

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Plural counts n things: "1 day", "3 days".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Date is t's date in UTC, as pgcert prints dates: 2026-12-06.
func Date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// DaysLeft is the number of whole days from now until t, rounded toward zero (see
// inspect.DaysLeft, which every command uses).
func DaysLeft(t, now time.Time) int { return int(t.Sub(now) / (24 * time.Hour)) }

// When says how far t is from now: "in 12 days", "within a day", "today",
// "3 days ago".
func When(t, now time.Time) string {
	d := DaysLeft(t, now)
	switch {
	case d == 0 && t.After(now):
		return "within a day"
	case d == 0:
		return "today"
	case d == 1:
		return "in 1 day"
	case d > 1:
		return fmt.Sprintf("in %d days", d)
	case d == -1:
		return "1 day ago"
	}
	return fmt.Sprintf("%d days ago", -d)
}

// shellSafe matches words a POSIX shell reads as themselves.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// ShellWord quotes s for a POSIX shell when it needs it: every command pgcert prints
// for people to run must work when pasted.
func ShellWord(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// TimeLayout is how pgcert prints a moment for people: UTC, to the second.
const TimeLayout = "2006-01-02 15:04:05 MST"

// List joins items with commas, or says "(none)": a report line never ends empty.
func List(items []string) string {
	if len(items) == 0 {
		return "(none)"
	}
	return strings.Join(items, ", ")
}

// OrNone is s, or "(none)" when s is empty.
func OrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Thousands writes n with a comma between groups of three digits: 16,383.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// LowerFirst lowers the first letter of a message that goes after a colon, as
// pgcert's messages are, leaving acronyms (PEM, DER, "OpenSSL"-like words with a
// second capital) alone; messages from the standard library mostly are already.
func LowerFirst(s string) string {
	if s == "" || strings.HasPrefix(s, "PEM") || strings.HasPrefix(s, "DER") {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' {
		return s
	}
	return strings.ToLower(string(r[:1])) + string(r[1:])
}

// More says how many other files there are, after the one a message names: ""
// for none.
func More(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" (and %d other file(s))", n)
}

// And joins names as a sentence does: "a", "a and b", "a, b and c".
func And(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
