// Package probe asks a live PostgreSQL server for its TLS setup the way libpq does,
// and reports what it serves: the protocol version and cipher, the certificate chain in
// the order sent, whether it asks for a client certificate and which CAs it names, and
// the verdict libpq would give for an sslmode and host name.
//
// It speaks only the start of PostgreSQL's protocol: an 8-byte SSLRequest, the
// server's one-byte answer, and a TLS handshake. It then closes the TLS session with a
// close_notify instead of sending a startup packet, and waits for the server to close
// too. What a PostgreSQL 15 server logs for a probe:
//
//   - a completed probe, or one the server answered 'N' (ssl = off): nothing; it takes
//     a client gone before its startup packet for a monitoring check;
//   - a presented client certificate it does not trust: "could not accept SSL
//     connection: certificate verify failed";
//   - a probe given up during the handshake (a timeout): "could not accept SSL
//     connection: EOF detected".
//   - a server whose key is RSA-PSS, which crypto/tls cannot finish a handshake
//     with: "could not accept SSL connection: no suitable signature algorithm" for
//     the first attempt, then "could not accept SSL connection: EOF detected" for
//     the TLS 1.2 handshake the probe reads the chain from and leaves unfinished
//     (Result.Unfinished).
//
// (A client that drops the TCP connection after the handshake without close_notify
// gets "could not receive data from client: Connection reset by peer" logged instead.)
package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/pgcert/pgcert/pkg/keys"
)

// DefaultTimeout bounds a whole probe when Config.Timeout is zero. A reachable server
// answers within milliseconds; ten seconds covers a slow network while a person at a
// terminal still gets an answer soon from a host that silently drops packets.
const DefaultTimeout = 10 * time.Second

