package probe_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/probe"
)

// stdVerify is a stand-in for libpq's rules built on crypto/x509, enough to tell a
// good chain from a bad one in these tests (pkg/chain has the real rules).
func stdVerify(in probe.VerifyInput) error {
	if len(in.Chain) == 0 {
		return errors.New("no certificate")
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, r := range in.Roots {
		roots.AddCert(r)
	}
	for _, c := range in.Chain[1:] {
		inter.AddCert(c)
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: in.Now}
	if in.Mode == "verify-full" {
		opts.DNSName = in.Host
	}
	_, err := in.Chain[0].Verify(opts)
	return err
}

func fixedNow() time.Time { return testpki.Now }

// serve runs handle for every connection to a fresh listener on 127.0.0.1 and returns
// its port. Handlers end when the client goes away.
func serve(t *testing.T, handle func(net.Conn)) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// readSSLRequest reads the client's first packet and reports whether it is SSLRequest.
func readSSLRequest(c net.Conn) bool {
	buf := make([]byte, 8)
	if _, err := io.ReadFull(c, buf); err != nil {
		return false
	}
	return bytes.Equal(buf, []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f})
}

func probeLocal(t *testing.T, port int, cfg probe.Config) (*probe.Result, error) {
	t.Helper()
	cfg.Host, cfg.Port = "127.0.0.1", port
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Minute
	}
	return probe.Probe(context.Background(), cfg)
}

func TestNotPostgres(t *testing.T) {
	for _, tc := range []struct {
		name   string
		handle func(net.Conn)
		want   string
	}{
		{"http", func(c net.Conn) {
			readSSLRequest(c)
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
		}, `it answered "HTTP/1.1 400 Bad Request\r\n`},
		{"closes", func(c net.Conn) { readSSLRequest(c) }, "it closed the connection on SSLRequest"},
		{"data after S", func(c net.Conn) {
			readSSLRequest(c)
			c.Write([]byte("S\x16\x03\x03"))
		}, "unencrypted data after agreeing to SSL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := serve(t, tc.handle)
			res, err := probeLocal(t, port, probe.Config{})
			if !errors.Is(err, probe.ErrNotPostgres) || res != nil {
				t.Fatalf("Probe = %v, %v; want ErrNotPostgres", res, err)
			}
			var pe *probe.Error
			if !errors.As(err, &pe) || pe.Stage != probe.StageSSLRequest {
				t.Errorf("error %#v, want an *Error at stage sslrequest", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if errors.Is(err, probe.ErrTimeout) || errors.Is(err, probe.ErrSSLRefused) {
				t.Errorf("error %v matches another kind", err)
			}
		})
	}
}

func TestSilentPeerTimesOut(t *testing.T) {
	port := serve(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	_, err := probeLocal(t, port, probe.Config{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, probe.ErrTimeout) {
		t.Fatalf("Probe = %v, want ErrTimeout", err)
	}
	var pe *probe.Error
	if !errors.As(err, &pe) || pe.Stage != probe.StageSSLRequest || !strings.Contains(err.Error(), "timed out waiting for the answer to SSLRequest") {
		t.Errorf("error %v", err)
	}
}

func TestCancelIsNotTimeout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the probe waits for its answer: the server has its request.
	port := serve(t, func(c net.Conn) {
		readSSLRequest(c)
		cancel()
		io.Copy(io.Discard, c)
	})
	_, err := probe.Probe(ctx, probe.Config{Host: "127.0.0.1", Port: port, Timeout: time.Minute})
	var pe *probe.Error
	if !errors.Is(err, context.Canceled) || errors.Is(err, probe.ErrTimeout) || !errors.As(err, &pe) || pe.Stage != probe.StageSSLRequest {
		t.Fatalf("Probe after cancel = %v, want context.Canceled at stage sslrequest and not ErrTimeout", err)
	}
}

func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	_, err = probeLocal(t, port, probe.Config{})
	var pe *probe.Error
	if !errors.Is(err, syscall.ECONNREFUSED) || !errors.As(err, &pe) || pe.Stage != probe.StageConnect {
		t.Fatalf("Probe of a closed port = %v, want ECONNREFUSED at stage connect", err)
	}
	if !strings.HasPrefix(err.Error(), "probe: 127.0.0.1:") || !strings.Contains(err.Error(), "could not connect") {
		t.Errorf("message %q", err)
	}
}

func TestSSLRefusedByFake(t *testing.T) {
	port := serve(t, func(c net.Conn) {
		if readSSLRequest(c) {
			c.Write([]byte("N"))
			io.Copy(io.Discard, c)
		}
	})
	_, err := probeLocal(t, port, probe.Config{})
	if !errors.Is(err, probe.ErrSSLRefused) || errors.Is(err, probe.ErrNotPostgres) {
		t.Fatalf("Probe = %v, want ErrSSLRefused", err)
	}
}

func TestNoHost(t *testing.T) {
	if _, err := probe.Probe(context.Background(), probe.Config{}); !errors.Is(err, probe.ErrBadTarget) {
		t.Errorf("Probe without a host = %v, want ErrBadTarget", err)
	}
}

// tlsServer answers SSLRequest with 'S' and runs a Go TLS server with cfg, standing in
// for PostgreSQL where a test needs what a real server's defaults do not give, such as
// TLS 1.2. It returns the port and a channel of the handshake results.
func tlsServer(t *testing.T, cfg *tls.Config) (int, chan error) {
	results := make(chan error, 10)
	port := serve(t, func(c net.Conn) {
		if !readSSLRequest(c) {
			results <- errors.New("no SSLRequest")
			return
		}
		c.Write([]byte("S"))
		tc := tls.Server(c, cfg)
		err := tc.Handshake()
		results <- err
		if err == nil {
			io.Copy(io.Discard, tc)
			tc.Close()
		}
	})
	return port, results
}

func TestTLS12ClientCertificates(t *testing.T) {
	root := testpki.Root(t, "fake root")
	other := testpki.Root(t, "other root")
	leaf := root.Server(t, "db.example.com")
	pool := x509.NewCertPool()
	pool.AddCert(root.Cert)
	port, results := tlsServer(t, &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{leaf.Cert.Raw}, PrivateKey: leaf.Key}},
		MaxVersion:   tls.VersionTLS12,
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    pool,
	})

	res, err := probeLocal(t, port, probe.Config{Host: "db.example.com", HostAddr: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-results; err != nil {
		t.Fatalf("server handshake: %v", err)
	}
	if res.TLSVersion != "TLSv1.2" || res.Version != tls.VersionTLS12 || !strings.HasPrefix(res.CipherSuite, "TLS_ECDHE_ECDSA_WITH_") {
		t.Errorf("negotiated %s %s", res.TLSVersion, res.CipherSuite)
	}
	if !res.ClientCertRequested || res.ClientCertSent || len(res.AcceptableCAs) != 1 || res.AcceptableCAs[0] != "CN=fake root" {
		t.Errorf("client certificate request: %+v", res)
	}
	js, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"tls_version":"TLSv1.2"`, `"acceptable_cas":["CN=fake root"]`, `"client_certificate_requested":true`, `"subject":"CN=db.example.com"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s: %s", want, js)
		}
	}

	// A certificate the server does not trust fails a TLS 1.2 handshake outright; the
	// result still holds what the server sent.
	stranger := other.Client(t, "alice")
	res, err = probeLocal(t, port, probe.Config{Certificate: &tls.Certificate{Certificate: [][]byte{stranger.Cert.Raw}, PrivateKey: stranger.Key}})
	var pe *probe.Error
	if !errors.As(err, &pe) || pe.Stage != probe.StageHandshake || !strings.Contains(err.Error(), "TLS handshake failed: remote error: tls: unknown certificate authority") {
		t.Fatalf("Probe with an untrusted client certificate = %v", err)
	}
	if <-results == nil {
		t.Error("the server accepted a certificate from another CA")
	}
	if res == nil || len(res.Chain) != 1 || res.Chain[0].Subject != "CN=db.example.com" || !res.ClientCertSent {
		t.Errorf("partial result %+v", res)
	}
}

