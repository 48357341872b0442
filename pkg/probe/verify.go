package probe

import (
	"crypto/x509"
	"time"
)

// DefaultSSLMode is the sslmode a verdict is given for when Config.SSLMode is empty:
// verify-full, the only mode in which libpq makes sure it talks to the server it named,
// and the one PostgreSQL's manual recommends against impersonation.
const DefaultSSLMode = "verify-full"

// VerifyInput is what a VerifyFunc judges: the chain as the server sent it and what a
// libpq client would hold in its connection string.
type VerifyInput struct {
	// Chain is the server's certificates in the order it sent them, leaf first.
	Chain []*x509.Certificate
	// Roots is the client's trusted CAs (sslrootcert, root.crt).
	Roots []*x509.Certificate
	// Host is libpq's host: the name verify-full compares with the certificate (never
	// hostaddr).
	Host string
	// Mode is libpq's sslmode: require, verify-ca or verify-full.
	Mode string
	// Now is the time validity is judged at.
	Now time.Time
}

// VerifyFunc says what libpq would say of a server chain: nil when libpq would accept
// it, else the reason it would refuse. The probe takes it as a parameter so that the
// rules live in one place (pkg/chain implements libpq's host name matching, which
// differs from crypto/x509's: see POSTGRES-SSL.md).
type VerifyFunc func(VerifyInput) error

// Verdict is a VerifyFunc's judgment of the served chain.
type Verdict struct {
	Mode string `json:"sslmode"`
	Host string `json:"host"`
	OK   bool   `json:"ok"`
	// Error is Err's message, for JSON.
	Error string `json:"error,omitempty"`
	Err   error  `json:"-"`
}

func verdict(verify VerifyFunc, in VerifyInput) *Verdict {
	err := verify(in)
	v := &Verdict{Mode: in.Mode, Host: in.Host, OK: err == nil, Err: err}
	if err != nil {
		v.Error = err.Error()
	}
	return v
}
