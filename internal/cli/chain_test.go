package cli

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/chain"
)

// trustRun runs pgcert with args as Main does, on a test factory whose clock is
// testpki.Now, and returns the exit code and what was printed.
func trustRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	f, out, errOut, _ := testFactory(t)
	if !f.Now().Equal(testpki.Now) {
		t.Fatalf("the test factory's clock %v is not testpki.Now %v", f.Now(), testpki.Now)
	}
	code = runCmd(f, args...)
	return code, out.String(), errOut.String()
}

// trustFile writes the certificates to dir/name in PEM and returns the path.
func trustFile(t *testing.T, dir, name string, certs ...*testpki.Cert) string {
	t.Helper()
	return writeTestFile(t, dir, name, testpki.Bundle(certs...))
}

// readCerts reads the certificates of a file pgcert wrote.
func readCerts(t *testing.T, path string) []*x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return certs
}

// opensslAt is the -attime option that makes openssl judge validity at the test
// factory's clock.
func opensslAt() []string {
	return []string{"-attime", strconv.FormatInt(testpki.Now.Unix(), 10)}
}

// chainCase is a pile of certificate files given to `pgcert chain`, what pgcert must
// do with it, and what `openssl verify -CAfile ROOTS -untrusted REST LEAF` says of
// the same certificates.
type chainCase struct {
	name   string
	files  [][]*testpki.Cert
	key    *testpki.Cert // --key: the key of this certificate
	leaf   *testpki.Cert
	roots  []*testpki.Cert // the roots of the pile: openssl's -CAfile
	args   []string
	code   int
	order  []*testpki.Cert // the file written, when code is 0
	stderr []string
	// openssl is openssl verify's error number, 0 for OK.
	openssl int
}