func TestHandshakeTimeout(t *testing.T) {
	port := serve(t, func(c net.Conn) {
		if readSSLRequest(c) {
			c.Write([]byte("S"))
			io.Copy(io.Discard, c)
		}
	})
	_, err := probeLocal(t, port, probe.Config{Timeout: 200 * time.Millisecond})
	var pe *probe.Error
	if !errors.Is(err, probe.ErrTimeout) || !errors.As(err, &pe) || pe.Stage != probe.StageHandshake {
		t.Fatalf("Probe of a server silent after 'S' = %v, want ErrTimeout in the handshake", err)
	}
}

// FuzzProbe plays arbitrary server bytes after SSLRequest against the whole probe; it
// must end in a result or an *Error, never a panic.
func FuzzProbe(f *testing.F) {
	f.Add([]byte("S"))
	f.Add([]byte("N"))
	f.Add([]byte("S\x16\x03\x03\x00\x05hello"))
	f.Add([]byte("E\x00\x00\x00\x0aSFATAL\x00\x00"))
	// A handshake_failure alert, as a server with an RSA-PSS key refuses crypto/tls:
	// the probe tries again with its own TLS 1.2 ClientHello.
	f.Add([]byte("S\x15\x03\x03\x00\x02\x02\x28"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, reply []byte) {
		dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
			client, server := net.Pipe()
			go func() {
				defer server.Close()
				server.SetDeadline(time.Now().Add(time.Second))
				if !readSSLRequest(server) {
					return
				}
				if len(reply) > 0 {
					server.Write(reply[:1])
					server.Write(reply[1:])
				}
			}()
			return client, nil
		}
		res, err := probe.Probe(context.Background(), probe.Config{Host: "db.example.com", Dial: dial, Timeout: 100 * time.Millisecond})
		var pe *probe.Error
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error %T %v is not an *probe.Error", err, err)
		}
		if err == nil && res == nil {
			t.Fatal("nil result without an error")
		}
	})
}
