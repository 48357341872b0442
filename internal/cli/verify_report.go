package cli

import (
	"crypto/x509"
	"fmt"
	"io"

	"github.com/pgcert/pgcert/pkg/chain"
)

// verification is a chain.Verdict as the commands render it.
type verification struct{ *chain.Verdict }

// verifyJSON is the --json form of a verification (docs: pgcert verify).
type verifyJSON = chain.VerdictReport

func (v *verification) json() verifyJSON { return v.Report() }

// verifyFile verifies a certificate file as chain.VerifyFile does.
func verifyFile(file string, ins []chain.Input, opts chain.VerifyOptions, hosts []string) (*verification, error) {
	v, err := chain.VerifyFile(file, ins, opts, hosts)
	if err != nil {
		return nil, err
	}
	return &verification{v}, nil
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
}
