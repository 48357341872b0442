package cli

import (
	"fmt"
	"strings"
	"time"
)

// chainText is a chain error without its package prefix.
func chainText(err error) string { return strings.TrimPrefix(err.Error(), "chain: ") }

// chainErrors splits the errors chain.Build joins.
func chainErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// whenText says how far t is from now: "in 12 days", "3 days ago", "today".
func whenText(t, now time.Time) string {
	d := daysLeft(t, now)
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
