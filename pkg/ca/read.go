package ca

import (
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// readBounded reads the regular file at path, refusing one larger than limit before
// reading it when its size is known (a CA's certificate or key replaced by a disk
// image must not be read whole to be refused), and a FIFO or a device at once
// (fsutil.ErrNotRegular), which would hold the read forever.
func readBounded(path string, limit int64) ([]byte, error) {
	data, err := fsutil.ReadInput(path, limit)
	if errors.Is(err, fsutil.ErrTooLarge) {
		return nil, fmt.Errorf("%s is larger than %d KiB: not a file a CA directory holds", path, limit>>10)
	}
	return data, err
}

// Limits of the files readBounded reads: those of their parsers.
const (
	certFileLimit = chain.MaxBundleSize
	keyFileLimit  = keys.MaxInputSize
)
