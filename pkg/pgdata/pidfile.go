package pgdata

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// PIDFileName is the lock file a running server keeps in its data directory.
const PIDFileName = "postmaster.pid"

// maxPIDFileSize bounds what ParsePIDFile reads: the server writes eight short lines
// (a path, a few numbers, one address), well under a kilobyte.
const maxPIDFileSize = 64 << 10

// ErrNotRunning is returned by ReadPIDFile when the data directory has no
// postmaster.pid: no server runs on it (the server removes the file when it stops).
var ErrNotRunning = errors.New("pgdata: no server is running on the data directory (no postmaster.pid)")

// PIDFile is what a running server says about itself in postmaster.pid, as
// src/include/utils/pidfile.h lays the file out since PostgreSQL 10: line 1 the
// postmaster's PID, 2 the data directory, 3 the start time, 4 the port, 5 the first
// unix socket directory, 6 the first listen address, 7 the shared memory key, 8 the
// status. The server fills lines 5 to 8 while it starts, in no fixed order, so a
// file read early may lack them: they are then empty.
type PIDFile struct {
	// PID is the postmaster's process ID. A standalone backend (postgres --single)
	// writes its PID negated; Standalone is then set and PID is the positive value.
	PID        int
	Standalone bool
	// DataDir is the data directory the server runs on, as it was given to it.
	DataDir string
	// Port is the TCP port, which also names the unix socket (.s.PGSQL.<port>).
	Port int
	// SocketDir is the first of unix_socket_directories; empty when there is none.
	SocketDir string
	// ListenAddr is the first of listen_addresses the server could bind: an IP
	// address, a host name, or "*" for every interface; empty when it listens on no
	// TCP address.
	ListenAddr string
	// Status is "starting", "stopping", "ready" or "standby" (the file pads them with
	// spaces; they are trimmed here); empty in a file read before the server wrote it.
	Status string
}

// PIDFileError is a postmaster.pid that does not read as the server writes it.
type PIDFileError struct {
	Line   int // 1-based
	Reason string
}

func (e *PIDFileError) Error() string {
	return fmt.Sprintf("pgdata: %s, line %d: %s", PIDFileName, e.Line, e.Reason)
}

// ParsePIDFile reads the contents of a postmaster.pid. The PID (line 1) is required;
// the port (line 4) must be a number when present. Errors are *PIDFileError.
func ParsePIDFile(data []byte) (*PIDFile, error) {
	if len(data) > maxPIDFileSize {
		return nil, &PIDFileError{Line: 1, Reason: fmt.Sprintf("larger than %d bytes: not a postmaster.pid", maxPIDFileSize)}
	}
	lines := strings.Split(string(data), "\n")
	line := func(n int) string {
		if n > len(lines) {
			return ""
		}
		return strings.TrimRight(lines[n-1], "\r")
	}
	p := &PIDFile{}
	first := strings.TrimSpace(line(1))
	pid, err := strconv.Atoi(first)
	if err != nil || pid == 0 {
		return nil, &PIDFileError{Line: 1, Reason: fmt.Sprintf("%q is not a process ID", first)}
	}
	if pid < 0 {
		p.Standalone, pid = true, -pid
	}
	if pid <= 0 {
		return nil, &PIDFileError{Line: 1, Reason: fmt.Sprintf("%q is not a process ID", first)}
	}
	p.PID = pid
	p.DataDir = line(2)
	if s := strings.TrimSpace(line(4)); s != "" {
		port, err := strconv.Atoi(s)
		if err != nil || port < 1 || port > 65535 {
			return nil, &PIDFileError{Line: 4, Reason: fmt.Sprintf("%q is not a port number", s)}
		}
		p.Port = port
	}
	p.SocketDir = line(5)
	p.ListenAddr = strings.TrimSpace(line(6))
	p.Status = strings.TrimSpace(line(8))
	return p, nil
}

// ReadPIDFile reads dataDir/postmaster.pid. A missing file is ErrNotRunning.
func ReadPIDFile(dataDir string) (*PIDFile, error) {
	path := filepath.Join(dataDir, PIDFileName)
	// The server writes the file itself: a link or a FIFO there is planted, and
	// refused (fsutil.ErrNotRegular).
	data, err := fsutil.ReadRegular(path, maxPIDFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotRunning
	}
	if errors.Is(err, fsutil.ErrTooLarge) {
		return nil, &PIDFileError{Line: 1, Reason: fmt.Sprintf("larger than %d bytes: not a postmaster.pid", maxPIDFileSize)}
	}
	if err != nil {
		return nil, fmt.Errorf("pgdata: %w", err)
	}
	return ParsePIDFile(data)
}
