package cli

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
)

// writeTestFile writes data to dir/name and returns the path.
func writeTestFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// readCRLFile parses every CRL of a file pgcert wrote.
func readCRLFile(t *testing.T, path string) []*x509.RevocationList {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := crl.ParseCRLs(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return lists
}

// opensslVerifyCRLs checks every CRL of path with openssl crl -CAfile caFile, one
// at a time (openssl crl reads the first CRL of a file only).
func opensslVerifyCRLs(t *testing.T, path, caFile string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ders, err := crl.SplitCRLs(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for i, der := range ders {
		one := filepath.Join(t.TempDir(), "one.crl")
		os.WriteFile(one, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}), 0o600)
		if out := testenv.OpenSSL(t, "crl", "-in", one, "-CAfile", caFile, "-noout"); !strings.Contains(string(out), "verify OK") {
			t.Errorf("%s, CRL %d: openssl crl -CAfile: %s", path, i+1, out)
		}
	}
}

// assertNotExist fails when something is at path.
func assertNotExist(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s exists after a failed run (%v)", path, err)
	}
}

func assertFileContent(t *testing.T, path, want string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != want {
		t.Errorf("%s holds %q, want %q", path, data, want)
	}
}

func findEntry(l *x509.RevocationList, serial *big.Int) *x509.RevocationListEntry {
	for i := range l.RevokedCertificateEntries {
		if l.RevokedCertificateEntries[i].SerialNumber.Cmp(serial) == 0 {
			return &l.RevokedCertificateEntries[i]
		}
	}
	return nil
}

