package cli

import (
	"github.com/pgcert/pgcert/internal/words"
)

// The shared words (internal/words) under the names this package uses.
var (
	daysLeft = words.DaysLeft
)
