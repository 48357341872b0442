package pgdata

import (
	"errors"
	"fmt"
	"io"
	"os"
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
// past the limit.
func readConfigFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooLarge := fmt.Errorf("%w: more than %d MiB, not a configuration file", ErrTooLarge, MaxConfigFileSize>>20)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxConfigFileSize {
		return nil, tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxConfigFileSize {
		return nil, tooLarge
	}
	return data, nil
}
