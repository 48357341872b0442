package cli

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// verification is the outcome of verifying one certificate file, as `pgcert verify`
// and `pgcert root --check-chain` report it.
type verification struct {
	File     string
	Purpose  chain.Purpose
	Chain    []chain.Input // as far as OpenSSL would get, leaf first
	Err      *chain.VerifyError
	Hosts    []hostCheck
	CRLCheck bool
	// Auth is verify --user's prediction of the cert method; nil without it.
	Auth *certAuthCheck
}

// certAuthCheck is the server's cert authentication of the certificate as Role.
type certAuthCheck struct {
	Role       string `json:"role"`
	ClientName string `json:"clientname"`
	Map        string `json:"map,omitempty"`
	pgdata.CertAuth
}

// hostCheck is one --host matched with libpq's rules.
type hostCheck struct {
	Host string
	Err  *chain.HostError
}

// OK reports whether the chain and every host passed.
func (v *verification) OK() bool {
	if v.Err != nil || (v.Auth != nil && !v.Auth.OK) {
		return false
	}
	for _, h := range v.Hosts {
		if h.Err != nil {
			return false
		}
	}
	return true
}

// verifyFile verifies the first certificate of ins — the one a peer presents as its
// own — with the rest of ins as the certificates it sends along, as the verifier of
// purpose would, then matches hosts with libpq's rules.
func verifyFile(file string, ins []chain.Input, opts chain.VerifyOptions, hosts []string) (*verification, error) {
	v := &verification{File: file, Purpose: opts.Purpose, CRLCheck: len(opts.CRLs) > 0}
	opts.Intermediates = append(ins[1:len(ins):len(ins)], opts.Intermediates...)
	got, err := chain.Verify(ins[0], opts)
	v.Chain = got
	if err != nil {
		var ve *chain.VerifyError
		if !errors.As(err, &ve) {
			return nil, err
		}
		v.Err = ve
	}
	for _, h := range hosts {
		hc := hostCheck{Host: h}
		if err := chain.MatchHost(ins[0].Cert, h); err != nil {
			if !errors.As(err, &hc.Err) {
				return nil, err
			}
		}
		v.Hosts = append(v.Hosts, hc)
	}
	return v, nil
}

// purposeOf is the purpose a certificate's extendedKeyUsage says it is for: a client
// certificate when it names clientAuth and not serverAuth, else a server certificate.
func purposeOf(c *x509.Certificate) chain.Purpose {
	if slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageClientAuth) && !slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageServerAuth) {
		return chain.PurposeClient
	}
	return chain.PurposeServer
}

func purposeName(p chain.Purpose) string {
	switch p {
	case chain.PurposeServer:
		return "server"
	case chain.PurposeClient:
		return "client"
	}
	return "any"
}

// verifierText says who verifies a certificate of purpose p, and when.
func verifierText(p chain.Purpose) string {
	if p == chain.PurposeClient {
		return "as the server checks a client certificate (clientcert=verify-ca or verify-full, or cert authentication)"
	}
	return "as libpq checks the server (sslmode=verify-ca or verify-full)"
}

// verifyWords says what each side of the connection prints when verification fails
// with reason r: the verifier's own error, and the TLS alert the other side receives.
// libpq prints "SSL error: " before OpenSSL's text; the server logs "could not accept
// SSL connection: " before it.
func verifyWords(p chain.Purpose, r chain.Reason) (client, server string) {
	if p == chain.PurposeClient {
		return "SSL error: " + r.Alert(), "could not accept SSL connection: certificate verify failed"
	}
	return "SSL error: certificate verify failed", "could not accept SSL connection: " + r.Alert()
}

