package stepca

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/mail"
	"reflect"
)

// Issued is a certificate the CA signed, with the intermediates between it and
// the root.
type Issued struct {
	// Cert is the new certificate.
	Cert *x509.Certificate
	// Intermediates are the CA certificates step-ca sent after it, root excluded,
	// issuer first.
	Intermediates []*x509.Certificate
}

type signResponse struct {
	Crt       string   `json:"crt"`
	CA        string   `json:"ca"`
	CertChain []string `json:"certChain"`
}

// Request says what to ask the CA for: a certificate for Key's public half,
// named Subject (the Common Name) with SANs, authorised by Provisioner.
type Request struct {
	Provisioner *Provisioner
	Key         crypto.Signer
	Subject     string
	// SANs are DNS names, IP addresses or e-mail addresses; empty asks for the
	// Subject alone, as step-ca then does.
	SANs []string
}

// Issue makes a certificate request signed by r.Key (the key stays here), a
// one-time token for its names, and sends both to /1.0/sign. The answer is
// checked: the certificate is for r.Key and chains to the root.
func (c *Client) Issue(ctx context.Context, r Request) (*Issued, error) {
	sans := r.SANs
	if len(sans) == 0 {
		sans = []string{r.Subject}
	}
	csr, err := newCSR(r.Key, r.Subject, sans)
	if err != nil {
		return nil, err
	}
	return c.sign(ctx, r.Provisioner, csr, r.Subject, sans, r.Key.Public())
}

// SignRequest sends a certificate request made elsewhere (its key stays with
// whoever made it) with a one-time token for exactly its names: its Common Name
// as the subject, its DNS names, IP and e-mail addresses as the SANs (the
// Common Name alone when it has none), as step-ca requires.
func (c *Client) SignRequest(ctx context.Context, p *Provisioner, csr *x509.CertificateRequest) (*Issued, error) {
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("stepca: the request's signature: %w", err)
	}
	subject := csr.Subject.CommonName
	var sans []string
	sans = append(sans, csr.DNSNames...)
	for _, ip := range csr.IPAddresses {
		sans = append(sans, ip.String())
	}
	sans = append(sans, csr.EmailAddresses...)
	if len(sans) == 0 {
		if subject == "" {
			return nil, errors.New("stepca: the request names nothing: no Common Name, no SAN")
		}
		sans = []string{subject}
	}
	return c.sign(ctx, p, csr.Raw, subject, sans, csr.PublicKey)
}

// sign posts csr with a token for subject and sans to /1.0/sign and checks the
// answer is a certificate for pub.
func (c *Client) sign(ctx context.Context, p *Provisioner, csr []byte, subject string, sans []string, pub crypto.PublicKey) (*Issued, error) {
	tok, err := p.SignToken(subject, sans)
	if err != nil {
		return nil, err
	}
	body := map[string]string{"csr": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr})), "ott": tok}
	var resp signResponse
	if err := c.do(ctx, c.http, http.MethodPost, "/1.0/sign", body, &resp); err != nil {
		return nil, err
	}
	return c.checkIssued(resp, pub)
}

// newCSR is a request for key with the Common Name subject and sans sorted
// into DNS names, IP addresses and e-mail addresses.
func newCSR(key crypto.Signer, subject string, sans []string) ([]byte, error) {
	tmpl := &x509.CertificateRequest{Subject: pkix.Name{CommonName: subject}}
	for _, s := range sans {
		if ip := net.ParseIP(s); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if a, err := mail.ParseAddress(s); err == nil && a.Address == s {
			tmpl.EmailAddresses = append(tmpl.EmailAddresses, s)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, s)
		}
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		return nil, fmt.Errorf("stepca: certificate request: %w", err)
	}
	return der, nil
}

