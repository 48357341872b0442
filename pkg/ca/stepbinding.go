package ca

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// A data directory whose SSL files come from a step-ca records that CA in the same
// DataDirFile, as a StepRecord: the CA's address and its root's fingerprint. That
// is all `pgcert renew -D` needs from a timer: step-ca renews a certificate for
// whoever proves possession of it and its key (mutual TLS), and its CRL is public.
// No password and no key path is recorded: the file belongs to the database user,
// and a path written there must never make a root run read a secret or sign with a
// key. Commands that need the provisioner's password (new certificates,
// revocation) take it from their flags.

// StepRecord is what DataDirFile holds for a data directory bound to a step-ca.
type StepRecord struct {
	// URL is the CA's address, https://HOST[:PORT].
	URL string
	// RootSHA256 is the hex SHA-256 fingerprint of the CA's root certificate.
	RootSHA256 string
	// Provisioner is the JWK provisioner that authorised the certificates, the
	// default of later commands.
	Provisioner string
}

// Marshal returns the record as DataDirFile holds it.
func (r StepRecord) Marshal() []byte {
	return fmt.Appendf(nil, "# The step-ca this data directory's SSL files come from (written by pgcert).\nstep_ca_url = %s\nstep_ca_root_sha256 = %s\nstep_ca_provisioner = %s\n",
		r.URL, r.RootSHA256, r.Provisioner)
}

// StepBoundError says that a data directory's files come from a step-ca, not from
// a CA directory: commands that work with a CA directory refuse it, naming the CA.
type StepBoundError struct {
	DataDir string
	Record  StepRecord
}

func (e *StepBoundError) Error() string {
	return fmt.Sprintf("%s records the step-ca at %s, not a CA directory", filepath.Join(e.DataDir, DataDirFile), e.Record.URL)
}

// ErrNotStep says that a data directory's record names a CA directory, not a
// step-ca.
var ErrNotStep = errors.New("ca: the data directory's record names a CA directory, not a step-ca")

// ReadStepRecord reads dataDir's DataDirFile as a step-ca's record: a
// *NotBoundError when there is none, ErrNotStep when it names a CA directory.
func ReadStepRecord(dataDir string) (*StepRecord, error) {
	path := filepath.Join(dataDir, DataDirFile)
	data, err := fsutil.ReadRegular(path, recordLimit)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NotBoundError{DataDir: dataDir}
	}
	if err != nil {
		return nil, err
	}
	rec, err := parseStepRecord(path, data)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, ErrNotStep
	}
	return rec, nil
}

// parseStepRecord returns the step-ca record in data, nil when it is not one.
func parseStepRecord(path string, data []byte) (*StepRecord, error) {
	var r StepRecord
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		switch v = strings.TrimSpace(v); strings.TrimSpace(k) {
		case "step_ca_url":
			r.URL = v
		case "step_ca_root_sha256":
			r.RootSHA256 = strings.ToLower(v)
		case "step_ca_provisioner":
			r.Provisioner = v
		}
	}
	if r.URL == "" {
		return nil, nil
	}
	if !strings.HasPrefix(r.URL, "https://") || len(r.RootSHA256) != 64 {
		return nil, fmt.Errorf("ca: %s holds no https step_ca_url and step_ca_root_sha256: not a record pgcert wrote", path)
	}
	return &r, nil
}

// ChainOf returns a CA made of certificates alone: the issuer first, then its
// issuers up to the root. It has no directory and no key, so it cannot sign or
// revoke; it lets the layouts of a CA directory (ClientBundleWith, Chain, Root)
// serve the certificates another CA issued, such as a step-ca.
func ChainOf(certs ...*x509.Certificate) *CA {
	var c *CA
	for i := len(certs) - 1; i >= 0; i-- {
		c = &CA{Cert: certs[i], Parent: c}
	}
	return c
}
