package ca

import (
	"fmt"
	"io"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
)

// ListOptions are the choices of ca list.
type ListOptions struct {
	// Revoked, Expiring (days from Now, 0 for no limit) and CN (a shell
	// pattern) select certificates (ListFilter).
	Revoked  bool
	Expiring int
	CN       string
	// JSON writes the --json document (NewListJSON) instead of the table.
	JSON bool
	// OpenCA opens the CA; it is called once the choices are known to be fine.
	OpenCA func() (*CA, error)
	Now    time.Time
}

// List writes the listing of the certificates o selects to w, a certificate
// at a time (ScanListing). Choices that select nothing by construction are
// usage errors. Note, for the table, says why it is empty ("" when it is not):
// the CA issued nothing yet, or nothing matches.
func List(w io.Writer, o ListOptions) (note string, err error) {
	filter := ListFilter{Revoked: o.Revoked, CN: o.CN}
	switch {
	case o.Expiring < 0:
		return "", hint.Usagef("--expiring takes a number of days, 0 or more, not %d", o.Expiring)
	case o.Expiring > 0 && o.Revoked:
		return "", hint.Usagef("--revoked and --expiring select different certificates: --expiring lists valid ones")
	case filter.Check() != nil:
		return "", hint.Usagef("--cn %q is not a valid pattern: use *, ? and [...] as in the shell", o.CN)
	}
	if o.Expiring > 0 {
		filter.ExpiringBy = o.Now.AddDate(0, 0, o.Expiring)
	}
	c, err := o.OpenCA()
	if err != nil {
		return "", err
	}
	out := NewListTable(w)
	if o.JSON {
		out = NewListJSON(w, c.Dir)
	}
	n := 0
	err = c.ScanListing(o.Now, filter, func(lc *ListedCert) error {
		n++
		return out.Add(lc)
	})
	if err != nil {
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	switch {
	case n > 0 || o.JSON:
		return "", nil
	case filter != (ListFilter{}):
		return fmt.Sprintf("no certificate of the CA in %s matches", c.Dir), nil
	}
	return fmt.Sprintf("the CA in %s has issued no certificate yet", c.Dir), nil
}