// checkIssued parses a sign or renew answer and checks it: a certificate for
// pub that chains to the root through the intermediates sent.
func (c *Client) checkIssued(resp signResponse, pub crypto.PublicKey) (*Issued, error) {
	var certs []*x509.Certificate
	for _, s := range resp.CertChain {
		cs, err := parseCertsPEM(s)
		if err != nil {
			return nil, fmt.Errorf("stepca: %s's answer: %w", c.URL, err)
		}
		certs = append(certs, cs...)
	}
	if len(certs) == 0 {
		for _, s := range []string{resp.Crt, resp.CA} {
			cs, err := parseCertsPEM(s)
			if err != nil {
				return nil, fmt.Errorf("stepca: %s's answer: %w", c.URL, err)
			}
			certs = append(certs, cs...)
		}
	}
	is := &Issued{Cert: certs[0]}
	for _, x := range certs[1:] {
		if !x.Equal(c.Root) {
			is.Intermediates = append(is.Intermediates, x)
		}
	}
	if pub != nil {
		if k, ok := is.Cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !k.Equal(pub) {
			return nil, fmt.Errorf("stepca: %s sent a certificate for another key", c.URL)
		}
	}
	if err := c.Verify(is); err != nil {
		return nil, err
	}
	return is, nil
}

// Verify checks that is chains to the client's root at the client's clock.
func (c *Client) Verify(is *Issued) error {
	roots := x509.NewCertPool()
	roots.AddCert(c.Root)
	inter := x509.NewCertPool()
	for _, x := range is.Intermediates {
		inter.AddCert(x)
	}
	_, err := is.Cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: c.now(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		return fmt.Errorf("stepca: the certificate from %s does not chain to its root: %w", c.URL, err)
	}
	return nil
}

// Renew asks the CA for a new certificate for the same key and names as cur,
// authenticating with cur and key over mutual TLS (step-ca's /1.0/renew, as
// `step ca renew` does). cur must still be valid: step-ca renews nothing else
// by default.
func (c *Client) Renew(ctx context.Context, cur *Issued, key crypto.Signer) (*Issued, error) {
	tc := &tls.Certificate{PrivateKey: key, Leaf: cur.Cert, Certificate: [][]byte{cur.Cert.Raw}}
	for _, x := range cur.Intermediates {
		tc.Certificate = append(tc.Certificate, x.Raw)
	}
	hc := c.newHTTP(tc)
	defer hc.CloseIdleConnections()
	var resp signResponse
	if err := c.do(ctx, hc, http.MethodPost, "/1.0/renew", nil, &resp); err != nil {
		return nil, err
	}
	is, err := c.checkIssued(resp, key.Public())
	if err != nil {
		return nil, err
	}
	if !reflect.DeepEqual(is.Cert.DNSNames, cur.Cert.DNSNames) || len(is.Cert.IPAddresses) != len(cur.Cert.IPAddresses) {
		return nil, fmt.Errorf("stepca: %s renewed the certificate with other names", c.URL)
	}
	return is, nil
}

// Reason codes for Revoke, RFC 5280's, which step-ca records in its CRL.
const (
	ReasonUnspecified   = 0
	ReasonKeyCompromise = 1
	ReasonSuperseded    = 4
	ReasonCessation     = 5
)

// Revoke revokes the certificate with serial on the CA, with a one-time token
// of p. step-ca revokes passively: it stops renewing the certificate and lists
// it in its CRL, which clients must fetch.
func (c *Client) Revoke(ctx context.Context, p *Provisioner, serial *big.Int, reasonCode int, reason string) error {
	if serial == nil || serial.Sign() <= 0 {
		return errors.New("stepca: revoke: a positive serial number is required")
	}
	tok, err := p.RevokeToken(serial.String())
	if err != nil {
		return err
	}
	body := map[string]any{"serial": serial.String(), "ott": tok, "reasonCode": reasonCode, "reason": reason, "passive": true}
	return c.do(ctx, c.http, http.MethodPost, "/1.0/revoke", body, nil)
}
