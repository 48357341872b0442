// Package lintcert runs zlint over certificates in tests: the lints of the standards
// pgcert follows, and nothing else. It is test support, imported only by _test.go
// files, so zlint never reaches the pgcert binary.
package lintcert

import (
	"sort"
	"sync"
	"testing"

	zx509 "github.com/zmap/zcrypto/x509"
	"github.com/zmap/zlint/v3"
	"github.com/zmap/zlint/v3/lint"
)

// minLints is the fewest lints that must apply to a certificate: a registry filter
// gone wrong (a renamed source, say) would otherwise pass every certificate by
// running nothing.
const minLints = 50

var (
	registryOnce sync.Once
	registry     lint.Registry
	registryErr  error
)

// Registry returns zlint's lints from RFC 5280, RFC 5480 and RFC 3279 (key and
// signature encodings), RFC 8813 (ECDSA key usage) and zlint's community lints. The
// CA/Browser Forum and browser root program lints are left out: they govern the
// public web PKI, not a private PKI for PostgreSQL.
func Registry() (lint.Registry, error) {
	registryOnce.Do(func() {
		registry, registryErr = lint.GlobalRegistry().Filter(lint.FilterOptions{
			IncludeSources: lint.SourceList{lint.RFC5280, lint.RFC5480, lint.RFC3279, lint.RFC8813, lint.Community},
		})
	})
	return registry, registryErr
}

// Certificate lints the DER certificate der and fails t, naming the certificate
// by name, for every lint that reports a warning, an error or a fatal result, and
// when too few lints applied to mean anything.
func Certificate(t testing.TB, name string, der []byte) {
	t.Helper()
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	zc, err := zx509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("%s: zcrypto cannot parse it: %v", name, err)
	}
	rs := zlint.LintCertificateEx(zc, reg)
	var bad []string
	for lintName, r := range rs.Results {
		if r.Status == lint.Warn || r.Status == lint.Error || r.Status == lint.Fatal {
			bad = append(bad, lintName+": "+r.Status.String()+" "+r.Details)
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("%s: %s", name, b)
	}
	if len(rs.Results) < minLints {
		t.Errorf("%s: only %d lints ran", name, len(rs.Results))
	}
}
