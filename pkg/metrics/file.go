package metrics

import (
	"bytes"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// fileLimit bounds the previous metrics file read back: a few families.
const fileLimit = 1 << 20

// WriteFile writes families to path, replacing it atomically: the collector
// reads the file whenever Prometheus scrapes, and must never see half of it. The
// file is world-readable (0644), as node_exporter runs as its own user.
func WriteFile(path string, families []Family) error {
	var buf bytes.Buffer
	if err := Write(&buf, families); err != nil {
		return err
	}
	_, err := fsutil.WriteFile(path, buf.Bytes(), fsutil.Options{Mode: fsutil.PublicMode, Force: true})
	return err
}

// ReadFile reads what the last run wrote to path; nil when there is nothing
// readable there, which only loses what the last run carried over (a renewal's
// last success time), never the current state.
func ReadFile(path string) []Family {
	data, err := fsutil.ReadInput(path, fileLimit)
	if err != nil {
		return nil
	}
	fams, err := Parse(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	return fams
}
