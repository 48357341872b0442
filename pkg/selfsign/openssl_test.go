package selfsign

import (
	"math/big"
	"os/exec"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
)

// opensslFails runs openssl and returns its output, failing the test when
// it succeeds.
func opensslFails(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(testenv.RequireOpenSSL(t), args...).CombinedOutput()
	if err == nil {
		t.Errorf("openssl %v succeeded, want a failure:\n%s", args, out)
	}
	return string(out)
}

// TestOpenSSLVerifiesRequests checks that `openssl req -verify` accepts every
// kind of request pgcert makes.
func TestOpenSSLVerifiesRequests(t *testing.T) {
	t.Parallel()
	testenv.RequireOpenSSL(t)
	for _, kind := range testpki.KeyKinds {
		der, err := NewRequest(testpki.KeyOf(t, kind), mustSubject(t, "/C=US/O=Acme+OU=DB/CN=db.example.com"), mustSANs(t, "DNS:db.example.com,IP:10.0.0.5,IP:::1,email:dba@example.com"), nil)
		if err != nil {
			t.Fatal(err)
		}
		path := testpki.WritePEM(t, "req.pem", "CERTIFICATE REQUEST", der)
		out := string(testenv.OpenSSL(t, "req", "-verify", "-noout", "-in", path))
		if !strings.Contains(out, "verify OK") {
			t.Errorf("%s: openssl req -verify said %q", kind, out)
		}
	}
}

// TestOpenSSLVerifiesHierarchy issues root -> intermediate -> server and
// client leaves and has openssl verify them strictly, for their purpose,
// and refuse them for the other purpose.
func TestOpenSSLVerifiesHierarchy(t *testing.T) {
	t.Parallel()
	testenv.RequireOpenSSL(t)
	for _, kind := range testpki.KeyKinds {
		t.Run(string(kind), func(t *testing.T) {
			root := build(t, Spec{Profile: RootCA, Subject: mustSubject(t, "/O=Acme/CN=Acme Root"), PathLen: 1}, kind, nil)
			inter := build(t, Spec{Profile: IntermediateCA, Subject: mustSubject(t, "/O=Acme/CN=Acme Intermediate"), PathLen: 0}, kind, root)
			server := build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=db.example.com"), SANs: mustSANs(t, "DNS:db.example.com,IP:10.0.0.5")}, kind, inter)
			client := build(t, Spec{Profile: ClientLeaf, Subject: mustSubject(t, "/CN=alice")}, kind, inter)
			rootPath := testpki.WritePEM(t, "root.pem", "CERTIFICATE", root.cert.Raw)
			interPath := testpki.WritePEM(t, "inter.pem", "CERTIFICATE", inter.cert.Raw)
			serverPath := testpki.WritePEM(t, "server.pem", "CERTIFICATE", server.cert.Raw)
			clientPath := testpki.WritePEM(t, "client.pem", "CERTIFICATE", client.cert.Raw)
			at := "-attime=" + big.NewInt(testNow.Unix()).String()

			out := string(testenv.OpenSSL(t, "verify", at, "-x509_strict", "-purpose", "sslserver", "-verify_hostname", "db.example.com", "-CAfile", rootPath, "-untrusted", interPath, serverPath))
			if !strings.Contains(out, "server.pem: OK") {
				t.Errorf("server: %s", out)
			}
			out = string(testenv.OpenSSL(t, "verify", at, "-x509_strict", "-purpose", "sslserver", "-verify_ip", "10.0.0.5", "-CAfile", rootPath, "-untrusted", interPath, serverPath))
			if !strings.Contains(out, "server.pem: OK") {
				t.Errorf("server by IP: %s", out)
			}
			out = string(testenv.OpenSSL(t, "verify", at, "-x509_strict", "-purpose", "sslclient", "-CAfile", rootPath, "-untrusted", interPath, clientPath))
			if !strings.Contains(out, "client.pem: OK") {
				t.Errorf("client: %s", out)
			}
			if out := opensslFails(t, "verify", at, "-purpose", "sslclient", "-CAfile", rootPath, "-untrusted", interPath, serverPath); !strings.Contains(out, "unsuitable certificate purpose") {
				t.Errorf("server as client: %s", out)
			}
			if out := opensslFails(t, "verify", at, "-purpose", "sslserver", "-CAfile", rootPath, "-untrusted", interPath, clientPath); !strings.Contains(out, "unsuitable certificate purpose") {
				t.Errorf("client as server: %s", out)
			}
			if out := opensslFails(t, "verify", at, "-CAfile", rootPath, serverPath); !strings.Contains(out, "unable to get local issuer certificate") {
				t.Errorf("server without its intermediate: %s", out)
			}
		})
	}
}

