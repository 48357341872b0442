package cli

import "github.com/pgcert/pgcert/pkg/ca"

// listChunk is the name the ca list tests use for the rows aligned at a time.
const listChunk = ca.ListChunk
