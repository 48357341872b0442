package ca

import (
	"fmt"
	"io"
	"os"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// readBounded reads the file at path, refusing one larger than limit before reading
// it when its size is known (a CA's certificate or key replaced by a disk image must
// not be read whole to be refused).
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooLarge := fmt.Errorf("%s is larger than %d KiB: not a file a CA directory holds", path, limit>>10)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > limit {
		return nil, tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge
	}
	return data, nil
}

// Limits of the files readBounded reads: those of their parsers.
const (
	certFileLimit = chain.MaxBundleSize
	keyFileLimit  = keys.MaxInputSize
)
