package doctor

import "github.com/pgcert/pgcert/pkg/ca"

// renewFix is the one command that refreshes a missing, unreadable or stale CRL of
// the data directory, with extra flags: pgcert renew -D DIR, when the data directory
// records a CA that pgcert follows (renew then needs nothing else, and makes a CRL
// for every CA of the chain); "" otherwise, where the fix names the manual steps.
func (c *checker) renewFix(extra string) string {
	dir := c.s.Dir.Dir
	if _, err := ca.ForDataDir(dir); err != nil {
		return ""
	}
	return "pgcert renew -D " + shellWord(dir) + extra
}