// TestOpenSSLSelfSignedTrustAnchor checks that a self-signed server
// certificate is accepted as its own trust anchor, as the client's root.crt:
// `openssl verify -CAfile server.crt server.crt`, strictly, for the server
// purpose and host name.
func TestOpenSSLSelfSignedTrustAnchor(t *testing.T) {
	t.Parallel()
	testenv.RequireOpenSSL(t)
	for _, kind := range testpki.KeyKinds {
		key := testpki.KeyOf(t, kind)
		csr, err := NewRequest(key, mustSubject(t, "/CN=db.example.com"), SANs{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		req, err := ParseRequest(csr)
		if err != nil {
			t.Fatal(err)
		}
		der, err := SelfSign(req, key, 0, testNow, nil)
		if err != nil {
			t.Fatal(err)
		}
		path := testpki.WritePEM(t, "server.crt", "CERTIFICATE", der)
		at := "-attime=" + big.NewInt(testNow.Unix()).String()
		for _, args := range [][]string{
			{"verify", at, "-CAfile", path, path},
			{"verify", at, "-x509_strict", "-purpose", "sslserver", "-verify_hostname", "db.example.com", "-CAfile", path, path},
		} {
			out := string(testenv.OpenSSL(t, args...))
			if !strings.Contains(out, "server.crt: OK") {
				t.Errorf("%s: openssl %v said %q", kind, args, out)
			}
		}
		out := string(testenv.OpenSSL(t, "x509", "-noout", "-in", path, "-ext", "basicConstraints,keyUsage,extendedKeyUsage"))
		if !strings.Contains(out, "CA:FALSE") || strings.Contains(out, "X509v3 Key Usage") || !strings.Contains(out, "TLS Web Server Authentication") {
			t.Errorf("%s: self-signed leaf extensions:\n%s", kind, out)
		}
	}
}

// TestOpenSSLReadsProfiles has openssl print the extensions each profile
// sets.
func TestOpenSSLReadsProfiles(t *testing.T) {
	t.Parallel()
	testenv.RequireOpenSSL(t)
	root := build(t, Spec{Profile: RootCA, Subject: mustSubject(t, "/CN=Root"), PathLen: NoPathLen}, testpki.P256, nil)
	inter := build(t, Spec{Profile: IntermediateCA, Subject: mustSubject(t, "/CN=Inter"), PathLen: 0}, testpki.P256, root)
	for _, tt := range []struct {
		name string
		c    *issued
		want []string
	}{
		{"root", root, []string{"X509v3 Basic Constraints: critical\n    CA:TRUE\n", "X509v3 Key Usage: critical\n    Certificate Sign, CRL Sign\n"}},
		{"intermediate", inter, []string{"X509v3 Basic Constraints: critical\n    CA:TRUE, pathlen:0\n", "X509v3 Key Usage: critical\n    Certificate Sign, CRL Sign\n"}},
		{"RSA server", build(t, Spec{Profile: ServerLeaf, Subject: mustSubject(t, "/CN=db")}, testpki.RSA2048, inter),
			[]string{"CA:FALSE", "X509v3 Key Usage: critical\n    Digital Signature, Key Encipherment\n", "TLS Web Server Authentication\n"}},
		{"Ed25519 client", build(t, Spec{Profile: ClientLeaf, Subject: mustSubject(t, "/CN=alice")}, testpki.Ed25519, inter),
			[]string{"CA:FALSE", "X509v3 Key Usage: critical\n    Digital Signature\n", "TLS Web Client Authentication\n"}},
	} {
		path := testpki.WritePEM(t, "c.pem", "CERTIFICATE", tt.c.cert.Raw)
		out := string(testenv.OpenSSL(t, "x509", "-noout", "-in", path, "-ext", "basicConstraints,keyUsage,extendedKeyUsage"))
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: openssl shows\n%s\nwithout %q", tt.name, out, w)
			}
		}
	}
}