// Config says whom to probe and how.
type Config struct {
	// Host is the server's name as a client knows it: libpq's host, the name
	// verify-full compares with the certificate, and the TLS server name (SNI) when it
	// is a DNS name. It is also the address to dial unless HostAddr is set.
	Host string
	// HostAddr, when set, is the address to connect to instead of Host, as libpq's
	// hostaddr: Host is then used only for SNI and the verdict.
	HostAddr string
	// Port defaults to DefaultPort.
	Port int
	// Timeout bounds the whole probe: connecting, SSLRequest and the handshake.
	// DefaultTimeout when zero.
	Timeout time.Duration
	// Certificate is presented when the server asks for a client certificate; none is
	// presented when nil.
	Certificate *tls.Certificate
	// Verify, when set, gives Result.Verdict: what libpq would say of the served chain
	// with Roots, Host and SSLMode. The caller supplies libpq's rules (pkg/chain).
	Verify VerifyFunc
	// Roots is the client's trusted CAs (root.crt), passed to Verify.
	Roots []*x509.Certificate
	// SSLMode is the sslmode the verdict is for; DefaultSSLMode when empty.
	SSLMode string
	// Now gives the time for days left and the verdict; time.Now when nil.
	Now func() time.Time
	// Dial connects to the server; a net.Dialer's DialContext when nil.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// Result is what a probe learned.
type Result struct {
	// Addr is the address connected to.
	Addr string `json:"address"`
	// ServerName is the SNI sent: Host when it is a DNS name, else empty.
	ServerName string `json:"server_name,omitempty"`
	// TLSVersion is the negotiated protocol as PostgreSQL names it in
	// ssl_min_protocol_version and pg_stat_ssl: "TLSv1.2", "TLSv1.3".
	TLSVersion string `json:"tls_version"`
	// CipherSuite is the negotiated suite's IANA name, such as TLS_AES_128_GCM_SHA256.
	CipherSuite string `json:"cipher_suite"`
	// Version and Cipher are the negotiated values as crypto/tls numbers them.
	Version uint16 `json:"-"`
	Cipher  uint16 `json:"-"`
	// Chain is the certificates the server sent, in the order sent.
	Chain []Certificate `json:"chain"`
	// ClientCertRequested says whether the server sent a CertificateRequest, which a
	// PostgreSQL server does when ssl_ca_file is set.
	ClientCertRequested bool `json:"client_certificate_requested"`
	// AcceptableCAs are the CA names the request listed (the subjects in the server's
	// ssl_ca_file), as RFC 2253 strings.
	AcceptableCAs []string `json:"acceptable_cas,omitempty"`
	// ClientCertSent says whether Config.Certificate was presented.
	ClientCertSent bool `json:"client_certificate_sent"`
	// ClientCertError is the TLS alert with which the server refused the presented
	// certificate, such as "remote error: tls: unknown certificate authority"; empty
	// when it accepted it. The server's pg_hba.conf may still refuse the login.
	ClientCertError string `json:"client_certificate_error,omitempty"`
	// Verdict is Config.Verify's judgment; nil without Verify.
	Verdict *Verdict `json:"verdict,omitempty"`
	// Unfinished, when set, says why the handshake was read but not finished:
	// RSAPSSNote for a server whose key is RSA-PSS. The chain and the verdict are
	// then those of the server's first TLS 1.2 flight; no client certificate was
	// presented, and TLSVersion is TLS 1.2 even if the server would speak 1.3 with
	// libpq.
	Unfinished string `json:"unfinished,omitempty"`
	// SCRAMError is what libpq says to a SCRAM password login over SSL to this
	// server, when it fails whatever the password: the server certificate's
	// signature is EdDSA (EdDSASigned). Empty when SCRAM works.
	SCRAMError string `json:"scram_error,omitempty"`
}

// Probe connects to the server cfg names, asks it for SSL and records its TLS
// handshake. It fails with an *Error when there is no TLS session to report: the server
// refuses SSL (ErrSSLRefused), is not a PostgreSQL server (ErrNotPostgres), does not
// answer in time (ErrTimeout), cannot be reached, or fails the handshake. On a
// handshake failure Probe also returns a Result with what the server sent before it
// (its chain, its certificate request); otherwise the Result is nil on error.
//
// The chain is recorded whether or not it verifies: verification is Config.Verify's,
// after the handshake, and its failure is a Verdict, not an error.
func Probe(ctx context.Context, cfg Config) (*Result, error) {
	dialHost := cfg.HostAddr
	if dialHost == "" {
		dialHost = cfg.Host
	}
	if dialHost == "" {
		return nil, &Error{Stage: StageConnect, Err: ErrBadTarget}
	}
	port := cfg.Port
	if port == 0 {
		port = DefaultPort
	}
	addr := net.JoinHostPort(dialHost, strconv.Itoa(port))
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	dial := cfg.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, failure(ctx, addr, StageConnect, err)
	}
	defer conn.Close()
	// A cancelled or expired context interrupts any read or write in progress.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}

	if err := askForSSL(conn); err != nil {
		return nil, failure(ctx, addr, StageSSLRequest, err)
	}

	res := &Result{Addr: conn.RemoteAddr().String()}
	if net.ParseIP(cfg.Host) == nil {
		res.ServerName = cfg.Host
	}
	var served []*x509.Certificate
	tc := tls.Client(conn, &tls.Config{
		ServerName: res.ServerName,
		// The chain is judged afterwards, by Verify, so that it can be reported even
		// when it does not verify; libpq's rules are not crypto/x509's anyway.
		InsecureSkipVerify: true,
		// Old servers still get a report, which says which version they speak.
		MinVersion: tls.VersionTLS10,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			for _, der := range raw {
				if c, err := keys.ParseCertificate(der); err == nil {
					served = append(served, c)
				}
			}
			return nil
		},
		GetClientCertificate: func(req *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			res.ClientCertRequested = true
			res.AcceptableCAs = decodeNames(req.AcceptableCAs)
			if cfg.Certificate == nil {
				return &tls.Certificate{}, nil
			}
			res.ClientCertSent = true
			return cfg.Certificate, nil
		},
	})
	if err := tc.HandshakeContext(ctx); err != nil {
		if handshakeRefused(err) {
			conn.Close()
			if chain := probeRSAPSS(ctx, dial, addr, res); chain != nil {
				res.ClientCertSent = false
				return judge(res, cfg, chain, now()), nil
			}
		}
		res.Chain = describeChain(served, now())
		return res, failure(ctx, addr, StageHandshake, err)
	}
	state := tc.ConnectionState()
	res.Version, res.Cipher = state.Version, state.CipherSuite
	res.TLSVersion = versionName(state.Version)
	res.CipherSuite = tls.CipherSuiteName(state.CipherSuite)
	if alert := closePolitely(tc, conn, res.ClientCertSent); alert != nil && res.ClientCertRequested {
		res.ClientCertError = alert.Error()
	}
	return judge(res, cfg, state.PeerCertificates, now()), nil
}

