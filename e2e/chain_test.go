package e2e

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/chain"
)

// chainPKI is a root, two intermediates below it, the server's certificate below
// them, and a root of another hierarchy: what a CA's download and an admin's folder
// hold together.
type chainPKI struct {
	root, inter1, inter2, leaf, stranger *testpki.Cert
}

func newChainPKI(t *testing.T) *chainPKI {
	t.Helper()
	nb, na := validFrom(time.Now())
	ca := func(cn string, parent *testpki.Cert) *testpki.Cert {
		return testpki.Make(t, testpki.Template{CN: cn, IsCA: true, MaxPath: -1, NotBefore: nb, NotAfter: na}, parent)
	}
	p := &chainPKI{root: ca("pgcert e2e chain root", nil)}
	p.inter1 = ca("pgcert e2e chain intermediate 1", p.root)
	p.inter2 = ca("pgcert e2e chain intermediate 2", p.inter1)
	p.leaf = testpki.Make(t, testpki.Template{
		CN: serverName, DNS: []string{serverName}, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		NotBefore: nb, NotAfter: na,
	}, p.inter2)
	p.stranger = ca("pgcert e2e unrelated root", nil)
	return p
}

// pile writes the certificates as an admin receives them, in no useful order: a
// bundle with text before its blocks, holding an unrelated root and the hierarchy's
// CAs shuffled; the leaf alone in DER; and the second intermediate again.
func (p *chainPKI) pile(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	bundle := "subject=CN = pgcert e2e chain intermediate 1\nissuer=CN = pgcert e2e chain root\n"
	files := map[string][]byte{
		"ca-bundle.pem":      append([]byte(bundle), testpki.Bundle(p.inter1, p.stranger, p.root, p.inter2)...),
		"db.pgcert.test.der": p.leaf.Cert.Raw,
		"intermediate-2.pem": p.inter2.PEM(),
	}
	var paths []string
	for _, name := range []string{"ca-bundle.pem", "db.pgcert.test.der", "intermediate-2.pem"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

// chainJSONOut is `pgcert chain --json`, as README's "JSON: pgcert chain / root /
// verify" describes it.
type chainJSONOut struct {
	File struct {
		Path  string `json:"path"`
		Mode  string `json:"mode"`
		Owner string `json:"owner"`
	} `json:"file"`
	Complete     bool `json:"complete"`
	RootWritten  bool `json:"root_written"`
	Certificates []struct {
		Role    string `json:"role"`
		Subject string `json:"subject"`
		Written bool   `json:"written"`
	} `json:"certificates"`
	Unrelated  []struct{ Subject string } `json:"unrelated"`
	Duplicates []struct{ Subject string } `json:"duplicates"`
}

// verifyJSONOut is `pgcert verify --json`.
type verifyJSONOut struct {
	OK    bool `json:"ok"`
	Error *struct {
		Code       int    `json:"code"`
		Reason     string `json:"reason"`
		ClientSays string `json:"client_says"`
		ServerSays string `json:"server_says"`
	} `json:"error"`
	Hosts []struct {
		Host    string `json:"host"`
		OK      bool   `json:"ok"`
		Message string `json:"message"`
	} `json:"hosts"`
}

func decodeJSON(t *testing.T, r result, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Stdout), v); err != nil {
		t.Fatalf("no JSON document on stdout: %v\n%s", err, r.Stdout)
	}
}