// verifyFix says what to do about a verification failure.
func verifyFix(e *chain.VerifyError, p chain.Purpose) string {
	c := e.Cert
	issuer := c.Cert.Issuer.String()
	rootsFile, peerFile := "the clients' root.crt", "server.crt"
	if p == chain.PurposeClient {
		rootsFile, peerFile = "the server's ssl_ca_file", "the client's certificate file, after its certificate"
	}
	switch e.Reason {
	case chain.UnableToGetIssuerCertLocally:
		return fmt.Sprintf("the issuer %s of %s is neither among the trusted roots nor sent along: append the intermediates to %s (pgcert chain) and put the root in %s (pgcert root)", issuer, c, peerFile, rootsFile)
	case chain.UnableToGetIssuerCert:
		return fmt.Sprintf("%s is trusted but not a root: add its issuer %s, up to a self-signed root, to %s (pgcert root)", c, issuer, rootsFile)
	case chain.DepthZeroSelfSignedCert:
		return fmt.Sprintf("%s is self-signed: trust it in %s (pgcert root --allow-leaf), or have it issued by a CA there", c, rootsFile)
	case chain.SelfSignedCertInChain:
		return fmt.Sprintf("the chain ends at the root %s, which is not trusted: put it in %s (pgcert root)", c, rootsFile)
	case chain.CertHasExpired:
		if e.Depth == 0 {
			return fmt.Sprintf("%s expired on %s: issue a new certificate", c, c.Cert.NotAfter.UTC().Format(time.DateOnly))
		}
		return fmt.Sprintf("the CA certificate %s expired on %s: get its current certificate", c, c.Cert.NotAfter.UTC().Format(time.DateOnly))
	case chain.CertNotYetValid:
		return fmt.Sprintf("%s is valid from %s only: check the clocks of this machine and of the CA", c, c.Cert.NotBefore.UTC().Format(time.DateOnly))
	case chain.InvalidCA:
		return fmt.Sprintf("%s may not issue certificates (it needs basicConstraints CA:TRUE and keyCertSign): get the right CA certificate", c)
	case chain.PathLengthExceeded:
		return fmt.Sprintf("the pathlen of %s allows fewer intermediates below it: get a chain the CA's constraints allow", c)
	case chain.InvalidPurpose:
		if p == chain.PurposeClient {
			return fmt.Sprintf("%s is not for client authentication (extendedKeyUsage without clientAuth, or a keyUsage without digitalSignature): issue a client certificate (pgcert ca issue client)", c)
		}
		return fmt.Sprintf("%s is not for a TLS server (extendedKeyUsage without serverAuth, or a keyUsage that forbids it): issue a server certificate (pgcert ca issue server)", c)
	case chain.CertRevoked:
		return fmt.Sprintf("%s is revoked by the CRL of %s: issue a new certificate", c, e.CRLIssuer)
	case chain.UnableToGetCRL:
		return fmt.Sprintf("no CRL of %s among the --crl files: once any CRL is configured OpenSSL wants a current one from every CA of the chain, the root included (an empty one will do)", e.CRLIssuer)
	case chain.CRLHasExpired:
		return fmt.Sprintf("the CRL of %s has passed its nextUpdate: publish a new one", e.CRLIssuer)
	case chain.CRLNotYetValid:
		return fmt.Sprintf("the CRL of %s is not valid yet: check the clocks", e.CRLIssuer)
	case chain.CRLSignatureFailure:
		return fmt.Sprintf("the CRL of %s does not verify with its CA's key: get the CRL the CA signed now", e.CRLIssuer)
	case chain.KeyUsageNoCRLSign:
		return fmt.Sprintf("%s signs CRLs but its keyUsage lacks cRLSign: reissue the CA certificate", e.CRLIssuer)
	case chain.CertSignatureFailure:
		return fmt.Sprintf("the signature of %s does not verify with its issuer's key: the certificate is damaged, or its CA was re-keyed under the same name", c)
	case chain.EEKeyTooSmall:
		return fmt.Sprintf("the key of %s is too weak for OpenSSL's security level: issue a new certificate for an ECDSA P-256 or RSA 2048 key", c)
	case chain.CAKeyTooSmall:
		return fmt.Sprintf("the CA key of %s is too weak for OpenSSL's security level: the CA needs a new key (ECDSA P-256 or RSA 2048) and the certificates below it reissued", c)
	case chain.CertChainTooLong:
		return fmt.Sprintf("the chain above %s is longer than OpenSSL's 100 certificates: certificates that sign each other in a loop? keep only the real chain", c)
	case chain.UnhandledCriticalCRLExtension:
		return fmt.Sprintf("the CRL of %s has a critical extension OpenSSL does not know: have the CA publish one without", e.CRLIssuer)
	case chain.DifferentCRLScope:
		return fmt.Sprintf("the CRL of %s is partial (a delta, indirect or limited-scope CRL), which OpenSSL does not use here: give the CA's full CRL", e.CRLIssuer)
	case chain.CAMDTooWeak:
		return fmt.Sprintf("%s is signed with a weak digest (SHA-1 or MD5): reissue it with SHA-256", c)
	case chain.UnhandledCriticalExtension:
		return fmt.Sprintf("%s has a critical extension OpenSSL does not know: reissue it without", c)
	}
	return fmt.Sprintf("OpenSSL cannot use %s: reissue it", c)
}

// hostFix says what to do when libpq refuses a host name.
func hostFix(h hostCheck) string {
	return fmt.Sprintf("connect with a name the certificate holds, or issue one that names %s (pgcert ca issue server --host %s)", h.Host, shellWord(h.Host))
}

