package bootstrap_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// now is the clock of the tests and examples.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// makeCRLs is a CRL maker for Options.CRLs: one CRL per CA, appended.
func makeCRLs(c *ca.CA) ([]byte, []bootstrap.CRL, error) {
	var out []byte
	var crls []bootstrap.CRL
	for _, x := range c.CAs() {
		res, err := x.GenerateCRL(ca.CRLOptions{Now: now})
		if err != nil {
			return nil, nil, err
		}
		out = append(out, res.Signed.PEM()...)
		crls = append(crls, bootstrap.CRL{Issuer: x.Cert.Subject.String(), Number: "1", NextUpdate: now.AddDate(0, 0, 180).Format(time.RFC3339)})
	}
	return out, crls, nil
}

// fixture makes a PostgreSQL 15 data directory with postgresql.conf and
// pg_hba.conf, and a CA beside it, in a new temporary directory.
func fixture(intermediate bool) (dir string, dd *pgdata.DataDir, c *ca.CA, err error) {
	dir, err = os.MkdirTemp("", "bootstrap")
	if err != nil {
		return "", nil, nil, err
	}
	pg := filepath.Join(dir, "pgdata")
	files := map[string]string{
		"PG_VERSION":           "15\n",
		"global/pg_control":    "",
		"postgresql.conf":      "listen_addresses = '*'\n",
		"pg_hba.conf":          "local all all trust\nhost all all 127.0.0.1/32 trust\n",
		"postgresql.auto.conf": "",
	}
	for name, data := range files {
		p := filepath.Join(pg, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return "", nil, nil, err
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			return "", nil, nil, err
		}
	}
	if dd, err = pgdata.Inspect(pg); err != nil {
		return "", nil, nil, err
	}
	c, err = ca.Create(filepath.Join(dir, "ca"), ca.CreateOptions{Intermediate: intermediate, Now: now})
	if err != nil {
		return "", nil, nil, fmt.Errorf("creating the CA: %w", err)
	}
	return dir, dd, c, nil
}
