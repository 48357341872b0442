package chain

import (
	"crypto/x509"
	"errors"
	"slices"

	"github.com/pgcert/pgcert/pkg/pgdata"
)

// Verdict is the outcome of verifying one certificate file the way the other side of
// a connection does: libpq checking a server's certificate, or the server checking a
// client's. `pgcert verify` and `pgcert root --check-chain` report it.
type Verdict struct {
	// File names the certificate file.
	File    string
	Purpose Purpose
	// Chain is the chain as far as OpenSSL would get, leaf first.
	Chain []Input
	// Err is the first error OpenSSL reports, nil when the chain verifies.
	Err *VerifyError
	// Hosts are the host names matched with libpq's rules, in the order given.
	Hosts []HostCheck
	// CRLCheck is set when CRLs were given, so that every CA of the chain needed a
	// current one.
	CRLCheck bool
	// Auth is the server's cert authentication of the leaf, when the caller asked
	// for it (pgdata.CheckCertAuth): `pgcert verify --user`.
	Auth *pgdata.CertAuthCheck
}

// HostCheck is one host name matched against the leaf with libpq's rules.
type HostCheck struct {
	Host string
	// Err is libpq's refusal, nil when the name matches.
	Err *HostError
}

// OK reports whether the chain, every host and the cert login (with Auth) passed.
func (v *Verdict) OK() bool {
	if v.Err != nil || v.Auth != nil && !v.Auth.OK {
		return false
	}
	for _, h := range v.Hosts {
		if h.Err != nil {
			return false
		}
	}
	return true
}

// VerifyFile verifies the first certificate of ins — the one a peer presents as its
// own — with the rest of ins as the certificates it sends along, as the verifier of
// opts.Purpose would, then matches hosts with libpq's rules for sslmode=verify-full.
// A refusal is the Verdict's, not an error: the error is for what stops the check
// itself.
func VerifyFile(file string, ins []Input, opts VerifyOptions, hosts []string) (*Verdict, error) {
	v := &Verdict{File: file, Purpose: opts.Purpose, CRLCheck: len(opts.CRLs) > 0}
	opts.Intermediates = append(ins[1:len(ins):len(ins)], opts.Intermediates...)
	got, err := Verify(ins[0], opts)
	v.Chain = got
	if err != nil {
		var ve *VerifyError
		if !errors.As(err, &ve) {
			return nil, err
		}
		v.Err = ve
	}
	for _, h := range hosts {
		hc := HostCheck{Host: h}
		if err := MatchHost(ins[0].Cert, h); err != nil {
			if !errors.As(err, &hc.Err) {
				return nil, err
			}
		}
		v.Hosts = append(v.Hosts, hc)
	}
	return v, nil
}

// PurposeOf is the purpose a certificate's extendedKeyUsage says it is for: a client
// certificate when it names clientAuth and not serverAuth, else a server certificate
// (the more demanding check, and what a certificate without EKU is usually for).
func PurposeOf(c *x509.Certificate) Purpose {
	if slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageClientAuth) && !slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageServerAuth) {
		return PurposeClient
	}
	return PurposeServer
}

// Name is the purpose's name on pgcert's command line: server, client or any.
func (p Purpose) Name() string {
	switch p {
	case PurposeServer:
		return "server"
	case PurposeClient:
		return "client"
	}
	return "any"
}

// Verifier says who verifies a certificate of purpose p, and when.
func (p Purpose) Verifier() string {
	if p == PurposeClient {
		return "as the server checks a client certificate (clientcert=verify-ca or verify-full, or cert authentication)"
	}
	return "as libpq checks the server (sslmode=verify-ca or verify-full)"
}

// PeerWords says what each side of the connection prints when verification of a
// certificate of purpose p fails with reason r: the client's error (psql's) and the
// server's log line. The verifier prints its own error, the other side the TLS alert
// it receives; libpq prints "SSL error: " before OpenSSL's text, the server
// "could not accept SSL connection: ".
func PeerWords(p Purpose, r Reason) (client, server string) {
	if p == PurposeClient {
		return "SSL error: " + r.Alert(), "could not accept SSL connection: certificate verify failed"
	}
	return "SSL error: certificate verify failed", "could not accept SSL connection: " + r.Alert()
}

// Anchored reports whether OpenSSL reached a trust anchor before failing with r: the
// chain-building errors end below any root, so the last certificate of the chain
// is then not a root.
func (r Reason) Anchored() bool {
	switch r {
	case UnableToGetIssuerCert, UnableToGetIssuerCertLocally, DepthZeroSelfSignedCert,
		SelfSignedCertInChain, CertChainTooLong:
		return false
	}
	return true
}
