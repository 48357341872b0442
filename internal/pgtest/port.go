package pgtest

import (
	"errors"
	"fmt"
	"net"
	"sync"
)

var (
	portsMu sync.Mutex
	ports   = map[int]bool{}
)

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago and that no other
// cluster of this test binary was given. Another process can still take it before the
// server binds it; Start then picks another.
func freePort() (int, error) {
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("pgtest: no free port on 127.0.0.1: %w", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !ports[port] {
			ports[port] = true
			return port, nil
		}
	}
	return 0, errors.New("pgtest: no free port on 127.0.0.1 that this test binary has not used")
}
