package probe_test

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/probe"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// TestRSAPSSServer: crypto/tls cannot use a server certificate for an RSA-PSS key;
// the probe then reads the chain and the certificate request from a TLS 1.2
// handshake offering rsa_pss_pss, and gives the verdict on that chain. (The e2e
// test does the same against PostgreSQL, which refuses crypto/tls's handshake
// instead.)
func TestRSAPSSServer(t *testing.T) {
	root := testpki.Root(t, "fake root")
	k, err := keys.GenerateRSAPSS(2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := selfsign.Build(selfsign.Spec{Profile: selfsign.ServerLeaf, Subject: pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "db.example.com"}}}, SANs: selfsign.SANs{DNS: []string{"db.example.com"}}, Now: testpki.Now, Days: 1},
		root.Cert, root.Key, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(root.Cert)
	// The stand-in signs its handshake with the same RSA key as rsa_pss_rsae, which
	// crypto/tls can make; what matters here is the certificate it sends.
	port, results := tlsServer(t, &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: k.Key}},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    pool,
	})
	res, err := probeLocal(t, port, probe.Config{
		SSLMode: "verify-ca", Now: fixedNow,
		Verify: probe.LibpqVerify("root.crt", "root.crt"), Roots: []*x509.Certificate{root.Cert},
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-results; err == nil {
			t.Error("a handshake was finished")
		}
	}
	if res.Unfinished != probe.RSAPSSNote || res.TLSVersion != "TLSv1.2" || !strings.HasPrefix(res.CipherSuite, "TLS_ECDHE_RSA_WITH_") {
		t.Errorf("result %q, %s %s", res.Unfinished, res.TLSVersion, res.CipherSuite)
	}
	if len(res.Chain) != 1 || res.Chain[0].Subject != "CN=db.example.com" || !keys.IsRSAPSSPublicKeyInfo(res.Chain[0].Cert.RawSubjectPublicKeyInfo) {
		t.Errorf("chain %+v", res.Chain)
	}
	if !res.ClientCertRequested || res.ClientCertSent || len(res.AcceptableCAs) != 1 || res.AcceptableCAs[0] != "CN=fake root" {
		t.Errorf("client certificate request: %+v", res)
	}
	if res.Verdict == nil || !res.Verdict.OK {
		t.Errorf("verdict %+v", res.Verdict)
	}

}
