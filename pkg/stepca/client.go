package stepca

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds each request to the CA: step-ca answers in milliseconds,
// and a renewal from a timer must fail with a clear error rather than hang.
const DefaultTimeout = 30 * time.Second

// responseLimit bounds what is read of an answer: a CRL of a million entries is
// about 60 MB; every other answer is a few kilobytes.
const responseLimit = 128 << 20

// Options say which CA to talk to and how to trust it. URL and one of Root and
// Fingerprint are required.
type Options struct {
	// URL is the CA's address, https://HOST[:PORT].
	URL string
	// Root is the CA's root certificate (the trust anchor). When nil, it is
	// fetched from the CA and must have Fingerprint.
	Root *x509.Certificate
	// Fingerprint is the hex SHA-256 of the root's DER, as `step certificate
	// fingerprint` prints it. With Root, both must agree.
	Fingerprint string
	// Timeout bounds each request (0: DefaultTimeout).
	Timeout time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Client talks to one step-ca, trusting only its root.
type Client struct {
	// URL is the CA's address without a trailing slash.
	URL string
	// Root is the CA's root certificate.
	Root *x509.Certificate

	base    *url.URL
	timeout time.Duration
	now     func() time.Time
	http    *http.Client
}

// Fingerprint returns the hex SHA-256 of cert's DER, the form step-ca's
// tokens and `step ca bootstrap` use.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// New returns a client for the CA at o.URL. Without o.Root it fetches the root
// from /root/{fingerprint} over a connection it cannot verify yet, and keeps it
// only when its fingerprint is o.Fingerprint.
func New(ctx context.Context, o Options) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(o.URL, "/"))
	if err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("stepca: %q is not a CA address: give https://HOST[:PORT]", o.URL)
	}
	u.Path = ""
	c := &Client{URL: u.String(), base: u, timeout: o.Timeout, now: o.Now}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.now == nil {
		c.now = time.Now
	}
	fp := strings.ToLower(strings.ReplaceAll(o.Fingerprint, ":", ""))
	switch {
	case o.Root != nil:
		if fp != "" && Fingerprint(o.Root) != fp {
			return nil, &RootMismatchError{URL: "the root file", Want: fp, Got: Fingerprint(o.Root)}
		}
		c.Root = o.Root
	case len(fp) == 64:
		if c.Root, err = c.fetchRoot(ctx, fp); err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("stepca: give the CA's root certificate or its SHA-256 fingerprint (64 hex digits)")
	}
	c.http = c.newHTTP(nil)
	return c, nil
}

// newHTTP returns an HTTP client that trusts c.Root only, presenting cert when
// given (mutual TLS, for renewals).
func (c *Client) newHTTP(cert *tls.Certificate) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(c.Root)
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12, Time: c.now}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return &http.Client{Timeout: c.timeout, Transport: &http.Transport{TLSClientConfig: cfg, Proxy: http.ProxyFromEnvironment}}
}

// fetchRoot gets the root certificate by its fingerprint. The connection cannot
// be verified before there is a root: the fingerprint is what makes the answer
// trustworthy, as with `step ca bootstrap`.
func (c *Client) fetchRoot(ctx context.Context, fp string) (*x509.Certificate, error) {
	insecure := &http.Client{Timeout: c.timeout, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12},
		Proxy:           http.ProxyFromEnvironment,
	}}
	var resp struct {
		CA string `json:"ca"`
	}
	if err := c.do(ctx, insecure, http.MethodGet, "/root/"+fp, nil, &resp); err != nil {
		return nil, err
	}
	cert, err := parseCertPEM(resp.CA)
	if err != nil {
		return nil, fmt.Errorf("stepca: the root from %s: %w", c.URL, err)
	}
	if got := Fingerprint(cert); got != fp {
		return nil, &RootMismatchError{URL: c.URL, Want: fp, Got: got}
	}
	return cert, nil
}

// Health asks the CA's /health: nil when it says ok.
func (c *Client) Health(ctx context.Context) error {
	var resp struct {
		Status string `json:"status"`
	}
	if err := c.do(ctx, c.http, http.MethodGet, "/health", nil, &resp); err != nil {
		return err
	}
	if resp.Status != "ok" {
		return &RefusedError{URL: c.URL + "/health", Status: http.StatusOK, Message: "status " + resp.Status}
	}
	return nil
}

// do sends a request with a JSON body (nil: none) and decodes a JSON answer
// into out (nil: ignored). Errors: *UnreachableError, *RefusedError.
func (c *Client) do(ctx context.Context, hc *http.Client, method, path string, body, out any) error {
	data, err := c.doRaw(ctx, hc, method, path, body)
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("stepca: %s%s: not step-ca's answer: %w", c.URL, path, err)
	}
	return nil
}

func (c *Client) doRaw(ctx context.Context, hc *http.Client, method, path string, body any) ([]byte, error) {
	u := c.URL + path
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("stepca: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &UnreachableError{URL: u, Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, responseLimit+1))
	if err != nil {
		return nil, &UnreachableError{URL: u, Err: err}
	}
	if len(data) > responseLimit {
		return nil, fmt.Errorf("stepca: %s: the answer is over %d MB", u, responseLimit>>20)
	}
	if resp.StatusCode/100 != 2 {
		return nil, &RefusedError{URL: u, Status: resp.StatusCode, Message: errorMessage(data)}
	}
	return data, nil
}

// errorMessage is step-ca's message in an error answer ({"status":..,
// "message":..}), or the start of the body.
func errorMessage(data []byte) string {
	var e struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
	}
	if json.Unmarshal(data, &e) == nil && (e.Message != "" || e.Detail != "") {
		if e.Message == "" {
			return e.Detail
		}
		return e.Message
	}
	s := strings.TrimSpace(string(data))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		s = "no message"
	}
	return s
}

// parseCertPEM parses the first certificate of a PEM text.
func parseCertPEM(s string) (*x509.Certificate, error) {
	certs, err := parseCertsPEM(s)
	if err != nil {
		return nil, err
	}
	return certs[0], nil
}

// parseCertsPEM parses every certificate of a PEM text; none is an error.
func parseCertsPEM(s string) ([]*x509.Certificate, error) {
	rest := []byte(s)
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, cert)
	}
	if len(out) == 0 {
		return nil, errors.New("no certificate in the answer")
	}
	return out, nil
}
