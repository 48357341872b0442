package keyperm

// Problem says which rule a file breaks, in the order the server tests them.
type Problem int

// The problems, in the order the server and libpq look for them.
const (
	// NoProblem: the file passes and can be read.
	NoProblem Problem = iota
	// NotFound: stat() fails (no such file, a path component is not a directory, a
	// loop of links).
	NotFound
	// NoSearch: a directory on the way may not be searched by the user, so stat()
	// fails with "Permission denied" even though the file is there.
	NoSearch
	// NotRegular: the name is a directory, a device or a socket, not a file.
	NotRegular
	// BadOwner: a server key owned by neither the database user nor root.
	BadOwner
	// GroupOrWorld: the mode gives the group or others more than the rule allows.
	GroupOrWorld
	// Unreadable: the file passes the mode check but the user cannot open it, so the
	// load that follows fails with "Permission denied".
	Unreadable
)

var problemNames = [...]string{"ok", "not-found", "no-search", "not-regular", "bad-owner", "group-or-world", "unreadable"}

// String returns a short stable name for the problem, fit for JSON output.
func (p Problem) String() string {
	if p >= 0 && int(p) < len(problemNames) {
		return problemNames[p]
	}
	return "unknown"
}

// Who said a message: the peer's exact words, or pgcert's own description of a failure
// the peer reports late or not at all.
const (
	SourceServer = "server"
	SourceLibpq  = "libpq"
	SourcePgcert = "pgcert"
)

// Result is the verdict on one file.
type Result struct {
	// Path is the file as the messages name it.
	Path string
	// Target is where a symbolic link led; empty when Path is not a link.
	Target string
	// OK reports that the file passes the checks and can be read.
	OK bool
	// Problem is the first rule the file breaks.
	Problem Problem
	// Message is what the server or libpq will say, word for word, with the file name
	// filled in (Source tells whose words they are); empty when OK.
	Message string
	// Detail is the server's DETAIL line, when it prints one.
	Detail string
	// Source is SourceServer, SourceLibpq or SourcePgcert.
	Source string
	// Hint says how to fix the file: shell commands, or a sentence when no command
	// can.
	Hint string
	// Dir is the directory the user may not search, for NoSearch.
	Dir string
}

// Err returns the result as an *Error, or nil when the file is fine.
func (r Result) Err() error {
	if r.OK {
		return nil
	}
	return &Error{Result: r}
}

// Error is a failed Result as an error, for callers that branch with errors.As.
type Error struct {
	Result Result
}

// Error returns the peer's message.
func (e *Error) Error() string {
	return "keyperm: " + e.Result.Message
}
