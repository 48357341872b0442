package pgdata

import (
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// MaxConfigFileSize is the largest configuration file (postgresql.conf, an included
// file, pg_hba.conf) pgdata reads. The server sets no limit, but a configuration of
// thousands of lines is well under a megabyte: 16 MiB is beyond any real one, and
// keeps a file named by mistake (a disk image, a log) from being read whole and
// parsed for minutes.
const MaxConfigFileSize = 16 << 20

// ErrTooLarge marks a configuration file larger than MaxConfigFileSize.
var ErrTooLarge = errors.New("file too large")

// readConfigFile reads the configuration file at path, refusing one larger than
// MaxConfigFileSize before reading it when its size is known, or as soon as it runs
// past the limit. Links are followed, as the server follows them; anything but a
// regular file (a FIFO would hold pgcert, as it would hold the server, until someone
// writes to it) is refused at once with an error wrapping fsutil.ErrNotRegular.
func readConfigFile(path string) ([]byte, error) {
	data, err := fsutil.ReadInput(path, MaxConfigFileSize)
	if errors.Is(err, fsutil.ErrTooLarge) {
		return nil, fmt.Errorf("%w: more than %d MiB, not a configuration file", ErrTooLarge, MaxConfigFileSize>>20)
	}
	return data, err
}
