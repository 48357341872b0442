package rotate

import (
	"context"
	"crypto"
	"io"
	"net"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// RenewFraction is the part of a certificate's lifetime left when Renew replaces it
// by default: a third, as ACME clients do (certbot renews 90-day certificates with
// 30 days left), so a renewal that fails keeps being retried, and noticed, for a
// long time before anything breaks: an 825-day certificate is renewed with 275 days
// left, a 90-day one with 30.
const RenewFraction = 3

// DefaultReloadWait bounds how long a reload waits for the server to serve the new
// certificate. A reload takes milliseconds; loading a CRL of a million entries takes
// a few seconds, and a loaded machine more.
const DefaultReloadWait = 30 * time.Second

// Validator judges a new set of files before it replaces the current one: s is the
// data directory's setup with s.Staged naming the new files, now the run's clock.
// It returns the errors that refuse the set and the warnings to pass on, each one
// line naming the file. pgcert wires it to the checks of `pgcert check`.
type Validator func(s *pgdata.Setup, now time.Time) (problems, warnings []string)

// Options say what Renew and Rollback work on, what they may do, and give them the
// world they run in.
type Options struct {
	// Setup is the data directory's configuration, as pgdata.ReadSetup reads it.
	Setup *pgdata.Setup

	// Force renews the certificate and every CRL even when nothing is due.
	Force bool
	// Rekey makes a new server key of the current one's kind.
	Rekey bool
	// Days is the new certificate's validity; 0 keeps the current one's lifetime.
	Days int
	// Within, when WithinSet, replaces the default renewal point (a third of the
	// certificate's lifetime, RenewFraction).
	Within    time.Duration
	WithinSet bool
	// Reload signals the running server and confirms it serves the new files.
	Reload bool
	// Wait bounds the wait for that confirmation; 0 means DefaultReloadWait.
	Wait time.Duration
	// AllowOutside are files outside the data directory (or reached through a
	// symbolic link) that the admin allows a run to create, replace or remove
	// whoever owns them (--allow-outside). Without it only files the data
	// directory's owner could have changed themselves are, since the settings
	// naming them are that owner's to write (OutsideError).
	AllowOutside []string

	// Now is the clock, read once per run: the plan, the new certificate, the new
	// CRLs and their validation all use that one reading, so a CRL made a second
	// after the plan is never judged "not yet valid" by it. Nil means time.Now.
	Now func() time.Time
	// Rand is the randomness of serials, keys and signatures; nil means
	// crypto/rand.
	Rand io.Reader
	// OpenCA opens the CA that issued the server certificate (Renew only).
	OpenCA func() (*ca.CA, error)
	// Remote, when set, is the CA service that issued it (a step-ca), used
	// instead of OpenCA.
	Remote Remote
	// Unlock loads a CA's private key before it signs, asking for its passphrase
	// if need be; nil loads it without a passphrase (ca.CA.Unlock(nil)).
	Unlock func(*ca.CA) error
	// GenerateKey makes the new key of --rekey; nil means keys.Generate with Rand.
	GenerateKey func(keys.GenerateOptions) (crypto.Signer, error)
	// Validate judges the staged set; nil installs it unjudged.
	Validate Validator
	// Signal sends SIGHUP to the postmaster; nil means the system's kill(2), after
	// making sure the process is a PostgreSQL server.
	Signal func(pid int) error
	// Dial is the network of the reload's probes; nil means the system's.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// Warn and Info receive what a person should hear: warnings, and progress that
	// a quiet run leaves out. Nil drops them.
	Warn, Info func(msg string)
}

func (o *Options) warn(msg string) {
	if o.Warn != nil {
		o.Warn(msg)
	}
}

func (o *Options) info(msg string) {
	if o.Info != nil {
		o.Info(msg)
	}
}

func (o *Options) wait() time.Duration {
	if o.Wait <= 0 {
		return DefaultReloadWait
	}
	return o.Wait
}

func (o *Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}
