package cli

import (
	"crypto/x509"
	"fmt"
	"io"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// verification is a chain.Verdict as the commands render it, with verify --user's
// prediction of the server's cert authentication.
type verification struct {
	*chain.Verdict
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

// OK reports whether the chain, every host and the cert login (with --user) pass.
func (v *verification) OK() bool { return v.Verdict.OK() && (v.Auth == nil || v.Auth.OK) }

// verifyJSON is the --json form of a verification (docs: pgcert verify).
type verifyJSON struct {
	chain.VerdictReport
	CertAuth *certAuthCheck `json:"cert_auth,omitempty"`
}

func (v *verification) json() verifyJSON {
	r := v.Report()
	r.OK = v.OK()
	return verifyJSON{VerdictReport: r, CertAuth: v.Auth}
}

// verifyFile verifies a certificate file as chain.VerifyFile does.
func verifyFile(file string, ins []chain.Input, opts chain.VerifyOptions, hosts []string) (*verification, error) {
	v, err := chain.VerifyFile(file, ins, opts, hosts)
	if err != nil {
		return nil, err
	}
	return &verification{Verdict: v}, nil
}

// The verdict's words under the names root --check-chain uses.
func purposeOf(c *x509.Certificate) chain.Purpose { return chain.PurposeOf(c) }

func verifierText(p chain.Purpose) string { return p.Verifier() }

func verifyFix(e *chain.VerifyError, p chain.Purpose) string { return e.Fix(p) }

// printVerification writes the human report of v.
func (f *Factory) printVerification(w io.Writer, v *verification) {
	cs := f.IO.OutColors()
	if v.Err == nil {
		fmt.Fprintf(w, "%s: %s, %s\n", v.File, cs.Green("ok"), v.Purpose.Verifier())
	} else {
		fmt.Fprintf(w, "%s: %s: %s, %s\n", v.File, cs.Red("failed"), v.Err.Reason, v.Purpose.Verifier())
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
		client, server := chain.PeerWords(v.Purpose, e.Reason)
		fmt.Fprintf(w, "  openssl: error %d at %d depth lookup: %s (%s)\n", int(e.Reason), e.Depth, e.Reason, e.Cert)
		fmt.Fprintf(w, "  psql:    %s\n", client)
		fmt.Fprintf(w, "  server:  %s\n", server)
		fmt.Fprintf(w, "  fix:     %s\n", e.Fix(v.Purpose))
	}
	for _, h := range v.Hosts {
		if h.Err == nil {
			fmt.Fprintf(w, "host %s: %s, as libpq matches it for sslmode=verify-full\n", h.Host, cs.Green("ok"))
			continue
		}
		fmt.Fprintf(w, "host %s: %s: %s\n", h.Host, cs.Red("failed"), h.Err.Message)
		fmt.Fprintf(w, "  fix:     %s\n", h.Fix())
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