func chainCases(t *testing.T) []chainCase {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Intermediate")
	leaf := inter.Server(t, "db.example.com")

	i1 := root.Intermediate(t, "Intermediate 1")
	i2 := i1.Intermediate(t, "Intermediate 2")
	deep := i2.Server(t, "deep.example.com")

	other := testpki.Root(t, "Other Root")
	otherLeaf := other.Server(t, "other.example.com")

	// A new root, cross-signed by the old one: a client trusting either verifies
	// leaf -> issuing -> new root (cross-signed) -> old root.
	oldRoot := testpki.Root(t, "Old Root")
	newRoot := testpki.Root(t, "New Root")
	crossed := testpki.Make(t, testpki.Template{CN: "New Root", IsCA: true, MaxPath: -1, Key: newRoot.Key}, oldRoot)
	issuing := newRoot.Intermediate(t, "Issuing CA")
	crossLeaf := issuing.Server(t, "cross.example.com")

	notCA := testpki.Make(t, testpki.Template{CN: "Not A CA", IsCA: true, NoCAFlag: true, MaxPath: -1}, root)
	underNotCA := notCA.Server(t, "under.example.com")
	noCertSign := testpki.Make(t, testpki.Template{CN: "No keyCertSign", IsCA: true, NoCertSig: true, MaxPath: -1}, root)
	underNoCertSign := noCertSign.Server(t, "nosign.example.com")

	expiredInter := testpki.Make(t, testpki.Template{CN: "Expired Intermediate", IsCA: true, MaxPath: -1,
		NotBefore: testpki.Now.Add(-48 * time.Hour), NotAfter: testpki.Now.Add(-24 * time.Hour)}, root)
	underExpired := expiredInter.Server(t, "expired.example.com")

	return []chainCase{
		{name: "shuffled bundle", files: [][]*testpki.Cert{{inter, root, leaf}}, leaf: leaf, roots: []*testpki.Cert{root},
			order: []*testpki.Cert{leaf, inter, root}},
		{name: "duplicates", files: [][]*testpki.Cert{{leaf, inter}, {root, inter, leaf}}, leaf: leaf, roots: []*testpki.Cert{root},
			order: []*testpki.Cert{leaf, inter, root}, stderr: []string{"dropped 2 duplicates: CN=Intermediate (pile2.pem); CN=db.example.com (pile2.pem)"}},
		{name: "unrelated certificates", files: [][]*testpki.Cert{{otherLeaf, leaf, other}, {root, inter}}, leaf: leaf, roots: []*testpki.Cert{root},
			order:  []*testpki.Cert{leaf, inter, root},
			stderr: []string{"left out 2 certificates not on the path of the leaf CN=db.example.com (pile1.pem): CN=other.example.com (pile1.pem); CN=Other Root (pile1.pem)"},
			key:    leaf},
		{name: "two intermediates deep", files: [][]*testpki.Cert{{root, deep}, {i1, i2}}, leaf: deep, roots: []*testpki.Cert{root},
			order: []*testpki.Cert{deep, i2, i1, root}},
		{name: "cross-signed intermediate", files: [][]*testpki.Cert{{newRoot, crossLeaf, oldRoot, crossed, issuing}}, leaf: crossLeaf, roots: []*testpki.Cert{oldRoot, newRoot},
			order: []*testpki.Cert{crossLeaf, issuing, crossed, oldRoot}},
		{name: "missing intermediate", files: [][]*testpki.Cert{{deep, i2, root}}, leaf: deep, roots: []*testpki.Cert{root},
			code: 1, openssl: 20, stderr: []string{"pgcert: error: the issuer CN=Intermediate 1 of CN=Intermediate 2 (pile1.pem) is missing: add its certificate\n", "nothing was written"}},
		{name: "wrong key", files: [][]*testpki.Cert{{leaf, inter, root}}, key: otherLeaf, leaf: leaf, roots: []*testpki.Cert{root},
			code: 1, stderr: []string{"is not the key of CN=db.example.com (pile1.pem)", "key values mismatch"}},
		{name: "non-CA intermediate", files: [][]*testpki.Cert{{underNotCA, notCA, root}}, leaf: underNotCA, roots: []*testpki.Cert{root},
			code: 1, openssl: 79, stderr: []string{"CN=Not A CA (pile1.pem) is not a CA certificate (basicConstraints CA:FALSE), so it cannot issue CN=under.example.com (pile1.pem)"}},
		{name: "intermediate without keyCertSign", files: [][]*testpki.Cert{{root, noCertSign}, {underNoCertSign}}, leaf: underNoCertSign, roots: []*testpki.Cert{root},
			code: 1, openssl: 79, stderr: []string{"CN=No keyCertSign (pile1.pem) is not a CA certificate (keyUsage without keyCertSign), so it cannot issue CN=nosign.example.com (pile2.pem)", "an intermediate needs keyUsage keyCertSign"}},
		{name: "broken signature", files: [][]*testpki.Cert{{leaf.BrokenSignature(t), inter, root}}, leaf: leaf.BrokenSignature(t), roots: []*testpki.Cert{root},
			code: 1, openssl: 7, stderr: []string{"pgcert: error: the signature of CN=db.example.com (pile1.pem) does not verify with the key of CN=Intermediate (pile1.pem)\n"}},
		{name: "expired intermediate", files: [][]*testpki.Cert{{underExpired, expiredInter, root}}, leaf: underExpired, roots: []*testpki.Cert{root},
			code: 1, openssl: 10, stderr: []string{"CN=Expired Intermediate (pile1.pem) expired on " + testpki.Date(-24*time.Hour) + " (1 day ago)", "--allow-expired"}},
		{name: "expired intermediate allowed", files: [][]*testpki.Cert{{underExpired, expiredInter, root}}, leaf: underExpired, roots: []*testpki.Cert{root},
			args: []string{"--allow-expired"}, openssl: 10, order: []*testpki.Cert{underExpired, expiredInter, root},
			stderr: []string{"pgcert: warning: CN=Expired Intermediate (pile1.pem) expired on " + testpki.Date(-24*time.Hour) + " (1 day ago); written all the same (--allow-expired)"}},
	}
}