// printVerification writes the human report of v.
func (f *Factory) printVerification(w io.Writer, v *verification) {
	cs := f.IO.OutColors()
	if v.Err == nil {
		fmt.Fprintf(w, "%s: %s, %s\n", v.File, cs.Green("ok"), verifierText(v.Purpose))
	} else {
		fmt.Fprintf(w, "%s: %s: %s, %s\n", v.File, cs.Red("failed"), v.Err.Reason, verifierText(v.Purpose))
	}
	for i, in := range v.Chain {
		label := ""
		if i == 0 {
			label = "chain:"
		}
		fmt.Fprintf(w, "  %-7s %s\n", label, in)
	}
	if v.CRLCheck && v.Err == nil {
		fmt.Fprintf(w, "  crl:    every certificate checked against a current CRL of its issuer, the root included\n")
	}
	if e := v.Err; e != nil {
		client, server := verifyWords(v.Purpose, e.Reason)
		fmt.Fprintf(w, "  openssl: error %d at %d depth lookup: %s (%s)\n", int(e.Reason), e.Depth, e.Reason, e.Cert)
		fmt.Fprintf(w, "  psql:    %s\n", client)
		fmt.Fprintf(w, "  server:  %s\n", server)
		fmt.Fprintf(w, "  fix:     %s\n", verifyFix(e, v.Purpose))
	}
	for _, h := range v.Hosts {
		if h.Err == nil {
			fmt.Fprintf(w, "host %s: %s, as libpq matches it for sslmode=verify-full\n", h.Host, cs.Green("ok"))
			continue
		}
		fmt.Fprintf(w, "host %s: %s: %s\n", h.Host, cs.Red("failed"), h.Err.Message)
		fmt.Fprintf(w, "  fix:     %s\n", hostFix(h))
	}
	if a := v.Auth; a != nil {
		by := "its Common Name"
		if a.ClientName == "DN" {
			by = "its subject (clientname=DN)"
		}
		if a.Map != "" {
			by += " through map " + a.Map
		}
		if a.OK {
			fmt.Fprintf(w, "cert login as %s: %s, %s %q\n", a.Role, cs.Green("ok"), by, a.Name)
			return
		}
		fmt.Fprintf(w, "cert login as %s: %s, %s %q\n", a.Role, cs.Red("refused"), by, a.Name)
		fmt.Fprintf(w, "  psql:    %s\n", a.Client)
		fmt.Fprintf(w, "  server:  LOG:  %s\n", a.Log)
	}
}

// verifyJSON is the --json form of a verification (README.md, "JSON output", pgcert verify).
type verifyJSON struct {
	File     string           `json:"file"`
	Purpose  string           `json:"purpose"`
	OK       bool             `json:"ok"`
	Chain    []chain.Element  `json:"chain"`
	Error    *verifyErrorJSON `json:"error"`
	CRLCheck bool             `json:"crl_check"`
	Hosts    []hostJSON       `json:"hosts"`
	CertAuth *certAuthCheck   `json:"cert_auth,omitempty"`
}

type verifyErrorJSON struct {
	Code      int    `json:"code"`
	Reason    string `json:"reason"`
	Depth     int    `json:"depth"`
	Subject   string `json:"subject"`
	File      string `json:"file"`
	CRLIssuer string `json:"crl_issuer,omitempty"`
	Client    string `json:"client_says"`
	Server    string `json:"server_says"`
	Fix       string `json:"fix"`
}

type hostJSON struct {
	Host    string   `json:"host"`
	OK      bool     `json:"ok"`
	Message string   `json:"message,omitempty"`
	Names   []string `json:"names,omitempty"`
	Fix     string   `json:"fix,omitempty"`
}

// anchored reports whether OpenSSL reached a trust anchor before failing with r: the
// chain-building errors end below any root.
func anchored(r chain.Reason) bool {
	switch r {
	case chain.UnableToGetIssuerCert, chain.UnableToGetIssuerCertLocally, chain.DepthZeroSelfSignedCert,
		chain.SelfSignedCertInChain, chain.CertChainTooLong:
		return false
	}
	return true
}

func (v *verification) json() verifyJSON {
	r := verifyJSON{File: v.File, Purpose: purposeName(v.Purpose), OK: v.OK(), CRLCheck: v.CRLCheck, Chain: []chain.Element{}, Hosts: []hostJSON{}, CertAuth: v.Auth}
	toRoot := v.Err == nil || anchored(v.Err.Reason)
	for i, in := range v.Chain {
		role := chain.RoleIntermediate
		switch {
		case i == 0:
			role = chain.RoleLeaf
		case toRoot && i == len(v.Chain)-1:
			role = chain.RoleRoot
		}
		r.Chain = append(r.Chain, chain.Describe(in, role))
	}
	if e := v.Err; e != nil {
		client, server := verifyWords(v.Purpose, e.Reason)
		r.Error = &verifyErrorJSON{
			Code: int(e.Reason), Reason: e.Reason.String(), Depth: e.Depth,
			Subject: chain.Subject(e.Cert.Cert), File: e.Cert.File, CRLIssuer: e.CRLIssuer,
			Client: client, Server: server, Fix: verifyFix(e, v.Purpose),
		}
	}
	for _, h := range v.Hosts {
		hj := hostJSON{Host: h.Host, OK: h.Err == nil}
		if h.Err != nil {
			hj.Message, hj.Names, hj.Fix = h.Err.Message, h.Err.Names, hostFix(h)
		}
		r.Hosts = append(r.Hosts, hj)
	}
	return r
}