// judge completes res with the served chain, what it means for SCRAM, and
// Config.Verify's verdict.
func judge(res *Result, cfg Config, chain []*x509.Certificate, now time.Time) *Result {
	res.Chain = describeChain(chain, now)
	if len(chain) > 0 && EdDSASigned(chain[0]) {
		res.SCRAMError = SCRAMError
	}
	if cfg.Verify != nil {
		mode := cfg.SSLMode
		if mode == "" {
			mode = DefaultSSLMode
		}
		res.Verdict = verdict(cfg.Verify, VerifyInput{
			Chain: chain, Roots: cfg.Roots, Host: cfg.Host, Mode: mode, Now: now,
		})
	}
	return res
}

// askForSSL sends SSLRequest and reads the answer. It reads whatever arrived rather
// than one byte, to quote a stranger's answer and to catch bytes after an 'S'.
func askForSSL(conn net.Conn) error {
	if _, err := conn.Write(sslRequest()); err != nil {
		return err
	}
	buf := make([]byte, 512)
	n, err := conn.Read(buf)
	if n == 0 {
		if err == nil || errors.Is(err, io.EOF) || isReset(err) {
			return &Error{Kind: ErrNotPostgres, Err: err}
		}
		return err
	}
	if kind := responseKind(buf[:n]); kind != nil {
		e := &Error{Kind: kind}
		if kind == ErrNotPostgres {
			e.Response = buf[:n]
		}
		return e
	}
	return nil
}

// verdictWait is how long closePolitely listens, after presenting a client
// certificate, for the server's judgement before it half-closes. A server that refuses
// the certificate sends an alert and closes at once; one that accepts it waits for a
// startup packet and sends nothing. Half-closing earlier would race the refusal: a
// server that closes with pgcert's close_notify still unread resets the connection,
// and the reset throws away its alert. So this is only how long the common case waits
// for the detail; the verdict does not depend on it (see ErrResetAfterHandshake).
const verdictWait = 500 * time.Millisecond

// ErrResetAfterHandshake stands for a refusal whose alert was lost: the server reset
// the connection right after the handshake instead of reading what followed, which a
// PostgreSQL server only does when it aborts the handshake.
var ErrResetAfterHandshake = errors.New("the server reset the connection right after the handshake: it refused the client certificate")

// closePolitely ends the session the way that leaves a PostgreSQL server nothing to
// complain about, and returns the TLS alert the server sent instead of closing, if any.
// It half-closes with close_notify and reads until the server closes: a PostgreSQL
// server takes a client gone before its startup packet for a monitoring check and
// closes without a word. Reading also learns whether the server accepted a client
// certificate: in TLS 1.3 the client's handshake ends before the server has judged the
// certificate, and a refusal comes as an alert afterwards, before the server closes.
// When a certificate was sent it first listens for that alert (verdictWait), and a
// reset in place of the alert is a refusal too. After an alert it reads on, below TLS,
// to the close. So when Probe returns, the server is done with the connection and has
// logged whatever it will.
func closePolitely(tc *tls.Conn, raw net.Conn, certSent bool) error {
	defer tc.Close()
	if certSent {
		raw.SetReadDeadline(time.Now().Add(verdictWait))
		_, err := tc.Read(make([]byte, 1))
		raw.SetReadDeadline(time.Time{})
		if alert := remoteAlert(err); alert != nil {
			io.Copy(io.Discard, raw)
			return alert
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			if isReset(err) {
				return ErrResetAfterHandshake
			}
			return nil
		}
	}
	if err := tc.CloseWrite(); err != nil {
		return nil
	}
	_, err := io.Copy(io.Discard, tc)
	if alert := remoteAlert(err); alert != nil {
		io.Copy(io.Discard, raw)
		return alert
	}
	if certSent && isReset(err) {
		return ErrResetAfterHandshake
	}
	return nil
}

// remoteAlert returns err when it is a TLS alert from the server.
func remoteAlert(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		return err
	}
	return nil
}

// failure turns err at stage into an *Error, telling timeouts apart.
func failure(ctx context.Context, addr string, stage Stage, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		e.Addr, e.Stage = addr, stage
		return e
	}
	e = &Error{Addr: addr, Stage: stage, Err: err}
	var ne net.Error
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		// The caller gave up: the interrupted read's deadline error would mislead.
		e.Err = ctx.Err()
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		e.Kind = ErrTimeout
	}
	return e
}

func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

func versionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLSv1"
	case tls.VersionTLS11:
		return "TLSv1.1"
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return tls.VersionName(v)
}