// TestChainCases runs `pgcert chain` over generated hierarchies, one file set per
// case, and checks the exit code, the messages, the file written, and that openssl
// verify agrees with the verdict.
func TestChainCases(t *testing.T) {
	for _, tc := range chainCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "server.crt")
			args := append([]string{"chain", "-o", out}, tc.args...)
			if tc.key != nil {
				args = append(args, "--key", writeTestFile(t, dir, "server.key", tc.key.KeyPEM(t)))
			}
			var pile []*testpki.Cert
			for i, certs := range tc.files {
				args = append(args, trustFile(t, dir, "pile"+strconv.Itoa(i+1)+".pem", certs...))
				pile = append(pile, certs...)
			}
			t.Chdir(dir)
			code, stdout, stderr := trustRun(t, args...)
			stderr = strings.ReplaceAll(stderr, dir+"/", "")
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if tc.code != 0 {
				if cmdutil.FileExists(out) {
					t.Errorf("%s was written although pgcert refused", out)
				}
			} else {
				got := readCerts(t, out)
				if len(got) != len(tc.order) {
					t.Fatalf("wrote %d certificates, want %d", len(got), len(tc.order))
				}
				for i, want := range tc.order {
					if !got[i].Equal(want.Cert) {
						t.Errorf("certificate %d is %s, want %s", i+1, got[i].Subject, want.Cert.Subject)
					}
				}
				if !strings.HasPrefix(stdout, "wrote "+out+": "+strconv.Itoa(len(tc.order))+" certificates, mode 0644\n") {
					t.Errorf("stdout:\n%s", stdout)
				}
			}
			tc.opensslAgrees(t, dir, pile)
		})
	}
}

// opensslAgrees asks openssl about the same certificates: `openssl verify` for the
// chain, or, for a key given with --key, whether its public key is the leaf's.
func (tc chainCase) opensslAgrees(t *testing.T, dir string, pile []*testpki.Cert) {
	t.Helper()
	leafFile := trustFile(t, dir, "openssl-leaf.pem", tc.leaf)
	if tc.key != nil {
		certKey := testenv.OpenSSL(t, "x509", "-in", leafFile, "-noout", "-pubkey")
		key := testenv.OpenSSL(t, "pkey", "-in", filepath.Join(dir, "server.key"), "-pubout")
		if match := bytes.Equal(certKey, key); match != (tc.code == 0) {
			t.Errorf("openssl says the key matches the leaf: %v; pgcert exit %d", match, tc.code)
		}
		if tc.code != 0 {
			return
		}
	}
	var rest []*testpki.Cert
	for _, c := range pile {
		if !c.Cert.Equal(tc.leaf.Cert) && !containsCert(tc.roots, c) {
			rest = append(rest, c)
		}
	}
	args := append(opensslAt(), "-CAfile", trustFile(t, dir, "openssl-roots.pem", tc.roots...))
	if len(rest) > 0 {
		args = append(args, "-untrusted", trustFile(t, dir, "openssl-rest.pem", rest...))
	}
	v := testenv.OpenSSLVerify(t, append(args, leafFile)...)
	switch {
	case tc.openssl == 0 && !v.OK:
		t.Errorf("openssl refuses what pgcert accepts: %s", v.Output)
	case tc.openssl != 0 && v.Code != tc.openssl:
		t.Errorf("openssl says %q, want error %d", strings.TrimSpace(v.Output), tc.openssl)
	}
	if tc.code == 0 && tc.openssl == 0 {
		// What pgcert wrote verifies by itself, for a client trusting any one of the
		// roots: its first certificate with the rest of the file as the chain the
		// client receives.
		out := filepath.Join(dir, "server.crt")
		for _, root := range tc.roots {
			if v := testenv.OpenSSLVerify(t, append(opensslAt(), "-CAfile", trustFile(t, dir, "openssl-root.pem", root), "-untrusted", out, out)...); !v.OK {
				t.Errorf("openssl trusting %s refuses the server.crt pgcert wrote: %s", root.Cert.Subject, v.Output)
			}
		}
	}
}

func containsCert(certs []*testpki.Cert, c *testpki.Cert) bool {
	for _, x := range certs {
		if x.Cert.Equal(c.Cert) {
			return true
		}
	}
	return false
}

