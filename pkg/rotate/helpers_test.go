package rotate

import (
	"crypto/x509/pkix"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// fixture is a data directory due for renewal (see testdatadir.Renewal), without
// a pg_hba.conf: the tests give a validator of their own.
type fixture struct {
	*testdatadir.Renewal
}

func newFixture(t testing.TB, conf ...string) *fixture {
	t.Helper()
	return &fixture{testdatadir.NewRenewal(t, nil, conf...)}
}

func cn(name string) pkix.RDNSequence {
	return pkix.Name{CommonName: name}.ToRDNSequence()
}

// options are the Options of a run on the fixture at testpki.Now, with a validator
// that accepts everything.
func (fx *fixture) options(t testing.TB) Options {
	t.Helper()
	setup, err := pgdata.ReadSetup(fx.Dir, keyperm.SystemLookup{})
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Setup:    setup,
		Now:      func() time.Time { return testpki.Now },
		OpenCA:   func() (*ca.CA, error) { return ca.Open(fx.CADir) },
		Validate: func(*pgdata.Setup, time.Time) ([]string, []string) { return nil, nil },
		Warn:     func(msg string) { t.Logf("warning: %s", msg) },
	}
}
