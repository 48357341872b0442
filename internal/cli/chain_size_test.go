package cli

import (
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// bigChain returns a leaf, its intermediate and the root, where the intermediate's
// name is cn bytes long: it is in the intermediate (subject) and in the leaf
// (issuer), so the handshake's certificate list is about 2*cn bytes.
func bigChain(t *testing.T, cn int) (leaf, inter, root *testpki.Cert) {
	t.Helper()
	root = testpki.Root(t, "Root")
	inter = testpki.Make(t, testpki.Template{Subject: &pkix.Name{CommonName: strings.Repeat("i", cn)}, IsCA: true, MaxPath: -1}, root)
	return inter.Server(t, "db.example.com"), inter, root
}

// TestChainRefusesOverMaxCertList: a server chain over OpenSSL's 100 KiB certificate
// list limit cannot be sent in a handshake (libpq fails with "excessive message
// size"), so chain refuses to write it; one just under the limit is written.
func TestChainRefusesOverMaxCertList(t *testing.T) {
	for _, tc := range []struct {
		name string
		cn   int
		code int
	}{
		{"over the limit", 52 << 10, 1},
		{"under the limit", 48 << 10, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaf, inter, root := bigChain(t, tc.cn)
			size := len(leaf.Cert.Raw) + len(inter.Cert.Raw) + len(root.Cert.Raw)
			if (size > 100<<10) != (tc.code == 1) {
				t.Fatalf("the chain is %d bytes: the case does not straddle 100 KiB", size)
			}
			dir := t.TempDir()
			out := filepath.Join(dir, "server.crt")
			code, _, stderr := trustRun(t, "chain", "-o", out, trustFile(t, dir, "pile.pem", leaf, inter, root))
			if code != tc.code {
				t.Fatalf("a %d-byte chain: exit %d, want %d\n%s", size, code, tc.code, stderr)
			}
			_, err := os.Stat(out)
			if tc.code == 0 {
				if err != nil {
					t.Fatalf("a %d-byte chain was not written: %v", size, err)
				}
				return
			}
			if err == nil {
				t.Errorf("a %d-byte chain was written", size)
			}
			want := "OpenSSL refuses a certificate list over 100 KiB in a handshake (excessive message size)"
			if !strings.Contains(stderr, want) || !strings.Contains(stderr, "the chain is ") {
				t.Errorf("want %q:\n%s", want, stderr)
			}
		})
	}
}