// TestCrlGenCADir: with an intermediate, crl gen --ca-dir writes the intermediate's
// CRL (listing the revoked client, with its reason) and the root's, numbered from and
// advancing each CA's crlnumber, valid for --days; both verify with openssl.
func TestCrlGenCADir(t *testing.T) {
	dir := t.TempDir()
	caDir := filepath.Join(dir, "ca")
	f, out, errOut, _ := testFactory(t)
	for _, args := range [][]string{
		{"ca", "init", "--ca-dir", caDir, "--intermediate"},
		{"ca", "issue", "client", "--ca-dir", caDir, "--user", "alice"},
		{"ca", "issue", "client", "--ca-dir", caDir, "--user", "bob"},
		{"ca", "revoke", "--ca-dir", caDir, "--cert", filepath.Join(caDir, "clients", "bob", "postgresql.crt"), "--reason", "keyCompromise"},
	} {
		if code := runCmd(f, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
	}
	bob := firstCert(t, filepath.Join(caDir, "clients", "bob", "postgresql.crt"))
	alice := firstCert(t, filepath.Join(caDir, "clients", "alice", "postgresql.crt"))
	out.Reset()
	errOut.Reset()
	crlFile := filepath.Join(dir, "root.crl")
	if code := runCmd(f, "crl", "gen", "--ca-dir", caDir, "-o", crlFile, "--days", "30"); code != 0 {
		t.Fatalf("crl gen: exit %d\n%s", code, errOut)
	}
	lists := readCRLFile(t, crlFile)
	inter := readCertFile(t, filepath.Join(caDir, "ca.crt"))
	root := readCertFile(t, filepath.Join(caDir, "root", "ca.crt"))
	if len(lists) != 2 || !bytes.Equal(lists[0].RawIssuer, inter.RawSubject) || !bytes.Equal(lists[1].RawIssuer, root.RawSubject) {
		t.Fatalf("want the intermediate's CRL then the root's, got %d CRLs", len(lists))
	}
	e := findEntry(lists[0], bob.SerialNumber)
	if e == nil || e.ReasonCode != 1 || !e.RevocationTime.Equal(f.Now()) || findEntry(lists[0], alice.SerialNumber) != nil {
		t.Errorf("intermediate CRL entries: %+v", lists[0].RevokedCertificateEntries)
	}
	now := f.Now()
	for _, l := range lists {
		if l.Number.Int64() != 1 || !l.ThisUpdate.Equal(now) || !l.NextUpdate.Equal(now.AddDate(0, 0, 30)) {
			t.Errorf("CRL of %s: number %v, %v .. %v", l.Issuer, l.Number, l.ThisUpdate, l.NextUpdate)
		}
	}
	if len(lists[1].RevokedCertificateEntries) != 0 {
		t.Errorf("the root's CRL lists %d certificates", len(lists[1].RevokedCertificateEntries))
	}
	if fi, err := os.Stat(crlFile); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode of %s: %v, %v", crlFile, fi.Mode(), err)
	}
	for _, d := range []string{caDir, filepath.Join(caDir, "root")} {
		assertFileContent(t, filepath.Join(d, "crlnumber"), "02\n")
	}
	if !strings.Contains(out.String(), "wrote "+crlFile) || !strings.Contains(out.String(), "number 1, 1 revoked certificate, next update "+now.AddDate(0, 0, 30).Format(time.RFC3339)) {
		t.Errorf("stdout:\n%s", out)
	}
	bundle := writeTestFile(t, dir, "bundle.pem", append(testfs.Read(t, filepath.Join(caDir, "root", "ca.crt")), testfs.Read(t, filepath.Join(caDir, "ca.crt"))...))
	opensslVerifyCRLs(t, crlFile, bundle)

	// An existing output is not replaced without --force, and nothing moves.
	before := testfs.Read(t, crlFile)
	errOut.Reset()
	if code := runCmd(f, "crl", "gen", "--ca-dir", caDir, "-o", crlFile); code != 1 || !strings.Contains(errOut.String(), "already exists") || !strings.Contains(errOut.String(), "--force") {
		t.Errorf("without --force: exit %d\n%s", code, errOut)
	}
	if !bytes.Equal(before, testfs.Read(t, crlFile)) {
		t.Error("a refused run changed the CRL file")
	}
	assertFileContent(t, filepath.Join(caDir, "crlnumber"), "02\n")

	// --json describes the file and the CRLs; the numbers move on.
	out.Reset()
	if code := runCmd(f, "crl", "gen", "--ca-dir", caDir, "-o", crlFile, "--force", "--json"); code != 0 {
		t.Fatalf("--json: exit %d\n%s", code, errOut)
	}
	var rep struct {
		File *struct {
			Path, Mode string
			Replaced   bool
		} `json:"file"`
		CRLs []struct {
			Issuer, Number, NextUpdate string
			Entries                    int
		} `json:"crls"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.File == nil || rep.File.Path != crlFile || rep.File.Mode != "0644" || !rep.File.Replaced || len(rep.CRLs) != 2 ||
		rep.CRLs[0].Number != "2" || rep.CRLs[0].Entries != 1 || rep.CRLs[1].Issuer != "CN = "+root.Subject.CommonName {
		t.Errorf("--json: %s", out)
	}

	// Without -o the CRLs go to standard output.
	out.Reset()
	if code := runCmd(f, "crl", "gen", "--ca-dir", caDir); code != 0 {
		t.Fatalf("to stdout: exit %d\n%s", code, errOut)
	}
	if got, err := crl.ParseCRLs(out.Bytes()); err != nil || len(got) != 2 || got[0].Number.Int64() != 3 {
		t.Errorf("stdout holds %d CRLs (%v)", len(got), err)
	}
}

// firstCert is the first certificate of a file.
func firstCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	certs, err := chain.ParseCertificates(testfs.Read(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return certs[0]
}

// TestCrlGenCADirWrongPassphrase: an encrypted CA with a wrong --passin fails naming
// the key file, writes no CRL and leaves the CRL numbers alone.
func TestCrlGenCADirWrongPassphrase(t *testing.T) {
	dir := t.TempDir()
	caDir := filepath.Join(dir, "ca")
	f, _, errOut, _ := testFactory(t)
	if code := runCmd(f, "ca", "init", "--ca-dir", caDir, "--intermediate", "--passout", "pass:right passphrase"); code != 0 {
		t.Fatalf("ca init: exit %d\n%s", code, errOut)
	}
	errOut.Reset()
	out := filepath.Join(dir, "root.crl")
	if code := runCmd(f, "crl", "gen", "--ca-dir", caDir, "--passin", "pass:wrong", "-o", out); code != 1 ||
		!strings.Contains(errOut.String(), "pgcert: error: "+filepath.Join(caDir, "private", "ca.key")+": wrong passphrase") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
	assertNotExist(t, out)
	for _, d := range []string{caDir, filepath.Join(caDir, "root")} {
		assertFileContent(t, filepath.Join(d, "crlnumber"), "01\n")
	}
	if code := runCmd(f, "crl", "gen", "--ca-dir", caDir, "--passin", "pass:right passphrase", "-o", out); code != 0 {
		t.Errorf("right passphrase: exit %d\n%s", code, errOut)
	}
	if n := len(readCRLFile(t, out)); n != 2 {
		t.Errorf("%d CRLs", n)
	}
}

// indexCA writes a CA certificate and its unencrypted key into dir.
func indexCA(t *testing.T, dir string) (ca *testpki.Cert, certFile, keyFile string) {
	t.Helper()
	ca = testpki.Root(t, "Index CA")
	return ca, writeTestFile(t, dir, "ca.crt", ca.PEM()), writeTestFile(t, dir, "ca.key", ca.KeyPEM(t))
}

// TestCrlGenIndexMatchesOpenSSL: from the database openssl ca itself wrote (every
// reason, a hold instruction, key compromise times), pgcert crl gen --index lists the
// same entries as openssl ca -gencrl: serials, revocation dates, reasons and entry
// extensions. The CRL number comes from crlnumber beside the index, which advances.
func TestCrlGenIndexMatchesOpenSSL(t *testing.T) {
	testenv.RequireOpenSSL(t)
	dir := t.TempDir()
	_, certFile, keyFile := indexCA(t, dir)
	index := writeTestFile(t, dir, "index.txt", testfs.Read(t, "../../pkg/ca/testdata/openssl-index.txt"))
	writeTestFile(t, dir, "index.txt.attr", []byte("unique_subject = no\n"))
	writeTestFile(t, dir, "crlnumber", []byte("10\n"))
	f, out, errOut, _ := testFactory(t)
	f.Now = func() time.Time { return time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) }
	pgFile := filepath.Join(dir, "pgcert.crl")
	if code := runCmd(f, "crl", "gen", "--index", index, "--ca-cert", certFile, "--ca-key", keyFile, "-o", pgFile); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr: %s", errOut)
	}
	if !strings.Contains(out.String(), "CRL of CN = Index CA, number 16, 12 revoked certificates") {
		t.Errorf("stdout: %s", out)
	}
	assertFileContent(t, filepath.Join(dir, "crlnumber"), "11\n")
	opensslVerifyCRLs(t, pgFile, certFile)

	writeTestFile(t, dir, "crlnumber", []byte("10\n"))
	cnf := writeTestFile(t, dir, "ca.cnf", []byte("[ ca ]\ndefault_ca = d\n[ d ]\ndir = "+dir+"\ndatabase = $dir/index.txt\ncertificate = "+certFile+
		"\nprivate_key = "+keyFile+"\ncrlnumber = $dir/crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n"))
	osFile := filepath.Join(dir, "openssl.crl")
	testenv.OpenSSL(t, "ca", "-config", cnf, "-gencrl", "-out", osFile)
	got, want := readCRLFile(t, pgFile)[0], readCRLFile(t, osFile)[0]
	if got.Number.Cmp(want.Number) != 0 || len(got.RevokedCertificateEntries) != len(want.RevokedCertificateEntries) {
		t.Fatalf("pgcert: number %v, %d entries; openssl: number %v, %d entries", got.Number, len(got.RevokedCertificateEntries), want.Number, len(want.RevokedCertificateEntries))
	}
	for i, w := range want.RevokedCertificateEntries {
		g := got.RevokedCertificateEntries[i]
		if g.SerialNumber.Cmp(w.SerialNumber) != 0 || !g.RevocationTime.Equal(w.RevocationTime) || g.ReasonCode != w.ReasonCode {
			t.Errorf("entry %d: pgcert %v %v reason %d, openssl %v %v reason %d", i, g.SerialNumber, g.RevocationTime, g.ReasonCode, w.SerialNumber, w.RevocationTime, w.ReasonCode)
		}
		// The other entry extensions (invalidity date, hold instruction) are the
		// same bytes; openssl writes reasonCode unspecified, which RFC 5280 says to
		// leave out, and pgcert does.
		if a, b := otherExtensions(g), otherExtensions(w); a != b {
			t.Errorf("entry %d (serial %v): extensions %s, openssl %s", i, w.SerialNumber, a, b)
		}
	}
}

// otherExtensions describes an entry's extensions but reasonCode.
func otherExtensions(e x509.RevocationListEntry) string {
	var b strings.Builder
	for _, x := range e.Extensions {
		if x.Id.String() == "2.5.29.21" {
			continue
		}
		b.WriteString(x.Id.String() + "=" + string(pem.EncodeToMemory(&pem.Block{Type: "V", Bytes: x.Value})) + ";")
	}
	return b.String()
}

// TestCrlGenIndexClockBehind: an index with a revocation later than the clock makes
// a CRL whose thisUpdate is that revocation, with a warning saying what it means.
func TestCrlGenIndexClockBehind(t *testing.T) {
	dir := t.TempDir()
	_, certFile, keyFile := indexCA(t, dir)
	index := writeTestFile(t, dir, "index.txt", []byte("R\t271126193907Z\t261126193907Z,keyCompromise\t02\tunknown\t/CN=x\n"))
	f, _, errOut, _ := testFactory(t)
	f.Now = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
	out := filepath.Join(dir, "ca.crl")
	if code := runCmd(f, "crl", "gen", "--index", index, "--ca-cert", certFile, "--ca-key", keyFile, "-o", out, "--days", "10"); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	l := readCRLFile(t, out)[0]
	revoked := time.Date(2026, 11, 26, 19, 39, 7, 0, time.UTC)
	if !l.ThisUpdate.Equal(revoked) || !l.NextUpdate.Equal(revoked.AddDate(0, 0, 10)) {
		t.Errorf("thisUpdate %v, nextUpdate %v", l.ThisUpdate, l.NextUpdate)
	}
	if !strings.Contains(errOut.String(), "pgcert: warning: "+index+" records a revocation at 2026-11-26T19:39:07Z, later than this machine's clock") {
		t.Errorf("stderr: %s", errOut)
	}
}

// TestCrlGenIndexStartsCRLNumber: without a crlnumber beside the index, the CRL is
// number 1 and the file is created holding 02, with a warning; a --crlnumber that
// does not exist is an error instead, since it is likely a typing mistake.
func TestCrlGenIndexStartsCRLNumber(t *testing.T) {
	dir := t.TempDir()
	_, certFile, keyFile := indexCA(t, dir)
	index := writeTestFile(t, dir, "index.txt", []byte("V\t271126193907Z\t\t01\tunknown\t/CN=x\n"))
	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "crl", "gen", "--index", index, "--ca-cert", certFile, "--ca-key", keyFile); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	lists, err := crl.ParseCRLs(out.Bytes())
	if err != nil || len(lists) != 1 || lists[0].Number.Int64() != 1 || len(lists[0].RevokedCertificateEntries) != 0 {
		t.Fatalf("stdout: %v\n%s", err, out)
	}
	assertFileContent(t, filepath.Join(dir, "crlnumber"), "02\n")
	if !strings.Contains(errOut.String(), "there was no "+filepath.Join(dir, "crlnumber")) {
		t.Errorf("stderr: %s", errOut)
	}
}

// TestCrlGenErrors: every refusal says what is wrong, naming the file (and the index
// line), exits 1 (2 for a wrong command line) and writes nothing: neither the CRL nor
// the crlnumber file.
func TestCrlGenErrors(t *testing.T) {
	dir := t.TempDir()
	ca, certFile, keyFile := indexCA(t, dir)
	good := []byte("R\t271126193907Z\t250101000000Z,superseded\t01\tunknown\t/CN=a\n")
	index := writeTestFile(t, dir, "index.txt", good)
	bad := writeTestFile(t, dir, "bad-index.txt", append(append([]byte{}, good...), "R\t271126193907Z\tnot-a-date\t02\tunknown\t/CN=b\n"...))
	dup := writeTestFile(t, dir, "dup-index.txt", append(append([]byte{}, good...), good...))
	number := writeTestFile(t, dir, "number", []byte("05\n"))
	badNumber := writeTestFile(t, dir, "bad-number", []byte("xyz\n"))
	encrypted, err := keys.MarshalEncryptedPKCS8PEM(ca.Key, []byte("right passphrase"), keys.EncryptOptions{Iterations: 1000})
	if err != nil {
		t.Fatal(err)
	}
	encKey := writeTestFile(t, dir, "enc.key", encrypted)
	other := testpki.Root(t, "Other CA")
	otherKey := writeTestFile(t, dir, "other.key", other.KeyPEM(t))
	leaf := ca.Client(t, "alice")
	leafCert := writeTestFile(t, dir, "leaf.crt", leaf.PEM())
	leafKey := writeTestFile(t, dir, "leaf.key", leaf.KeyPEM(t))
	existing := writeTestFile(t, dir, "existing.crl", []byte("old"))
	out := filepath.Join(dir, "out.crl")
	withNumber := func(args ...string) []string {
		return append([]string{"crl", "gen", "--crlnumber", number, "-o", out}, args...)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"malformed line", withNumber("--index", bad, "--ca-cert", certFile, "--ca-key", keyFile), 1,
			[]string{"pgcert: error: " + bad + ": index line 2: revocation", "pgcert: hint: an index line holds six tab-separated fields"}},
		{"serial twice", withNumber("--index", dup, "--ca-cert", certFile, "--ca-key", keyFile), 1, []string{dup + ": serial 01 is listed twice"}},
		{"wrong passphrase", withNumber("--index", index, "--ca-cert", certFile, "--ca-key", encKey, "--passin", "pass:wrong"), 1,
			[]string{"pgcert: error: " + encKey + ": wrong passphrase"}},
		{"key of another CA", withNumber("--index", index, "--ca-cert", certFile, "--ca-key", otherKey), 1,
			[]string{otherKey + " does not belong to the certificate in " + certFile}},
		{"not a CA", withNumber("--index", index, "--ca-cert", leafCert, "--ca-key", leafKey), 1, []string{leafCert + " is not a CA certificate"}},
		{"missing index", withNumber("--index", filepath.Join(dir, "nope.txt"), "--ca-cert", certFile, "--ca-key", keyFile), 1, []string{"nope.txt: no such file"}},
		{"garbage certificate", withNumber("--index", index, "--ca-cert", bad, "--ca-key", keyFile), 1, []string{bad}},
		{"missing crlnumber", []string{"crl", "gen", "--index", index, "--ca-cert", certFile, "--ca-key", keyFile, "--crlnumber", filepath.Join(dir, "nonumber"), "-o", out}, 1,
			[]string{"nonumber: no such file", "echo 01 >"}},
		{"malformed crlnumber", []string{"crl", "gen", "--index", index, "--ca-cert", certFile, "--ca-key", keyFile, "--crlnumber", badNumber, "-o", out}, 1, []string{badNumber + ":"}},
		{"existing output", []string{"crl", "gen", "--index", index, "--ca-cert", certFile, "--ca-key", keyFile, "--crlnumber", number, "-o", existing}, 1,
			[]string{existing + " already exists", "--force"}},
		{"both forms", withNumber("--ca-dir", dir, "--index", index), 2, []string{"not both"}},
		{"no key", withNumber("--index", index, "--ca-cert", certFile), 2, []string{"--ca-key missing"}},
		{"no days", withNumber("--index", index, "--ca-cert", certFile, "--ca-key", keyFile, "--days", "0"), 2, []string{"--days 0"}},
		{"json to stdout", []string{"crl", "gen", "--index", index, "--ca-cert", certFile, "--ca-key", keyFile, "--json"}, 2, []string{"-o FILE"}},
		{"an argument", withNumber("index.txt"), 2, []string{"unexpected argument"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, stdout, errOut, _ := testFactory(t)
			if code := runCmd(f, tc.args...); code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %s", stdout)
			}
			assertNotExist(t, out)
			assertFileContent(t, number, "05\n")
			assertFileContent(t, existing, "old")
			assertNotExist(t, filepath.Join(dir, "crlnumber"))
		})
	}
}

// TestCrlGenIntoDataDir: run as root, the CRL written into a directory of another
// user (a data directory) is that user's, mode 0644.
func TestCrlGenIntoDataDir(t *testing.T) {
	testenv.RequireRoot(t, "only root gives files to another user")
	dir := t.TempDir()
	_, certFile, keyFile := indexCA(t, dir)
	index := writeTestFile(t, dir, "index.txt", []byte("R\t271126193907Z\t250101000000Z\t01\tunknown\t/CN=a\n"))
	pgdata := filepath.Join(dir, "pgdata")
	if err := os.Mkdir(pgdata, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(pgdata, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	f, _, errOut, _ := testFactory(t)
	out := filepath.Join(pgdata, "root.crl")
	if code := runCmd(f, "crl", "gen", "--index", index, "--ca-cert", certFile, "--ca-key", keyFile, "-o", out); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if uid, _ := ownerOf(fi); uid != 65534 || fi.Mode().Perm() != 0o644 {
		t.Errorf("%s: owner %d, mode %v", out, uid, fi.Mode().Perm())
	}
}
