package cli

import (
	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/chain"
)

// The shared words (internal/words) under the names this package uses.
var (
	chainText = chain.ErrorText
	daysLeft  = words.DaysLeft
	dateText  = words.Date
)
