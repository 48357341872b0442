package ca

import (
	"crypto"
	"crypto/x509"
	"errors"
	"strings"

	"github.com/pgcert/pgcert/pkg/selfsign"
)

// ServerRequest is the Request for a server certificate for hosts, the names and
// addresses clients connect to: Common Name the first host (an IPv6 literal without
// its brackets), every host a DNS or IP subject alternative name, which libpq's
// verify-full matches the host against. The Request's Days, Now and Rand are left
// for the caller. An error is selfsign.HostSANs' refusal of a host.
func ServerRequest(hosts []string, pub crypto.PublicKey) (Request, error) {
	if len(hosts) == 0 {
		return Request{}, errors.New("ca: a server certificate needs a host name")
	}
	sans, err := selfsign.HostSANs(hosts)
	if err != nil {
		return Request{}, err
	}
	return Request{Profile: selfsign.ServerLeaf, Subject: commonNameRDN(strings.Trim(hosts[0], "[]")), SANs: sans, PublicKey: pub}, nil
}

// ClientRequest is the Request for a client certificate for a database role: the
// Common Name is the role, which the server's cert method logs the connection in as.
func ClientRequest(role string, pub crypto.PublicKey) Request {
	return Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN(role), PublicKey: pub}
}

// ErrNoRole refuses a client certificate request without a Common Name: the
// certificate would name no role for the cert method to log in as.
var ErrNoRole = errors.New("ca: the request has no Common Name, so the certificate would name no role")

// CSRRequest is the Request for signing an outside certificate request with profile
// (selfsign.ServerLeaf or selfsign.ClientLeaf): the subject is copied byte for byte
// and the subject alternative names too; the profile alone decides what the
// certificate may do, whatever else the request asks for (a CA:TRUE least of all).
// The request's signature must have been checked (selfsign.ParseRequest does).
func CSRRequest(csr *x509.CertificateRequest, profile selfsign.Profile) (Request, error) {
	if profile == selfsign.ClientLeaf && csr.Subject.CommonName == "" {
		return Request{}, ErrNoRole
	}
	return Request{Profile: profile, RawSubject: csr.RawSubject, SANs: selfsign.RequestSANs(csr), PublicKey: csr.PublicKey}, nil
}
