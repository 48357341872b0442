package probe

import (
	"errors"
	"fmt"
	"time"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/chain"
)

// LibpqVerify is the verdict libpq gives a server chain: the chain verified against
// the roots as OpenSSL does (in any sslmode, once a root file exists, as libpq
// does), then for verify-full the host name with libpq's rules. rootFile is the root
// file the roots came from, empty when there is none; then require accepts anything
// and the verify modes fail naming defaultRoot, the file libpq looked for.
func LibpqVerify(rootFile, defaultRoot string) VerifyFunc {
	return func(in VerifyInput) error {
		if len(in.Chain) == 0 {
			return errors.New("the server sent no certificate")
		}
		if rootFile == "" {
			if in.Mode == "require" {
				return nil
			}
			return fmt.Errorf(`root certificate file "%s" does not exist`, defaultRoot)
		}
		leaf := chain.Input{Cert: in.Chain[0], File: "served"}
		_, err := chain.Verify(leaf, chain.VerifyOptions{
			Now:           in.Now,
			Roots:         chain.Inputs(rootFile, in.Roots),
			Intermediates: chain.Inputs("served", in.Chain[1:]),
			Purpose:       chain.PurposeServer,
		})
		var ve *chain.VerifyError
		if errors.As(err, &ve) {
			return fmt.Errorf("certificate verify failed: %s (%s, depth %d)", ve.Reason, chain.Subject(ve.Cert.Cert), ve.Depth)
		}
		if err != nil {
			return err
		}
		if in.Mode != "verify-full" {
			return nil
		}
		if in.Host == "" {
			// A service with hostaddr alone: libpq has no name to match.
			return errors.New("host name must be specified for a verified SSL connection")
		}
		if err := chain.MatchHost(in.Chain[0], in.Host); err != nil {
			var he *chain.HostError
			if errors.As(err, &he) {
				return errors.New(he.Message)
			}
			return err
		}
		return nil
	}
}

// Expiry is how close a served certificate is to its end.
type Expiry int

// The states of a served certificate.
const (
	Valid Expiry = iota
	// ExpiresSoon is within the warning window: time to renew before clients refuse.
	ExpiresSoon
	// Expired is past notAfter: libpq refuses it in verify-ca and verify-full.
	Expired
)

// Expiry says whether the certificate has expired at now, or expires within warnDays
// days of it.
func (c Certificate) Expiry(now time.Time, warnDays int) Expiry {
	switch {
	case c.DaysLeft < 0 || !now.Before(c.NotAfter):
		return Expired
	case c.NotAfter.Sub(now) <= time.Duration(warnDays)*24*time.Hour:
		return ExpiresSoon
	}
	return Valid
}

// InOrder reports whether each certificate of the chain is followed by its issuer,
// as TLS requires.
func (r *Result) InOrder() bool {
	for i, c := range r.Chain {
		if i+1 < len(r.Chain) && !c.IssuedByNext {
			return false
		}
	}
	return true
}

// Problems lists what should fail a monitoring check of the probed server: libpq's
// refusal, a certificate of the chain expired or expiring within warnDays of now, a
// server certificate signed with EdDSA (SCRAM channel binding fails), a client
// certificate the server refused. None means all is well.
func (r *Result) Problems(now time.Time, warnDays int) []string {
	out := []string{}
	if v := r.Verdict; v != nil && !v.OK {
		out = append(out, fmt.Sprintf("libpq with sslmode=%s refuses the server: %s", v.Mode, v.Error))
	}
	for i, c := range r.Chain {
		switch c.Expiry(now, warnDays) {
		case Expired:
			out = append(out, fmt.Sprintf("certificate %d, %s, expired on %s", i, c.Subject, dateText(c.NotAfter)))
		case ExpiresSoon:
			out = append(out, fmt.Sprintf("certificate %d, %s, expires on %s (%s, within --warn-days %d)", i, c.Subject, dateText(c.NotAfter), whenText(c.NotAfter, now), warnDays))
		}
	}
	if r.SCRAMError != "" || len(r.Chain) > 0 && r.Chain[0].Cert != nil && EdDSASigned(r.Chain[0].Cert) {
		// libpq hashes the server certificate for SCRAM channel binding with the
		// digest of its signature algorithm (RFC 5929), and EdDSA has none.
		out = append(out, fmt.Sprintf("the server certificate is signed with EdDSA: SCRAM password logins over SSL fail with %q (sign it with an ec or rsa key)", SCRAMError))
	}
	if r.ClientCertError != "" {
		out = append(out, "the server refused the client certificate: "+r.ClientCertError)
	}
	return out
}

// The shared words (internal/words) under the names this package uses.
var (
	dateText = words.Date
	whenText = words.When
)
