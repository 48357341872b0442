package cli

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// renewClient runs `pgcert ca renew client --json` with args and decodes the report.
func renewClient(t *testing.T, args ...string) (ca.BundleRenewal, string, int) {
	t.Helper()
	f, out, errOut, _ := testFactory(t)
	code := runCmd(f, append([]string{"ca", "renew", "client", "--json"}, args...)...)
	var r ca.BundleRenewal
	if code == 0 {
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatalf("no JSON: %v\n%s", err, out)
		}
	}
	return r, errOut.String(), code
}

func readLeaf(t *testing.T, path string) []byte {
	t.Helper()
	certs, err := chain.ParseCertificates(testfs.Read(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return certs[0].Raw
}

func TestCaRenewClient(t *testing.T) {
	caDir := filepath.Join(t.TempDir(), "ca")
	f, _, stderr, _ := testFactory(t)
	if code := runCmd(f, "ca", "init", "--ca-dir", caDir, "--intermediate"); code != 0 {
		t.Fatalf("ca init: exit %d\n%s", code, stderr)
	}
	f, _, stderr, _ = testFactory(t)
	if code := runCmd(f, "ca", "issue", "client", "--ca-dir", caDir, "--user", "alice", "--days", "90"); code != 0 {
		t.Fatalf("ca issue client: exit %d\n%s", code, stderr)
	}
	bundle := filepath.Join(caDir, "clients", "alice")
	oldCert := readLeaf(t, filepath.Join(bundle, "postgresql.crt"))

	r, errOut, code := renewClient(t, "--ca-dir", caDir, "--user", "alice", "--revoke-old")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	newCert := readLeaf(t, filepath.Join(bundle, "postgresql.crt"))
	c, _ := chain.ParseCertificates(testfs.Read(t, filepath.Join(bundle, "postgresql.crt")))
	old, err := x509.ParseCertificate(oldCert)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(newCert, oldCert) || c[0].Subject.CommonName != "alice" || !keys.PublicKeysEqual(c[0].PublicKey, old.PublicKey) || len(c) != 2 {
		t.Fatalf("renewed bundle: CN %q, %d certificates, key kept %v", c[0].Subject.CommonName, len(c), keys.PublicKeysEqual(c[0].PublicKey, old.PublicKey))
	}
	if !c[0].NotAfter.Equal(testpki.Now.AddDate(0, 0, 90)) {
		t.Errorf("notAfter %v, want the old certificate's 90 days", c[0].NotAfter)
	}
	if r.Rekeyed || !r.OldRevoked || r.OldSerial != ca.SerialHex(old.SerialNumber.Bytes()) || r.Role != "alice" || !strings.Contains(r.ConnString, "user=alice") {
		t.Errorf("report %+v", r)
	}
	if k, err := keys.Parse(testfs.Read(t, filepath.Join(bundle, "postgresql.key")), nil); err != nil || !keys.PublicKeysEqual(k.Signer.Public(), old.PublicKey) {
		t.Errorf("the kept key: %v", err)
	}
	authority, err := ca.Open(caDir)
	if err != nil {
		t.Fatal(err)
	}
	list, err := authority.List()
	if err != nil || len(list) != 2 || list[0].Entry.Status != ca.StatusRevoked || list[0].Entry.Reason != ca.ReasonSuperseded || list[1].Entry.Status != ca.StatusValid {
		t.Fatalf("index after --revoke-old: %+v, %v", list, err)
	}

	// Without the bundle: the newest valid certificate of the role in the index, and
	// a new key.
	other := filepath.Join(t.TempDir(), "alice")
	r, errOut, code = renewClient(t, "--ca-dir", caDir, "--user", "alice", "-o", other, "--days", "30")
	if code != 0 || !r.Rekeyed || r.OldSerial != ca.SerialHex(list[1].Entry.Serial) || r.OldRevoked {
		t.Fatalf("from the index: exit %d, %+v\n%s", code, r, errOut)
	}
	if fi, err := os.Stat(filepath.Join(other, "postgresql.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new key: %v", err)
	}

	// --rekey replaces a kept key.
	r, _, code = renewClient(t, "--ca-dir", caDir, "--user", "alice", "-o", other, "--rekey")
	if code != 0 || !r.Rekeyed {
		t.Fatalf("--rekey: exit %d, %+v", code, r)
	}
}

func TestCaRenewClientRefusals(t *testing.T) {
	caDir := filepath.Join(t.TempDir(), "ca")
	f, _, _, _ := testFactory(t)
	if code := runCmd(f, "ca", "init", "--ca-dir", caDir); code != 0 {
		t.Fatal("ca init")
	}
	if _, errOut, code := renewClient(t, "--ca-dir", caDir, "--user", "nobody"); code != 1 || !strings.Contains(errOut, "pgcert ca issue client --user nobody") {
		t.Errorf("a role never issued: exit %d\n%s", code, errOut)
	}
	f, _, _, _ = testFactory(t)
	runCmd(f, "ca", "issue", "client", "--ca-dir", caDir, "--user", "alice")
	bundle := filepath.Join(caDir, "clients", "alice")
	if _, errOut, code := renewClient(t, "--ca-dir", caDir, "--user", "bob", "-o", bundle); code != 1 || !strings.Contains(errOut, `the certificate of "alice", not of "bob"`) {
		t.Errorf("another role's bundle: exit %d\n%s", code, errOut)
	}
	testdatadir.Write(t, bundle, "postgresql.key", mustMarshal(t), 0o600)
	if _, errOut, code := renewClient(t, "--ca-dir", caDir, "--user", "alice"); code != 1 || !strings.Contains(errOut, "--rekey") {
		t.Errorf("a key of another certificate: exit %d\n%s", code, errOut)
	}
	stranger := testpki.Root(t, "stranger").Client(t, "carol")
	dir := t.TempDir()
	testdatadir.Write(t, dir, "postgresql.crt", stranger.PEM(), 0o644)
	if _, errOut, code := renewClient(t, "--ca-dir", caDir, "--user", "carol", "-o", dir); code != 1 || !strings.Contains(errOut, "was not issued by the CA") {
		t.Errorf("a certificate of another CA: exit %d\n%s", code, errOut)
	}
	if _, _, code := renewClient(t, "--ca-dir", caDir, "--user", ""); code != cmdutil.ExitUsage {
		t.Errorf("an empty role: exit %d", code)
	}
}
