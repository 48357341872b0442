package stepca

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// Signer is a step-ca as a ca.Signer: the ca issue and sign commands certify
// through it as through a CA directory.
type Signer struct {
	// Ctx bounds the requests to the step-ca.
	Ctx context.Context
	// Connect reaches the step-ca and Provisioner decrypts the provisioner's
	// key (perhaps asking for its password); both are called by Open.
	Connect     func() (*Client, error)
	Provisioner func(*Client) (*Provisioner, error)
	// DefaultCADir returns the default CA directory: bundles go beside it
	// (its parent's clients/ROLE), as init puts them.
	DefaultCADir func() (string, error)

	client *Client
	prov   *Provisioner
}

// Home is the parent of the default CA directory.
func (s *Signer) Home() (string, error) {
	def, err := s.DefaultCADir()
	if err != nil {
		return "", err
	}
	return filepath.Dir(def), nil
}

// Open connects to the step-ca and decrypts the provisioner's key; the CA it
// returns is the root alone, until a certificate brings the intermediates.
func (s *Signer) Open() (*ca.CA, error) {
	var err error
	if s.client, err = s.Connect(); err != nil {
		return nil, err
	}
	if s.prov, err = s.Provisioner(s.client); err != nil {
		return nil, err
	}
	return ca.ChainOf(s.client.Root), nil
}

// Sign has the step-ca certify o: a request for exactly its names
// (SignRequest), a client key for the role, or a server key for the hosts
// (without an IPv6 literal's brackets). Errors come with hints (Hinted).
func (s *Signer) Sign(o ca.Order) (*ca.CA, *ca.Issued, error) {
	var is *Issued
	var err error
	switch {
	case o.CSR != nil:
		is, err = s.client.SignRequest(s.Ctx, s.prov, o.CSR)
	case o.Profile == selfsign.ClientLeaf:
		is, err = s.client.Issue(s.Ctx, Request{Provisioner: s.prov, Key: o.Key, Subject: o.Names[0]})
	default:
		names := make([]string, len(o.Names))
		for i, h := range o.Names {
			names[i] = strings.Trim(h, "[]")
		}
		is, err = s.client.Issue(s.Ctx, Request{Provisioner: s.prov, Key: o.Key, Subject: names[0], SANs: names})
	}
	if err != nil {
		return nil, nil, Hinted(err)
	}
	return s.client.Chain(is), &ca.Issued{Cert: is.Cert}, nil
}

// RootCertFile is "": pgcert keeps no file of a step-ca's root.
func (s *Signer) RootCertFile() string { return "" }
