package pgdata

import (
	"fmt"
	"io"

	"github.com/pgcert/pgcert/pkg/style"
)

// CertAuthCheck is a prediction of the server's cert authentication of one
// certificate for one role, with the options it was made under: what
// `pgcert verify --user` reports, and its JSON ("cert_auth").
type CertAuthCheck struct {
	Role       string `json:"role"`
	ClientName string `json:"clientname"`
	Map        string `json:"map,omitempty"`
	CertAuth
}

// WriteText writes the prediction as `pgcert verify --user` prints it: one line
// saying whether the login passes and by which name, and for a refusal what psql
// prints and what the server logs, so that an admin recognises both.
func (a *CertAuthCheck) WriteText(w io.Writer, s style.Style) {
	by := "its Common Name"
	if a.ClientName == "DN" {
		by = "its subject (clientname=DN)"
	}
	if a.Map != "" {
		by += " through map " + a.Map
	}
	if a.OK {
		fmt.Fprintf(w, "cert login as %s: %s, %s %q\n", a.Role, s.Green("ok"), by, a.Name)
		return
	}
	fmt.Fprintf(w, "cert login as %s: %s, %s %q\n", a.Role, s.Red("refused"), by, a.Name)
	fmt.Fprintf(w, "  psql:    %s\n", a.Client)
	fmt.Fprintf(w, "  server:  LOG:  %s\n", a.Log)
}
