// Package pglisten starts listeners on 127.0.0.1 that answer a PostgreSQL client's
// SSLRequest the ways servers, and things that are not servers, do: a TLS server
// with a given certificate, a server with ssl = off, a stranger that answers garbage,
// a peer that never answers, one that agrees to SSL and never finishes the
// handshake. Tests and benchmarks of probing build fleets of them; they need no
// PostgreSQL, and each costs one file descriptor and a goroutine per connection.
package pglisten

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
)

// Kind is how a listener behaves after reading a client's 8-byte first packet.
type Kind int

// The behaviours.
const (
	// TLS answers 'S' and serves its certificate, then reads until the client
	// closes, as a PostgreSQL server waiting for a startup packet does.
	TLS Kind = iota
	// NoSSL answers 'N', as a server with ssl = off.
	NoSSL
	// Garbage answers an HTTP error, as a web server on the wrong port.
	Garbage
	// Stall answers nothing and holds the connection until the client goes.
	Stall
	// StallHandshake answers 'S', then never answers the client's TLS hello.
	StallHandshake
)

// Server is one listener.
type Server struct {
	ln    net.Listener
	kind  Kind
	cfg   *tls.Config
	mu    sync.Mutex
	conns map[net.Conn]bool
	done  bool
	wg    sync.WaitGroup
}

// Listen starts a listener of kind on 127.0.0.1 with a port the system picks. cert
// is served by TLS and ignored by the other kinds.
func Listen(kind Kind, cert *tls.Certificate) (*Server, error) {
	if kind == TLS && cert == nil {
		return nil, errors.New("pglisten: a TLS listener needs a certificate")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, kind: kind, conns: map[net.Conn]bool{}}
	if cert != nil {
		s.cfg = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Port is the port the server listens on.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Addr is the server's address, 127.0.0.1:PORT.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops listening, drops the connections in progress and waits for their
// goroutines to end.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	s.done = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.done {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			s.handle(c)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			c.Close()
		}()
	}
}

func (s *Server) handle(c net.Conn) {
	var first [8]byte
	if _, err := io.ReadFull(c, first[:]); err != nil {
		return
	}
	switch s.kind {
	case TLS:
		c.Write([]byte("S"))
		tc := tls.Server(c, s.cfg)
		if tc.Handshake() != nil {
			return
		}
		io.Copy(io.Discard, tc)
		tc.Close()
	case NoSSL:
		c.Write([]byte("N"))
	case Garbage:
		c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
	case StallHandshake:
		c.Write([]byte("S"))
		io.Copy(io.Discard, c)
	case Stall:
		io.Copy(io.Discard, c)
	}
}

// Fleet is many listeners, closed together.
type Fleet []*Server

// Close closes every server of the fleet.
func (f Fleet) Close() {
	for _, s := range f {
		s.Close()
	}
}

// Start starts n listeners of kind, all serving cert when kind is TLS. On error it
// closes those it started.
func Start(n int, kind Kind, cert *tls.Certificate) (Fleet, error) {
	f := make(Fleet, 0, n)
	for range n {
		s, err := Listen(kind, cert)
		if err != nil {
			f.Close()
			return nil, err
		}
		f = append(f, s)
	}
	return f, nil
}
