package rotate

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// durationDays is d in whole days, rounded to the nearest, for messages.
func durationDays(d time.Duration) int {
	return int((d + 12*time.Hour) / (24 * time.Hour))
}

// describeDays says how far a time is, for messages: "25 days", "2 hours".
func describeDays(d time.Duration) string {
	if d < 24*time.Hour && d > -24*time.Hour {
		return fmt.Sprintf("%.0f hours", d.Hours())
	}
	return plural(int(d/(24*time.Hour)), "day", "days")
}

// plural counts n things in words: "1 day", "3 days".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// dateText is a time's date, in UTC.
func dateText(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// shellSafe matches words a POSIX shell reads as themselves.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellWord quotes s for a POSIX shell when it needs it: hints are commands a
// person pastes.
func shellWord(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
