package doctor

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
)

// TestCRLScope: a CRL whose issuing distribution point names a URI is an
// error when a certificate of its CA that check sees lacks that CRL
// distribution point, a warning naming what client certificates must carry
// otherwise; the fix follows the data directory's CA.
func TestCRLScope(t *testing.T) {
	now := testpki.Now
	const uri = "https://ca.example.com/1.0/crl"
	root := testpki.Root(t, "check root")
	inter := root.Intermediate(t, "check intermediate")
	bare := inter.Server(t, "db.example.com")
	named := testpki.Make(t, testpki.Template{CN: "db.example.com", DNS: []string{"db.example.com"}, CRLDistributionPoints: []string{uri}}, inter)
	rootCRL := root.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(90*24*time.Hour))
	interScoped := inter.ScopedCRLPEM(t, now.Add(-time.Hour), now.Add(90*24*time.Hour), uri)
	setUp := func(t *testing.T, server *testpki.Cert, crls []byte) string {
		dir := dataDir(t, checkPKI{root, inter, server}, []string{"ssl_ca_file = 'root.crt'", "ssl_crl_file = 'root.crl'"})
		writeIn(t, dir, "root.crt", testpki.Bundle(root), 0o644)
		writeIn(t, dir, "root.crl", crls, 0o644)
		return dir
	}

	t.Run("server certificate without the point", func(t *testing.T) {
		rep := check(t, setUp(t, bare, append(rootCRL, interScoped...)))
		wantProblems(t, rep, true, "ssl_crl_file/crl-scope error")
		fd := finding(t, rep, "ssl_crl_file", "crl-scope", LevelError)
		if !strings.Contains(fd.Message, "the CRL of CN=check intermediate leaves out the server certificate CN=db.example.com: the CRL is for the distribution point "+uri) ||
			!strings.Contains(fd.Detail, "different CRL scope") ||
			!strings.Contains(fd.Fix, "crlDistributionPoints = URI:"+uri) {
			t.Errorf("%+v", fd)
		}
		js, err := json.Marshal(fd)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(js, &back); err != nil || back["check"] != "crl-scope" || back["level"] != "error" || back["fix"] != fd.Fix {
			t.Errorf("--json of the finding: %s", js)
		}
	})

	t.Run("server certificate with the point", func(t *testing.T) {
		rep := check(t, setUp(t, named, append(rootCRL, interScoped...)))
		wantProblems(t, rep, false, "ssl_crl_file/crl-scope warning")
		fd := finding(t, rep, "ssl_crl_file", "crl-scope", LevelWarning)
		if fd.Message != "the CRL of CN=check intermediate is only for certificates whose CRL distribution points name "+uri ||
			!strings.Contains(fd.Detail, "every client certificate of CN=check intermediate must carry that CRL distribution point") {
			t.Errorf("%+v", fd)
		}
	})

	t.Run("step-ca data directory", func(t *testing.T) {
		dir := setUp(t, bare, append(rootCRL, interScoped...))
		writeIn(t, dir, ca.DataDirFile, ca.StepRecord{URL: "https://ca.example.com:9000", RootSHA256: strings.Repeat("ab", 32), Provisioner: "admin"}.Marshal(), 0o600)
		fd := finding(t, check(t, dir), "ssl_crl_file", "crl-scope", LevelError)
		if !strings.HasPrefix(fd.Fix, `add "crlDistributionPoints": ["`+uri+`"] to the X.509 template of the step-ca provisioner`) || strings.Contains(fd.Fix, "pgcert ") {
			t.Errorf("fix %q", fd.Fix)
		}
	})

	t.Run("root CRL leaves out the root", func(t *testing.T) {
		rootScoped := root.ScopedCRLPEM(t, now.Add(-time.Hour), now.Add(90*24*time.Hour), uri)
		rep := check(t, setUp(t, named, append(rootScoped, inter.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(90*24*time.Hour))...)))
		wantProblems(t, rep, true, "ssl_crl_file/crl-scope error")
		fd := finding(t, rep, "ssl_crl_file", "crl-scope", LevelError)
		if !strings.Contains(fd.Message, "CN=check root in root.crt") || !strings.Contains(fd.Detail, "every client's chain holds a certificate the CRL leaves out") {
			t.Errorf("%+v", fd)
		}
	})

	t.Run("no issuing distribution point", func(t *testing.T) {
		rep := check(t, setUp(t, bare, append(rootCRL, inter.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(90*24*time.Hour))...)))
		wantProblems(t, rep, false)
		if n := findings(rep, "ssl_crl_file", "crl-scope"); n != 0 {
			t.Errorf("%d crl-scope findings", n)
		}
	})
}