// TestChainFromShuffledPile builds server.crt with `pgcert chain` from a shuffled pile
// (leaf, two intermediates, root, an unrelated root, a duplicate) straight into the
// data directory, and root.crt with `pgcert root`: the real server starts with them,
// psql connects with sslmode=verify-full and the root alone in root.crt, and `pgcert
// verify` predicts what psql and the server say when a host name, a root or a client
// certificate is wrong.
func TestChainFromShuffledPile(t *testing.T) {
	p := newChainPKI(t)
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.WriteFile(t, "server.key", p.leaf.KeyPEM(t), 0o600)
	serverCrt := c.Path("server.crt")

	r := pgcert(t, append([]string{"chain", "--json", "--key", c.Path("server.key"), "-o", serverCrt}, p.pile(t)...)...)
	if r.Code != 0 {
		t.Fatalf("pgcert chain: exit %d\n%s", r.Code, r.Stderr)
	}
	var out chainJSONOut
	decodeJSON(t, r, &out)
	var order []string
	for _, e := range out.Certificates {
		if !e.Written {
			t.Errorf("%s is on the path but not written", e.Subject)
		}
		order = append(order, e.Role+" "+e.Subject)
	}
	want := []string{"leaf CN=" + serverName, "intermediate CN=pgcert e2e chain intermediate 2", "intermediate CN=pgcert e2e chain intermediate 1", "root CN=pgcert e2e chain root"}
	if strings.Join(order, "\n") != strings.Join(want, "\n") || !out.Complete || !out.RootWritten {
		t.Errorf("path %q (complete %v, root written %v), want %q", order, out.Complete, out.RootWritten, want)
	}
	if len(out.Unrelated) != 1 || out.Unrelated[0].Subject != "CN=pgcert e2e unrelated root" || len(out.Duplicates) != 1 {
		t.Errorf("unrelated %v, duplicates %v", out.Unrelated, out.Duplicates)
	}
	for _, w := range []string{"left out 1 certificate", "CN=pgcert e2e unrelated root", "dropped 1 duplicate"} {
		if !strings.Contains(r.Stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.Stderr)
		}
	}
	fi, err := os.Stat(serverCrt)
	if err != nil {
		t.Fatal(err)
	}
	if uid := int(fi.Sys().(*syscall.Stat_t).Uid); uid != c.Install.ServerUser.UID || fi.Mode().Perm() != 0o644 {
		t.Errorf("server.crt: mode %04o owner %d, want 0644 owned by the server user (%d)", fi.Mode().Perm(), uid, c.Install.ServerUser.UID)
	}
	written, err := chain.ParseCertificates(testfs.Read(t, serverCrt))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []*testpki.Cert{p.leaf, p.inter2, p.inter1, p.root} {
		if i >= len(written) || !written[i].Equal(want.Cert) {
			t.Fatalf("server.crt holds %d certificates; number %d is not %s", len(written), i+1, want.Cert.Subject)
		}
	}

	rootPEM := filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(rootPEM, p.root.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	rootCrt := filepath.Join(c.ClientDir, "root.crt")
	if r := pgcert(t, "root", "-o", rootCrt, "--check-chain", serverCrt, rootPEM); r.Code != 0 {
		t.Fatalf("pgcert root --check-chain: exit %d\n%s", r.Code, r.Stderr)
	}
	if r := pgcert(t, "root", "-o", c.Path("root.crt"), rootPEM); r.Code != 0 {
		t.Fatalf("pgcert root: exit %d\n%s", r.Code, r.Stderr)
	}
	c.AppendConf(t, "ssl = on", "ssl_ca_file = 'root.crt'")
	c.MustStart(t)

	if _, stderr, err := c.Psql(c.ConnInfo("host="+serverName, "sslmode=verify-full", "sslrootcert="+rootCrt), "select 1"); err != nil {
		t.Fatalf("psql with sslmode=verify-full and the root alone: %v\n%s", err, stderr)
	}
	if r := pgcert(t, "verify", serverCrt, "--root", rootCrt, "--host", serverName); r.Code != 0 {
		t.Errorf("pgcert verify refuses the chain psql accepts: exit %d\n%s", r.Code, r.Stdout)
	}

	t.Run("wrong host name", func(t *testing.T) {
		host := "other.pgcert.test"
		r := pgcert(t, "verify", "--json", serverCrt, "--root", rootCrt, "--host", host)
		var v verifyJSONOut
		decodeJSON(t, r, &v)
		if r.Code != 1 || v.OK || len(v.Hosts) != 1 || v.Hosts[0].OK || v.Hosts[0].Message == "" {
			t.Fatalf("pgcert verify --host %s: exit %d, %+v", host, r.Code, v)
		}
		_, stderr, err := c.Psql(c.ConnInfo("host="+host, "sslmode=verify-full", "sslrootcert="+rootCrt), "select 1")
		if err == nil || !strings.Contains(stderr, v.Hosts[0].Message) {
			t.Errorf("pgcert predicts %q; psql: %v\n%s", v.Hosts[0].Message, err, stderr)
		}
	})

	t.Run("root of another hierarchy", func(t *testing.T) {
		stranger := c.ClientFile(t, "stranger.crt", p.stranger.PEM(), 0o644)
		r := pgcert(t, "verify", "--json", serverCrt, "--root", stranger)
		var v verifyJSONOut
		decodeJSON(t, r, &v)
		if r.Code != 1 || v.Error == nil {
			t.Fatalf("pgcert verify with a stranger root: exit %d, %+v", r.Code, v)
		}
		mark := c.LogMark()
		_, stderr, err := c.Psql(c.ConnInfo("host="+serverName, "sslmode=verify-full", "sslrootcert="+stranger), "select 1")
		if err == nil || !strings.Contains(stderr, v.Error.ClientSays) {
			t.Errorf("pgcert predicts psql says %q; psql: %v\n%s", v.Error.ClientSays, err, stderr)
		}
		if err := c.WaitForLogSince(mark, v.Error.ServerSays, 10*time.Second); err != nil {
			t.Errorf("pgcert predicts the server logs %q: %v\n%s", v.Error.ServerSays, err, c.LogSince(mark))
		}
	})

	t.Run("client certificate of another hierarchy", func(t *testing.T) {
		client := testpki.Make(t, testpki.Template{CN: pgtest.Superuser, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
			NotBefore: p.leaf.Cert.NotBefore, NotAfter: p.leaf.Cert.NotAfter}, p.stranger)
		cert := c.ClientFile(t, "stranger-client.crt", client.PEM(), 0o644)
		key := c.ClientFile(t, "stranger-client.key", client.KeyPEM(t), 0o600)
		r := pgcert(t, "verify", "--json", "--purpose", "client", cert, "--root", c.Path("root.crt"))
		var v verifyJSONOut
		decodeJSON(t, r, &v)
		if r.Code != 1 || v.Error == nil {
			t.Fatalf("pgcert verify --purpose client: exit %d, %+v", r.Code, v)
		}
		mark := c.LogMark()
		_, stderr, err := c.Psql(c.ConnInfo("host="+serverName, "sslmode=verify-full", "sslrootcert="+rootCrt, "sslcert="+cert, "sslkey="+key), "select 1")
		if err == nil || !strings.Contains(stderr, v.Error.ClientSays) {
			t.Errorf("pgcert predicts psql says %q; psql: %v\n%s", v.Error.ClientSays, err, stderr)
		}
		if err := c.WaitForLogSince(mark, v.Error.ServerSays, 10*time.Second); err != nil {
			t.Errorf("pgcert predicts the server logs %q: %v\n%s", v.Error.ServerSays, err, c.LogSince(mark))
		}
	})
}

