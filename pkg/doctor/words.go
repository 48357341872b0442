package doctor

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// daysLeft counts whole days from now to t, rounding toward zero, as chain does in its
// messages.
func daysLeft(t, now time.Time) int {
	return int(t.Sub(now) / (24 * time.Hour))
}

// whenText says how far t is from now: "in 12 days", "3 days ago", "today".
func whenText(t, now time.Time) string {
	d := daysLeft(t, now)
	switch {
	case d == 0 && t.After(now):
		return "within a day"
	case d == 0:
		return "today"
	case d == 1:
		return "in 1 day"
	case d > 1:
		return fmt.Sprintf("in %d days", d)
	case d == -1:
		return "1 day ago"
	}
	return fmt.Sprintf("%d days ago", -d)
}

func dateText(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// plural counts n things in words: "1 day", "3 days".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// shellSafe matches words a POSIX shell reads as themselves.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellWord quotes s for a POSIX shell when it needs it: a fix is a command that must
// work when pasted.
func shellWord(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// lowerFirst lowers the first letter of an error message that goes after a colon,
// leaving acronyms (PEM, DER, "OpenSSL"-like words with a second capital) alone.
func lowerFirst(s string) string {
	if s == "" || strings.HasPrefix(s, "PEM") || strings.HasPrefix(s, "DER") {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' {
		return s
	}
	return strings.ToLower(string(r[:1])) + string(r[1:])
}

// userLabel names a user in findings: its login, or its number when it has none.
func userLabel(id keyperm.Identity) string {
	if id.Name != "" {
		return id.Name
	}
	return fmt.Sprintf("uid %d", id.UID)
}

// ownerText spells a file's owner and group, by name when lookup knows them.
func ownerText(lookup keyperm.Lookup, fi keyperm.FileInfo) string {
	owner := strconv.FormatUint(uint64(fi.UID), 10)
	if id, err := lookup.LookupUID(fi.UID); err == nil && id.Name != "" {
		owner = id.Name
	}
	group := strconv.FormatUint(uint64(fi.GID), 10)
	if name, err := lookup.GroupName(fi.GID); err == nil && name != "" {
		group = name
	}
	return owner + ":" + group
}

// subject names a certificate in findings.
func subject(in chain.Input) string { return chain.Subject(in.Cert) }

// chainText is a chain error without its package prefix.
func chainText(err error) string { return strings.TrimPrefix(err.Error(), "chain: ") }
