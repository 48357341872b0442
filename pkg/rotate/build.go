package rotate

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
)

// newSet is what replaces the current files.
type newSet struct {
	cert   *ca.Issued
	chain  []byte // the new ssl_cert_file
	keyPEM []byte // the new ssl_key_file, with Rekey
	crlPEM []byte // the new ssl_crl_file
	crls   []CRLInfo
}

// newLeaf is the certificate the server will serve once the set is in place.
func (s *newSet) newLeaf(r *renewer) *x509.Certificate {
	if s.cert != nil {
		return s.cert.Cert
	}
	return r.leaf
}

// build signs what is due: the server certificate, the CRLs.
func (r *renewer) build() (*newSet, error) {
	set := &newSet{}
	if r.certDue {
		if err := r.unlock(r.c); err != nil {
			return nil, err
		}
		req, err := ca.Renewal(r.leaf, r.pub)
		if err != nil {
			return nil, withHints(fmt.Errorf("%s: %w", r.certFile.Path, err), "the first certificate of ssl_cert_file must be the server's own")
		}
		if r.opts.Rekey {
			key, err := r.generateKey(LikeKey(r.pub))
			if err != nil {
				return nil, err
			}
			if set.keyPEM, err = keys.MarshalPKCS8PEM(key); err != nil {
				return nil, err
			}
			req.PublicKey = key.Public()
		}
		req.Days = r.opts.Days
		if req.Days == 0 {
			req.Days = max(durationDays(r.leaf.NotAfter.Sub(r.leaf.NotBefore)), 1)
		}
		req.Now, req.Rand = r.now, r.opts.Rand
		if set.cert, err = r.c.Issue(req); err != nil {
			return nil, issueError(r.c, err)
		}
		if note := set.cert.ClampNote(); note != "" {
			r.opts.warn(note)
		}
		set.chain = serverChain(r.c, set.cert.Cert, r.leavesOutRoot())
	}
	if r.crlDue {
		for _, x := range r.c.CAs() {
			if err := r.unlock(x); err != nil {
				return nil, err
			}
		}
		pemData, infos, err := r.c.ChainCRLs(ca.CRLOptions{Now: r.now, Rand: r.opts.Rand})
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		b.Write(pemData)
		for _, l := range r.foreign {
			b.WriteString(crl.Comment(l))
			b.WriteByte('\n')
			pem.Encode(&b, &pem.Block{Type: "X509 CRL", Bytes: l.Raw})
		}
		set.crlPEM, set.crls = b.Bytes(), infos
	}
	return set, nil
}

func (r *renewer) unlock(c *ca.CA) error {
	if r.opts.Unlock == nil {
		return c.Unlock(nil)
	}
	return r.opts.Unlock(c)
}

func (r *renewer) generateKey(o keys.GenerateOptions) (crypto.Signer, error) {
	if r.opts.GenerateKey != nil {
		return r.opts.GenerateKey(o)
	}
	o.Rand = r.opts.Rand
	return keys.Generate(o)
}

// issueError adds what to do to an error of ca.Issue.
func issueError(c *ca.CA, err error) error {
	var ee *ca.ExpiredError
	if errors.As(err, &ee) {
		return withHints(err, fmt.Sprintf("the CA in %s can no longer sign: make a new CA in another directory, and move the data directory to it with init's --new-ca (every client must then trust the new root)", c.Dir))
	}
	return err
}

// serverChain is the new ssl_cert_file: the leaf, the intermediates, and the root
// when the file holds more than one certificate (the manual's advice) unless noRoot.
func serverChain(c *ca.CA, leaf *x509.Certificate, noRoot bool) []byte {
	certs := append([]*x509.Certificate{leaf}, c.Intermediates()...)
	if root := c.Root(); root != nil && len(certs) > 1 && !noRoot {
		certs = append(certs, root)
	}
	return ca.PEM(certs...)
}

// leavesOutRoot reports whether the current server.crt holds issuers but not the
// self-signed root: the renewed file then leaves it out too.
func (r *renewer) leavesOutRoot() bool {
	if len(r.certs) < 2 {
		return false
	}
	for _, c := range r.certs[1:] {
		if bytes.Equal(c.RawIssuer, c.RawSubject) {
			return false
		}
	}
	return true
}

// LikeKey returns the options that generate a key of pub's kind: the same algorithm,
// curve or RSA size, so that a renewal with a new key changes nothing else. An RSA
// size pgcert does not generate becomes the default one, and an unknown kind ECDSA
// P-256, pgcert's default.
func LikeKey(pub crypto.PublicKey) keys.GenerateOptions {
	alg, bits, curve := keys.DescribePublicKey(pub)
	switch alg {
	case "RSA":
		if bits != 2048 && bits != 3072 && bits != 4096 {
			bits = 0
		}
		return keys.GenerateOptions{Type: keys.TypeRSA, Bits: bits}
	case "RSA-PSS":
		if bits != 2048 && bits != 3072 && bits != 4096 {
			bits = 0
		}
		return keys.GenerateOptions{Type: keys.TypeRSAPSS, Bits: bits}
	case "Ed25519":
		return keys.GenerateOptions{Type: keys.TypeEd25519}
	case "ECDSA":
		if c, err := keys.ParseCurve(curve); err == nil {
			return keys.GenerateOptions{Type: keys.TypeEC, Curve: c}
		}
	}
	return keys.GenerateOptions{Type: keys.TypeEC}
}
