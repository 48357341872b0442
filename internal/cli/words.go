package cli

import (
	"strings"

	"github.com/pgcert/pgcert/internal/words"
)

// chainText is a chain error without its package prefix.
func chainText(err error) string { return strings.TrimPrefix(err.Error(), "chain: ") }

// The shared words (internal/words) under the names this package uses.
var (
	daysLeft = words.DaysLeft
	dateText = words.Date
)
