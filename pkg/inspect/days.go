package inspect

import "time"

// DaysLeft is the number of whole days from now until t, rounded toward zero: 10
// with ten and a half days to go, 0 on the last day and during the day after, -1 a
// full day after. Every pgcert command counts days this way, so that show, check,
// renew and probe give the same number for the same file; whether a certificate or
// CRL is still valid is its status, not the sign of this number.
func DaysLeft(t, now time.Time) int {
	return int(t.Sub(now) / (24 * time.Hour))
}
