package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

// TestVerifyDetectsPurpose: a client certificate verified without --purpose is
// checked as the server checks clients (it used to be refused as an unsuitable
// server certificate); --user makes the same check and predicts the cert method.
func TestVerifyDetectsPurpose(t *testing.T) {
	root := testpki.Root(t, "Root")
	client := root.Client(t, "alice")
	server := root.Server(t, "db.example.com")
	dir := t.TempDir()
	rootFile := trustFile(t, dir, "root.crt", root)
	clientFile := trustFile(t, dir, "alice.crt", client)
	serverFile := trustFile(t, dir, "server.crt", server)

	for _, tc := range []struct {
		args    []string
		code    int
		purpose string
		auth    string
	}{
		{[]string{clientFile}, 0, "client", ""},
		{[]string{serverFile}, 0, "server", ""},
		{[]string{clientFile, "--user", "alice"}, 0, "client", `"ok":true`},
		{[]string{clientFile, "--user", "bob"}, 1, "client", "provided user name (bob) and authenticated user name (alice) do not match"},
		{[]string{serverFile, "--user", "db.example.com"}, 1, "client", `"ok":true`},
	} {
		code, stdout, stderr := trustRun(t, append([]string{"verify", "--json", "--root", rootFile}, tc.args...)...)
		var rep map[string]any
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("%v: %v\n%s", tc.args, err, stderr)
		}
		auth, _ := json.Marshal(rep["cert_auth"])
		if code != tc.code || rep["purpose"] != tc.purpose || !strings.Contains(string(auth), tc.auth) {
			t.Errorf("%v: exit %d, purpose %v, cert_auth %s\n%s", tc.args, code, rep["purpose"], auth, stderr)
		}
	}
	for _, args := range [][]string{
		{"verify", clientFile, "--root", rootFile, "--map", "m"},
		{"verify", clientFile, "--root", rootFile, "--user", "alice", "--map", "m"},
		{"verify", clientFile, "--root", rootFile, "--user", "alice", "--clientname", "UID"},
		{"verify", clientFile, "--root", rootFile, "--user", "alice", "--purpose", "server"},
	} {
		if code, _, _ := trustRun(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
