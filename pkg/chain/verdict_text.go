package chain

import (
	"fmt"
	"io"

	"github.com/pgcert/pgcert/pkg/style"
)

// WriteText writes the verdict as `pgcert verify` prints it: the file's outcome and
// who checks it, the chain as far as OpenSSL got, then for a failure OpenSSL's error
// with what psql and the server print and the fix; each host as libpq matches it;
// and with Auth the cert login.
func (v *Verdict) WriteText(w io.Writer, s style.Style) {
	if v.Err == nil {
		fmt.Fprintf(w, "%s: %s, %s\n", v.File, s.Green("ok"), v.Purpose.Verifier())
	} else {
		fmt.Fprintf(w, "%s: %s: %s, %s\n", v.File, s.Red("failed"), v.Err.Reason, v.Purpose.Verifier())
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
		client, server := PeerWords(v.Purpose, e.Reason)
		fmt.Fprintf(w, "  openssl: error %d at %d depth lookup: %s (%s)\n", int(e.Reason), e.Depth, e.Reason, e.Cert)
		fmt.Fprintf(w, "  psql:    %s\n", client)
		fmt.Fprintf(w, "  server:  %s\n", server)
		fmt.Fprintf(w, "  fix:     %s\n", e.Fix(v.Purpose))
	}
	for _, h := range v.Hosts {
		if h.Err == nil {
			fmt.Fprintf(w, "host %s: %s, as libpq matches it for sslmode=verify-full\n", h.Host, s.Green("ok"))
			continue
		}
		fmt.Fprintf(w, "host %s: %s: %s\n", h.Host, s.Red("failed"), h.Err.Message)
		fmt.Fprintf(w, "  fix:     %s\n", h.Fix())
	}
	if v.Auth != nil {
		v.Auth.WriteText(w, s)
	}
}