func TestChainRootPlacement(t *testing.T) {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Intermediate")
	leaf := inter.Server(t, "db.example.com")
	direct := root.Server(t, "direct.example.com")

	for _, tc := range []struct {
		name   string
		certs  []*testpki.Cert
		args   func(dir string) []string
		want   []*testpki.Cert
		stderr string
	}{
		{"root written after intermediates", []*testpki.Cert{root, inter, leaf}, nil, []*testpki.Cert{leaf, inter, root}, ""},
		{"--no-root", []*testpki.Cert{root, inter, leaf}, func(string) []string { return []string{"--no-root"} }, []*testpki.Cert{leaf, inter}, ""},
		{"leaf signed by the root is written alone", []*testpki.Cert{root, direct}, nil, []*testpki.Cert{direct},
			"left out the root CN=Root (pile.pem): the leaf is signed by the root itself"},
		{"no root among the inputs", []*testpki.Cert{inter, leaf}, nil, []*testpki.Cert{leaf, inter},
			"pgcert: warning: no root among the inputs: the chain ends with CN=Intermediate (pile.pem), whose issuer CN=Root clients must hold in their root.crt"},
		{"root from --root", []*testpki.Cert{inter, leaf}, func(dir string) []string { return []string{"--root", trustFile(t, dir, "root.crt", root)} },
			[]*testpki.Cert{leaf, inter, root}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			args := []string{"chain", trustFile(t, dir, "pile.pem", tc.certs...)}
			if tc.args != nil {
				args = append(args, tc.args(dir)...)
			}
			code, _, stderr := trustRun(t, args...)
			stderr = strings.ReplaceAll(stderr, dir+"/", "")
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			got := readCerts(t, filepath.Join(dir, "server.crt"))
			if len(got) != len(tc.want) {
				t.Fatalf("wrote %d certificates, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if !got[i].Equal(tc.want[i].Cert) {
					t.Errorf("certificate %d is %s, want %s", i+1, got[i].Subject, tc.want[i].Cert.Subject)
				}
			}
		})
	}
}

func TestChainMissingIssuerWithRoot(t *testing.T) {
	root := testpki.Root(t, "Root")
	i1 := root.Intermediate(t, "Intermediate 1")
	i2 := i1.Intermediate(t, "Intermediate 2")
	leaf := i2.Server(t, "db.example.com")
	dir := t.TempDir()
	code, _, stderr := trustRun(t, "chain", "-o", filepath.Join(dir, "server.crt"), "--root", trustFile(t, dir, "root.crt", root), trustFile(t, dir, "pile.pem", leaf, i2))
	if code != 1 || !strings.Contains(stderr, "the issuer CN=Intermediate 1 of CN=Intermediate 2 ("+dir+"/pile.pem) is missing: add its certificate") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
}

func TestChainLeafChoice(t *testing.T) {
	root := testpki.Root(t, "Root")
	a := root.Server(t, "a.example.com")
	b := root.Server(t, "b.example.com")
	renewed := testpki.Make(t, testpki.Template{CN: "a.example.com", Key: a.Key, EKU: a.Cert.ExtKeyUsage}, root)
	dir := t.TempDir()
	pile := trustFile(t, dir, "pile.pem", root, a, b)
	out := filepath.Join(dir, "server.crt")

	code, _, stderr := trustRun(t, "chain", "-o", out, pile)
	if code != 1 || !strings.Contains(stderr, "cannot tell which certificate is the leaf: 2 are not CAs and issue no other: CN=a.example.com ("+pile+"); CN=b.example.com ("+pile+")") ||
		!strings.Contains(stderr, "pgcert: hint: give the server's private key with --key") {
		t.Fatalf("two leaves without --key: exit %d\n%s", code, stderr)
	}
	code, _, stderr = trustRun(t, "chain", "-o", out, "--key", writeTestFile(t, dir, "b.key", b.KeyPEM(t)), pile)
	if code != 0 {
		t.Fatalf("--key picks the leaf: exit %d\n%s", code, stderr)
	}
	if got := readCerts(t, out); len(got) != 1 || !got[0].Equal(b.Cert) {
		t.Errorf("wrote %d certificates, the first %s", len(got), got[0].Subject)
	}
	code, _, stderr = trustRun(t, "chain", "-o", out, "--force", "--key", writeTestFile(t, dir, "a.key", a.KeyPEM(t)), pile, trustFile(t, dir, "renewed.pem", renewed))
	if code != 1 || !strings.Contains(stderr, "2 certificates carry the key of "+dir+"/a.key, so each could be the leaf") {
		t.Fatalf("a renewed certificate with the same key: exit %d\n%s", code, stderr)
	}
	// Two CAs that sign each other: each issues another, so neither is a leaf.
	keyB := testpki.NewKey(t)
	aByB := testpki.Make(t, testpki.Template{CN: "CA A", IsCA: true, MaxPath: -1}, testpki.Make(t, testpki.Template{CN: "CA B", IsCA: true, MaxPath: -1, Key: keyB}, nil))
	bByA := testpki.Make(t, testpki.Template{CN: "CA B", IsCA: true, MaxPath: -1, Key: keyB}, aByB)
	code, _, stderr = trustRun(t, "chain", "-o", out, "--force", trustFile(t, dir, "cas.pem", aByB, bByA))
	if code != 1 || !strings.Contains(stderr, "pgcert: hint: add the file with the server's own certificate") {
		t.Fatalf("two CAs signing each other: exit %d\n%s", code, stderr)
	}
}

