package probe

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"time"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/style"
)

// Report is what `pgcert probe` says of one server: the probe's Result with the
// target, the root file used, and whether the chain passes (no problem within
// WarnDays). Its JSON is the command's --json document.
type Report struct {
	Host     string `json:"host"`
	HostAddr string `json:"hostaddr,omitempty"`
	Port     int    `json:"port"`
	RootFile string `json:"root_file,omitempty"`
	*Result
	WarnDays int      `json:"warn_days"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
}

// NewReport judges res as of now: a problem is a refusal by libpq or a certificate
// of the chain expiring within warnDays. cfg gives the target's names as the user
// gave them, and rootFile the roots the verdict used ("" for none).
func NewReport(cfg Config, rootFile string, res *Result, now time.Time, warnDays int) *Report {
	r := &Report{
		Host: cfg.Host, HostAddr: cfg.HostAddr, Port: cfg.Port, RootFile: rootFile, Result: res, WarnDays: warnDays,
		Problems: res.Problems(now, warnDays),
	}
	r.OK = len(r.Problems) == 0
	return r
}

// WriteText writes the report for a person, one labelled line per fact, the
// chain's certificates indented under it; expiry as of now is painted by s.
func (r *Report) WriteText(w io.Writer, s style.Style, now time.Time) {
	target := r.Addr
	if r.ServerName != "" || r.HostAddr != "" {
		target += " (host " + r.Host + ")"
	}
	fmt.Fprintf(w, "%-10s %s\n", "server", target)
	fmt.Fprintf(w, "%-10s %s, %s\n", "protocol", r.TLSVersion, r.CipherSuite)
	if r.Unfinished != "" {
		fmt.Fprintf(w, "%-10s %s\n", "note", r.Unfinished)
	}
	order := "in order"
	if !r.InOrder() {
		order = "NOT in order: each certificate should be followed by its issuer"
	}
	fmt.Fprintf(w, "%-10s %s sent, %s\n", "chain", words.Plural(len(r.Chain), "certificate", "certificates"), order)
	for i, c := range r.Chain {
		fmt.Fprintf(w, "  %d %s\n", i, s.Bold(c.Subject))
		fmt.Fprintf(w, "    %-8s %s\n", "issuer", c.Issuer)
		days := fmt.Sprintf("%d days left", c.DaysLeft)
		switch c.Expiry(now, r.WarnDays) {
		case Expired:
			days = s.Red("expired")
		case ExpiresSoon:
			days = s.Yellow(days)
		}
		fmt.Fprintf(w, "    %-8s %s to %s (%s)\n", "valid", words.Date(c.NotBefore), words.Date(c.NotAfter), days)
		var names []string
		for _, n := range c.DNSNames {
			names = append(names, "DNS:"+n)
		}
		for _, n := range c.IPAddresses {
			names = append(names, "IP:"+n)
		}
		if len(names) > 0 {
			fmt.Fprintf(w, "    %-8s %s\n", "names", strings.Join(names, ", "))
		}
		fmt.Fprintf(w, "    %-8s %s\n", "serial", c.Serial)
		fmt.Fprintf(w, "    %-8s %s\n", "sha256", c.SHA256)
	}
	switch {
	case !r.ClientCertRequested:
		fmt.Fprintf(w, "%-10s %s\n", "client", "no client certificate requested (no ssl_ca_file)")
	case len(r.AcceptableCAs) == 0:
		fmt.Fprintf(w, "%-10s %s\n", "client", "a client certificate is requested, from any CA")
	default:
		fmt.Fprintf(w, "%-10s a client certificate is requested, from %s\n", "client", strings.Join(r.AcceptableCAs, "; "))
	}
	if r.ClientCertSent {
		if r.ClientCertError == "" {
			fmt.Fprintf(w, "%-10s %s\n", "", "the client certificate was accepted")
		} else {
			fmt.Fprintf(w, "%-10s %s\n", "", s.Red("the client certificate was refused: "+r.ClientCertError))
		}
	}
	if v := r.Verdict; v != nil {
		root := r.RootFile
		if root == "" {
			root = "no root file"
		}
		if v.OK {
			fmt.Fprintf(w, "%-10s %s: libpq with sslmode=%s, host %s and %s accepts the server\n", "verdict", s.Green("ok"), v.Mode, v.Host, root)
		} else {
			fmt.Fprintf(w, "%-10s %s: libpq with sslmode=%s, host %s and %s refuses the server: %s\n", "verdict", s.Red("refused"), v.Mode, v.Host, root, v.Error)
		}
	}
	for _, p := range r.Problems {
		// libpq's refusal is the verdict line already.
		if r.Verdict != nil && !r.Verdict.OK && strings.HasPrefix(p, "libpq ") {
			continue
		}
		fmt.Fprintf(w, "%s %s\n", s.Yellow(style.Pad("problem", 10)), p)
	}
}

// Explain turns a failure of Probe into one line for a person, by kind: the
// address dialled (target when the error names none), and what the failure
// usually means (ssl = off, nothing listening, the timeout given).
func Explain(err error, target string, timeout time.Duration) error {
	var pe *Error
	addr := target
	if errors.As(err, &pe) && pe.Addr != "" {
		addr = pe.Addr
	}
	text := strings.TrimPrefix(err.Error(), "probe: ")
	switch {
	case errors.Is(err, ErrSSLRefused):
		return hint.Errorf(nil, "%s: the server refuses SSL: it answered 'N' to SSLRequest (ssl = off in its postgresql.conf?)", addr)
	case errors.Is(err, ErrNotPostgres):
		return hint.Errorf(nil, "%s", text)
	case errors.Is(err, ErrTimeout):
		return hint.Errorf(nil, "%s (after %s)", text, timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return hint.Errorf(nil, "%s: connection refused: nothing listens there (is the server running, with that port and listen_addresses?)", addr)
	}
	return hint.Errorf(nil, "%s", text)
}

// ClientCertificate is what a probe presents (Config.Certificate): certs, read
// from certFile, with the key read from keyFile, which must be the first
// certificate's, as libpq's sslcert and sslkey.
func ClientCertificate(certs []*x509.Certificate, key crypto.Signer, certFile, keyFile string) (*tls.Certificate, error) {
	if !keys.PublicKeysEqual(key.Public(), certs[0].PublicKey) {
		return nil, hint.Errorf([]string{"give the key the certificate was issued for"}, "%s does not belong to the first certificate of %s (%s)", keyFile, certFile, chain.Subject(certs[0]))
	}
	tc := &tls.Certificate{PrivateKey: key, Leaf: certs[0]}
	for _, c := range certs {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	return tc, nil
}
