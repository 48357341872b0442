package pgdata

import (
	"crypto/x509"
	"fmt"
	"slices"

	"github.com/pgcert/pgcert/pkg/hint"
)

// PredictCertAuth says what the server's cert method says of cert for o.Role,
// reading the map's lines (o.Map) from the pg_ident.conf identFile holding
// identData (none when identFile is ""). Warnings are what a person should know
// even when the prediction is made: a map with no line lets no certificate through;
// they come with an error too, as they may explain it.
func PredictCertAuth(cert *x509.Certificate, o CertAuthOptions, identFile string, identData []byte) (*CertAuthCheck, []string, error) {
	var warnings []string
	if identFile != "" {
		lines, err := ParseIdent(identFile, identData)
		if err != nil {
			return nil, nil, hint.With(err, "the server refuses a pg_ident.conf it cannot parse; correct the line")
		}
		o.Ident = lines
		if !slices.ContainsFunc(lines, func(l IdentLine) bool { return l.Map == o.Map }) {
			warnings = append(warnings, fmt.Sprintf("%s has no line of the map %s: the server lets no certificate through it", identFile, o.Map))
		}
	}
	a, err := CheckCertAuth(cert, o)
	if err != nil {
		return nil, warnings, err
	}
	return &CertAuthCheck{Role: o.Role, ClientName: o.ClientName, Map: o.Map, CertAuth: a}, warnings, nil
}