func TestChainEncryptedKey(t *testing.T) {
	root := testpki.Root(t, "Root")
	leaf := root.Server(t, "db.example.com")
	dir := t.TempDir()
	enc := filepath.Join(dir, "server.key")
	plain := writeTestFile(t, dir, "plain.key", leaf.KeyPEM(t))
	t.Chdir(dir)
	if code, _, stderr := trustRun(t, "key", "encrypt", plain, "-o", enc, "--passout", "pass:secret phrase"); code != 0 {
		t.Fatalf("key encrypt: exit %d\n%s", code, stderr)
	}
	pile := trustFile(t, dir, "pile.pem", root, leaf)
	code, _, stderr := trustRun(t, "chain", "--key", enc, pile)
	if code != 1 || !strings.Contains(stderr, "--passin") {
		t.Fatalf("an encrypted key without --passin or a terminal: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := trustRun(t, "chain", "--key", enc, "--passin", "pass:secret phrase", pile); code != 0 {
		t.Fatalf("--passin: exit %d\n%s", code, stderr)
	}
}

func TestChainOutputs(t *testing.T) {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Intermediate")
	leaf := inter.Server(t, "db.example.com")
	other := testpki.Root(t, "Other")
	dir := t.TempDir()
	pile := trustFile(t, dir, "pile.pem", inter, other, root, leaf, inter)
	out := filepath.Join(dir, "server.crt")

	code, stdout, stderr := trustRun(t, "chain", "-o", "-", pile)
	if code != 0 || stdout != string(testpki.Bundle(leaf, inter, root)) || !strings.Contains(stderr, "wrote 3 certificates to standard output") {
		t.Fatalf("-o -: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if code, _, stderr := trustRun(t, "chain", "-o", "-", "--json", pile); code != 2 || !strings.Contains(stderr, "-o - and --json") {
		t.Errorf("-o - --json: exit %d\n%s", code, stderr)
	}

	code, stdout, stderr = trustRun(t, "chain", "--json", "--no-root", "-o", out, pile)
	if code != 0 {
		t.Fatalf("--json: exit %d\n%s", code, stderr)
	}
	var rep chainJSON
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	var roles []string
	for _, e := range rep.Certificates {
		roles = append(roles, string(e.Role)+" "+e.Subject+" "+strconv.FormatBool(e.Written))
	}
	want := "leaf CN=db.example.com true,intermediate CN=Intermediate true,root CN=Root false"
	if strings.Join(roles, ",") != want || !rep.Complete || rep.RootWritten || rep.File.Path != out || rep.File.Mode != "0644" ||
		len(rep.Unrelated) != 1 || rep.Unrelated[0].Subject != "CN=Other" || len(rep.Duplicates) != 1 || rep.Duplicates[0].SHA256 != chain.Fingerprint(inter.Cert) {
		t.Errorf("--json: %+v", rep)
	}
	for _, field := range []string{`"file"`, `"complete"`, `"root_written"`, `"certificates"`, `"written"`, `"not_after"`, `"sha256"`, `"unrelated"`, `"duplicates"`, `"warnings"`} {
		if !strings.Contains(stdout, field) {
			t.Errorf("--json lacks %s", field)
		}
	}

	code, _, stderr = trustRun(t, "chain", "-o", out, pile)
	if code != 1 || !strings.Contains(stderr, "already exists") || !strings.Contains(stderr, "--force") {
		t.Errorf("an existing output without --force: exit %d\n%s", code, stderr)
	}
	// Rewriting a file in place, as `pgcert check` suggests for one in the wrong order.
	if err := os.WriteFile(out, testpki.Bundle(inter, leaf), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := trustRun(t, "chain", "-o", out, "--force", "--key", writeTestFile(t, dir, "server.key", leaf.KeyPEM(t)), out); code != 0 {
		t.Fatalf("in place: exit %d\n%s", code, stderr)
	}
	if got := readCerts(t, out); len(got) != 2 || !got[0].Equal(leaf.Cert) || !got[1].Equal(inter.Cert) {
		t.Errorf("in place: wrote %d certificates", len(got))
	}
}

func TestChainInputErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "notes.txt")
	os.WriteFile(empty, []byte("no certificate here\n"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"chain"}, 2, "want at least one CERTFILE"},
		{[]string{"chain", filepath.Join(dir, "missing.pem")}, 1, "missing.pem: no such file"},
		{[]string{"chain", empty}, 1, "notes.txt: neither PEM nor a DER certificate"},
	} {
		code, _, stderr := trustRun(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr:\n%s", tc.args, code, stderr)
		}
	}
}

