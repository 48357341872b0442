package chain

import "github.com/pgcert/pgcert/pkg/notify"

// Reporter hears what a person should know on the way: a file that starts with
// the wrong certificate, a duplicate left out, a root about to expire.
type Reporter = notify.Reporter
