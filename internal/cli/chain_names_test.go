package cli

import (
	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/chain"
)

// The names the chain tests use for the shared words.
var thousands = words.Thousands

const maxListed = chain.MaxListed

type chainJSON = chain.PathReport
