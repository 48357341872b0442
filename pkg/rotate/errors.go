package rotate

import "github.com/pgcert/pgcert/pkg/hint"

// Error is a failure of a renewal or a rollback with hints saying what to do about
// it: pgcert's one error with hints (pkg/hint), so that a command prints a
// renewal's advice as it prints any other.
type Error = hint.Error

// The helpers of pkg/hint under the names this package uses.
var (
	failf      = hint.Errorf
	withHints  = hint.With
	inputError = hint.Input
)
