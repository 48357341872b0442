package world

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestPostgresSSLSpec: examples/postgres-ssl.yaml lists exactly the files of
// PostgreSQL 15's src/test/ssl/sslfiles.mk (SSLFILES and SSLDIRS), and marks as
// testing exactly the certificates the suite needs non-standard. The files
// themselves are checked against a real server in e2e/make_test.go.
func TestPostgresSSLSpec(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "postgres-ssl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("postgres-ssl.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	servers := []string{"server-cn-and-alt-names", "server-cn-and-ip-alt-names", "server-cn-only", "server-ip-alt-names",
		"server-ip-cn-only", "server-ip-cn-and-alt-names", "server-ip-cn-and-dns-alt-names", "server-ip-in-dnsname",
		"server-single-alt-name", "server-multiple-alt-names", "server-no-names", "server-revoked"}
	clients := []string{"client", "client-dn", "client-revoked", "client_ext", "client-long", "client-revoked-utf8"}
	var want []string
	for _, c := range append(append([]string{"root_ca", "server_ca", "client_ca"}, servers...), clients...) {
		want = append(want, "ssl/"+c+".crt", "ssl/"+c+".key")
	}
	want = append(want, "ssl/server-rsapss.crt",
		"ssl/server-password.key", "ssl/client-der.key", "ssl/client-encrypted-pem.key", "ssl/client-encrypted-der.key", "ssl/server-rsapss.key",
		"ssl/both-cas-1.crt", "ssl/both-cas-2.crt", "ssl/root+server_ca.crt", "ssl/root+server.crl", "ssl/root+client_ca.crt", "ssl/root+client.crl", "ssl/client+client_ca.crt",
		"ssl/root.crl", "ssl/client.crl", "ssl/server.crl",
		"ssl/client-crldir", "ssl/server-crldir", "ssl/root+client-crldir", "ssl/root+server-crldir")
	var got []string
	for _, f := range s.Files {
		got = append(got, f.Path)
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) != 62 || !slices.Equal(got, want) {
		t.Errorf("files:\n got %v\nwant %v", got, want)
	}

	var marked []string
	for _, c := range s.Certs {
		if c.Testing {
			marked = append(marked, c.Name)
		}
	}
	slices.Sort(marked)
	wantTesting := []string{"client", "client-dn", "client-long", "client-revoked", "client-revoked-utf8", "client_ext",
		"server-cn-only", "server-ip-cn-only", "server-ip-in-dnsname", "server-no-names", "server-revoked", "server-rsapss"}
	if !slices.Equal(marked, wantTesting) {
		t.Errorf("testing: %v, want %v", marked, wantTesting)
	}
}
