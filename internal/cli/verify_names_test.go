package cli

import "github.com/pgcert/pgcert/pkg/chain"

// verifyJSON is the name the verify tests use for the --json document.
type verifyJSON = chain.VerdictReport