func TestChainShortensLongLists(t *testing.T) {
	root := testpki.Root(t, "Root")
	leaf := root.Server(t, "db.example.com")
	strangers := []*testpki.Cert{leaf, root}
	for i := range maxListed + 2 {
		strangers = append(strangers, testpki.Root(t, "Stranger "+strconv.Itoa(i)))
	}
	dir := t.TempDir()
	code, stdout, stderr := trustRun(t, "chain", "--json", "-o", filepath.Join(dir, "server.crt"), trustFile(t, dir, "store.pem", strangers...))
	if code != 0 || !strings.Contains(stderr, "left out 12 certificates") || !strings.Contains(stderr, "CN=Stranger 9 ("+dir+"/store.pem); and 2 more (--json lists them all)\n") ||
		strings.Contains(stderr, "Stranger 10") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var rep chainJSON
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || len(rep.Unrelated) != maxListed+2 {
		t.Errorf("--json lists %d unrelated certificates: %v", len(rep.Unrelated), err)
	}
}

// TestManyDuplicatesSummarised gives chain and root a pile with a thousand and more
// copies of the same certificates: the message counts them and names the first few
// distinct ones on one short line, and --json still lists every copy.
func TestManyDuplicatesSummarised(t *testing.T) {
	root := testpki.Root(t, "Root")
	inter := root.Intermediate(t, "Intermediate")
	leaf := inter.Server(t, "db.example.com")
	pile := []*testpki.Cert{leaf, inter, root}
	for range 1200 {
		pile = append(pile, root, inter)
	}
	dir := t.TempDir()
	file := trustFile(t, dir, "pile.pem", pile...)
	want := "dropped 2,400 duplicate certificates (first: CN=Root (" + file + "); CN=Intermediate (" + file + "); --json lists them all)\n"

	code, stdout, stderr := trustRun(t, "chain", "--json", "-o", filepath.Join(dir, "server.crt"), file)
	if code != 0 || !strings.HasSuffix(stderr, want) || strings.Count(stderr, "CN=Root") != 1 {
		t.Fatalf("chain: exit %d\n%s", code, stderr)
	}
	var rep chainJSON
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || len(rep.Duplicates) != 2400 {
		t.Errorf("chain --json lists %d duplicates: %v", len(rep.Duplicates), err)
	}

	code, _, stderr = trustRun(t, "root", "-o", filepath.Join(dir, "root.crt"), trustFile(t, dir, "roots.pem", pile[1:]...))
	if code != 0 || !strings.Contains(stderr, "dropped 2,400 duplicate certificates (first: CN=Root (") || len(stderr) > 500 {
		t.Fatalf("root: exit %d\n%s", code, stderr)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 16383: "16,383", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
