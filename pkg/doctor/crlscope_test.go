package doctor

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testdatadir"
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
		dir := testdatadir.New(t, testdatadir.PKI{Root: root, Inter: inter, Server: server}, []string{"ssl_ca_file = 'root.crt'", "ssl_crl_file = 'root.crl'"})
		testdatadir.Write(t, dir, "root.crt", testpki.Bundle(root), 0o644)
		testdatadir.Write(t, dir, "root.crl", crls, 0o644)
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
		testdatadir.Write(t, dir, ca.DataDirFile, ca.StepRecord{URL: "https://ca.example.com:9000", RootSHA256: strings.Repeat("ab", 32), Provisioner: "admin"}.Marshal(), 0o600)
		fd := finding(t, check(t, dir), "ssl_crl_file", "crl-scope", LevelError)
		if !strings.HasPrefix(fd.Fix, `add "crlDistributionPoints": ["`+uri+`"] to the X.509 template of the step-ca provisioner`) ||
			!strings.Contains(fd.Fix, "leave ssl_crl_file and ssl_crl_dir unset") || strings.Contains(fd.Fix, "pgcert ") {
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

	// IssuingDistributionPoint ::= SEQUENCE { onlyContainsUserCerts [1] TRUE }
	onlyUser := flagCRL(t, root, []byte{0x30, 0x03, 0x81, 0x01, 0xff})
	t.Run("root CRL only for end entities", func(t *testing.T) {
		rep := check(t, setUp(t, bare, append(onlyUser, inter.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(90*24*time.Hour))...)))
		fd := finding(t, rep, "ssl_crl_file", "crl-scope", LevelError)
		const why = "the CRL covers only end entity certificates, and this is a CA certificate"
		if fd.Message != "the CRL of CN=check root leaves out CN=check intermediate in server.crt: "+why+"; CN=check root in root.crt: "+why ||
			!strings.Contains(fd.Detail, "every client's chain holds a certificate the CRL leaves out") {
			t.Errorf("%+v", fd)
		}
	})
	t.Run("intermediate CRL only for end entities", func(t *testing.T) {
		rep := check(t, setUp(t, bare, append(rootCRL, flagCRL(t, inter, []byte{0x30, 0x03, 0x81, 0x01, 0xff})...)))
		wantProblems(t, rep, false)
		if fd := finding(t, rep, "ssl_crl_file", "crl-scope", LevelOK); !strings.Contains(fd.Message, "covers only end entity certificates") {
			t.Errorf("%+v", fd)
		}
	})
	t.Run("indirect CRL", func(t *testing.T) {
		// { indirectCRL [4] TRUE }
		rep := check(t, setUp(t, bare, append(rootCRL, flagCRL(t, inter, []byte{0x30, 0x03, 0x84, 0x01, 0xff})...)))
		fd := finding(t, rep, "ssl_crl_file", "crl-scope", LevelError)
		if !strings.Contains(fd.Message, "the server never uses the CRL of CN=check intermediate: the CRL is an indirect CRL") ||
			!strings.Contains(fd.Detail, "unable to get certificate CRL") {
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

// flagCRL is a PEM CRL of ca, current at testpki.Now, whose critical issuing
// distribution point extension is idp.
func flagCRL(t *testing.T, ca *testpki.Cert, idp []byte) []byte {
	t.Helper()
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: testpki.Now.Add(-time.Hour), NextUpdate: testpki.Now.Add(90 * 24 * time.Hour),
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 28}, Critical: true, Value: idp}},
	}, ca.Cert, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
}
