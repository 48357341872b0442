package chain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// brackets marks each painted word, so that a test sees what is painted how.
type brackets struct{}

func (brackets) Green(s string) string  { return "<g>" + s + "</g>" }
func (brackets) Yellow(s string) string { return "<y>" + s + "</y>" }
func (brackets) Red(s string) string    { return "<r>" + s + "</r>" }
func (brackets) Bold(s string) string   { return "<b>" + s + "</b>" }

func TestVerdictWriteTextFailures(t *testing.T) {
	root, rootKey := exampleCert("Example Root", nil, nil, nil)
	other, _ := exampleCert("Other Root", nil, nil, nil)
	leaf, _ := exampleCert("db.example.com", []string{"db.example.com"}, root, rootKey)
	v, err := chain.VerifyFile("server.crt", []chain.Input{{Cert: leaf, File: "server.crt"}}, chain.VerifyOptions{
		Now:     time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		Roots:   []chain.Input{{Cert: other, File: "root.crt"}},
		Purpose: chain.PurposeServer,
	}, []string{"db2.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	v.Auth = &pgdata.CertAuthCheck{Role: "app", ClientName: "DN", Map: "m", CertAuth: pgdata.CertAuth{Name: "CN=x", Client: "FATAL:  certificate authentication failed for user \"app\"", Log: "no match in usermap \"m\""}}
	var b strings.Builder
	v.WriteText(&b, brackets{})
	client, server := chain.PeerWords(chain.PurposeServer, v.Err.Reason)
	want := "server.crt: <r>failed</r>: " + v.Err.Reason.String() + ", as libpq checks the server (sslmode=verify-ca or verify-full)\n" +
		"  chain:  CN=db.example.com (server.crt)\n" +
		"  openssl: error 20 at 0 depth lookup: unable to get local issuer certificate (CN=db.example.com (server.crt))\n" +
		"  psql:    " + client + "\n" +
		"  server:  " + server + "\n" +
		"  fix:     " + v.Err.Fix(chain.PurposeServer) + "\n" +
		"host db2.example.com: <r>failed</r>: " + v.Hosts[0].Err.Message + "\n" +
		"  fix:     " + v.Hosts[0].Fix() + "\n" +
		"cert login as app: <r>refused</r>, its subject (clientname=DN) through map m \"CN=x\"\n" +
		"  psql:    FATAL:  certificate authentication failed for user \"app\"\n" +
		"  server:  LOG:  no match in usermap \"m\"\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if v.OK() || v.Report().CertAuth != v.Auth {
		t.Error("a refused cert login must fail the verdict and be in its report")
	}
}
