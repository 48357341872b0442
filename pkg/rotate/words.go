package rotate

import (
	"fmt"
	"time"

	"github.com/pgcert/pgcert/internal/words"
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

// The shared words (internal/words) under the names this package uses.
var (
	plural    = words.Plural
	dateText  = words.Date
	shellWord = words.ShellWord
)
