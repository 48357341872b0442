package doctor

import (
	"strings"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keyperm"
)

// userLabel names a user in findings and output: keyperm's words.
var userLabel = keyperm.Identity.Label

// ownerText spells a file's owner and group, by name when lookup knows them.
func ownerText(lookup keyperm.Lookup, fi keyperm.FileInfo) string {
	owner, group := keyperm.OwnerNames(lookup, fi.UID, fi.GID)
	return owner + ":" + group
}

// subject names a certificate in findings.
func subject(in chain.Input) string { return chain.Subject(in.Cert) }

// chainText is a chain error without its package prefix.
func chainText(err error) string { return strings.TrimPrefix(err.Error(), "chain: ") }

// The shared words (internal/words) under the names this package uses.
var (
	lowerFirst = words.LowerFirst
	daysLeft   = words.DaysLeft
	whenText   = words.When
	dateText   = words.Date
	plural     = words.Plural
	shellWord  = words.ShellWord
)
