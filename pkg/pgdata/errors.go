package pgdata

import "errors"

var (
	// ErrSyntax marks a line of postgresql.conf the server cannot parse.
	ErrSyntax = errors.New("syntax error")
	// ErrNesting marks includes nested deeper than the server allows (10 levels).
	ErrNesting = errors.New("maximum nesting depth exceeded")
	// ErrRecursion marks a file that includes itself.
	ErrRecursion = errors.New("configuration file recursion")
	// ErrEmptyName marks an include directive with an empty or blank name.
	ErrEmptyName = errors.New("empty configuration file name")
	// ErrTooManyErrors marks a file the server gives up on after 100 syntax errors.
	ErrTooManyErrors = errors.New("too many syntax errors")
	// ErrValue marks a setting whose value the server refuses.
	ErrValue = errors.New("invalid value")
	// ErrHBA marks a pg_hba.conf line the server refuses.
	ErrHBA = errors.New("invalid pg_hba.conf line")
)

// ConfError is one problem the server would log while it reads its configuration.
// Message is the server's text, word for word; File and Line locate it: the line with
// the error, or the include directive that named a file that cannot be read (File is
// empty for the top-level file, which nothing names). Err is one of the sentinels
// above or the error from the file system, for errors.Is.
type ConfError struct {
	File    string
	Line    int
	Message string
	Err     error
}

// Error returns the server's message, prefixed with the package name.
func (e *ConfError) Error() string { return "pgdata: " + e.Message }

// Unwrap returns the sentinel or file system error.
func (e *ConfError) Unwrap() error { return e.Err }
