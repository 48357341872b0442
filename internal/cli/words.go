package cli

import (
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

// daysLeft counts whole days from now to t, rounding toward zero, as chain does in its
// messages.
func daysLeft(t, now time.Time) int {
	return int(t.Sub(now) / (24 * time.Hour))
}

func dateText(t time.Time) string { return t.UTC().Format(time.DateOnly) }