// TestChainOrderIsWhatMatters serves the same certificates concatenated in the wrong
// order (an intermediate first): the server refuses to start with "key values
// mismatch". `pgcert chain` rewrites the file in place, and the server starts.
func TestChainOrderIsWhatMatters(t *testing.T) {
	p := newChainPKI(t)
	c := pgtest.NewCluster(t, pgtest.Options{})
	c.EnableSSL(t, testpki.Bundle(p.inter2, p.leaf, p.inter1, p.root), p.leaf.KeyPEM(t))

	r := pgcert(t, "verify", c.Path("server.crt"), "--root", c.ClientFile(t, "root.crt", p.root.PEM(), 0o644))
	if !strings.Contains(r.Stderr, "key values mismatch") {
		t.Errorf("pgcert verify does not warn that the leaf is not first:\n%s", r.Stderr)
	}
	err := c.Start()
	var se *pgtest.StartError
	if !errors.As(err, &se) || !strings.Contains(se.Log, "key values mismatch") {
		t.Fatalf("the server with an intermediate first: %v", err)
	}

	r = pgcert(t, "chain", "--key", c.Path("server.key"), "-o", c.Path("server.crt"), "--force", c.Path("server.crt"))
	if r.Code != 0 {
		t.Fatalf("pgcert chain in place: exit %d\n%s", r.Code, r.Stderr)
	}
	c.MustStart(t)
	rootCrt := filepath.Join(c.ClientDir, "root.crt")
	if _, stderr, err := c.Psql(c.ConnInfo("host="+serverName, "sslmode=verify-full", "sslrootcert="+rootCrt), "select 1"); err != nil {
		t.Fatalf("psql after pgcert chain: %v\n%s", err, stderr)
	}
}
