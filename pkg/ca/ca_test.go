package ca

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// testNow is testpki's reference time, today: certificates these tests make are also
// checked by openssl at the real time, so they must be valid now.
var testNow = testpki.Now

func newCA(t *testing.T, o CreateOptions) *CA {
	t.Helper()
	if o.Now.IsZero() {
		o.Now = testNow
	}
	c, err := Create(filepath.Join(t.TempDir(), "ca"), o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func issueClient(t *testing.T, c *CA, role string) *Issued {
	t.Helper()
	key := testpki.NewKey(t)
	is, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN(role), PublicKey: key.Public(), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return is
}

func readIndexFile(t *testing.T, dir string) []*Entry {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := ReadIndex(f)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestCreateRootLayout(t *testing.T) {
	c := newCA(t, CreateOptions{CommonName: "Test Root"})
	if mode(t, c.Dir) != 0o700 || mode(t, filepath.Join(c.Dir, "private")) != 0o700 {
		t.Errorf("directory modes %04o, private %04o; want 0700", mode(t, c.Dir), mode(t, filepath.Join(c.Dir, "private")))
	}
	for name, want := range map[string]os.FileMode{
		KeyFile: 0o600, CertFile: 0o644, IndexFile: 0o644, AttrFile: 0o644, SerialFile: 0o644,
		CRLNumberFile: 0o644, ConfigFile: 0o644,
	} {
		if got := mode(t, filepath.Join(c.Dir, name)); got != want {
			t.Errorf("%s: mode %04o, want %04o", name, got, want)
		}
	}
	if attr, _ := os.ReadFile(filepath.Join(c.Dir, AttrFile)); string(attr) != "unique_subject = no\n" {
		t.Errorf("index.txt.attr = %q", attr)
	}
	if n, _ := os.ReadFile(filepath.Join(c.Dir, CRLNumberFile)); string(n) != "01\n" {
		t.Errorf("crlnumber = %q", n)
	}
	if c.Parent != nil || c.Root() != c.Cert || len(c.Intermediates()) != 0 {
		t.Errorf("a root CA has a parent or intermediates")
	}
	if !c.Cert.IsCA || c.Cert.MaxPathLen != 0 || !c.Cert.MaxPathLenZero || c.Cert.Subject.CommonName != "Test Root" {
		t.Errorf("root: CA %v pathlen %d, CN %q", c.Cert.IsCA, c.Cert.MaxPathLen, c.Cert.Subject.CommonName)
	}
	if want := testNow.AddDate(0, 0, selfsign.DefaultRootCADays); !c.Cert.NotAfter.Equal(want) {
		t.Errorf("root notAfter %v, want %v", c.Cert.NotAfter, want)
	}

	o, err := Open(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Cert.Equal(c.Cert) || o.Unlocked() {
		t.Fatal("Open gave another certificate, or an unlocked key")
	}
	if _, err := o.Issue(Request{}); !errors.Is(err, ErrKeyLocked) {
		t.Fatalf("Issue before Unlock: %v", err)
	}
	if err := o.Unlock(nil); err != nil {
		t.Fatal(err)
	}
	if enc, err := o.KeyEncrypted(); err != nil || enc {
		t.Fatalf("KeyEncrypted = %v, %v", enc, err)
	}
}

func TestCreateEncrypted(t *testing.T) {
	c := newCA(t, CreateOptions{Intermediate: true, Passphrase: []byte("secret pass"), Encrypt: keys.EncryptOptions{Iterations: 1000}})
	for _, x := range c.CAs() {
		o, err := Open(x.Dir)
		if err != nil {
			t.Fatal(err)
		}
		if enc, err := o.KeyEncrypted(); err != nil || !enc {
			t.Fatalf("%s: KeyEncrypted = %v, %v", x.Dir, enc, err)
		}
		if err := o.Unlock(nil); !errors.Is(err, keys.ErrPassphraseRequired) {
			t.Fatalf("Unlock without passphrase: %v", err)
		}
		if err := o.Unlock(func() ([]byte, error) { return []byte("wrong"), nil }); !errors.Is(err, keys.ErrIncorrectPassphrase) {
			t.Fatalf("Unlock with a wrong passphrase: %v", err)
		}
		if err := o.Unlock(func() ([]byte, error) { return []byte("secret pass"), nil }); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCreateIntermediate(t *testing.T) {
	c := newCA(t, CreateOptions{CommonName: "Org Root", Intermediate: true})
	if c.Parent == nil || c.Parent.Dir != filepath.Join(c.Dir, RootDir) {
		t.Fatalf("parent = %+v", c.Parent)
	}
	root, inter := c.Parent.Cert, c.Cert
	if root.MaxPathLen != 1 || inter.MaxPathLen != 0 || !inter.MaxPathLenZero {
		t.Errorf("pathlen: root %d, intermediate %d", root.MaxPathLen, inter.MaxPathLen)
	}
	if inter.Subject.CommonName != "Org Root Intermediate" {
		t.Errorf("intermediate CN %q", inter.Subject.CommonName)
	}
	if err := inter.CheckSignatureFrom(root); err != nil {
		t.Fatal(err)
	}
	if want := testNow.AddDate(0, 0, selfsign.DefaultIntermediateCADays); !inter.NotAfter.Equal(want) {
		t.Errorf("intermediate notAfter %v, want %v", inter.NotAfter, want)
	}
	entries := readIndexFile(t, c.Parent.Dir)
	if len(entries) != 1 || entries[0].SerialNumber().Cmp(inter.SerialNumber) != 0 || string(entries[0].Subject) != "/CN=Org Root Intermediate" {
		t.Fatalf("root index = %+v", entries)
	}
	if len(readIndexFile(t, c.Dir)) != 0 {
		t.Fatal("the intermediate's index is not empty")
	}
	if _, err := os.Stat(c.Parent.CertFilePath(inter.SerialNumber)); err != nil {
		t.Fatal(err)
	}
	o, err := Open(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if o.Parent == nil || !o.Root().Equal(root) || len(o.Intermediates()) != 1 || !o.Intermediates()[0].Equal(inter) {
		t.Fatal("Open did not find the chain")
	}
	if ch := o.Chain(); len(ch) != 2 || !ch[0].Equal(inter) || !ch[1].Equal(root) {
		t.Fatal("Chain is not intermediate, root")
	}
}

func TestCreateRefusals(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(dir, CreateOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(dir, CreateOptions{Now: testNow}); !errors.Is(err, ErrExists) {
		t.Errorf("second Create: %v", err)
	}

	busy := t.TempDir()
	os.WriteFile(filepath.Join(busy, "notes.txt"), nil, 0o644)
	var ne *NotEmptyError
	if _, err := Create(busy, CreateOptions{Now: testNow}); !errors.As(err, &ne) || ne.Name != "notes.txt" {
		t.Errorf("Create in a busy directory: %v", err)
	}

	pgdata := t.TempDir()
	os.WriteFile(filepath.Join(pgdata, "PG_VERSION"), []byte("15\n"), 0o600)
	var dde *DataDirError
	if _, err := Create(filepath.Join(pgdata, "a", "ca"), CreateOptions{Now: testNow}); !errors.As(err, &dde) || dde.DataDir != pgdata {
		t.Errorf("Create inside a data directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(pgdata, "a")); err == nil {
		t.Error("a refused Create made directories")
	}
	if _, err := Create(filepath.Join(pgdata, "ca"), CreateOptions{Now: testNow, AllowDataDir: true}); err != nil {
		t.Errorf("AllowDataDir: %v", err)
	}

	if _, err := Create(t.TempDir(), CreateOptions{Now: testNow, Key: keys.GenerateOptions{Type: keys.TypeEd25519}}); !errors.Is(err, ErrEdDSACA) {
		t.Errorf("Ed25519 CA: %v", err)
	}
	c, err := Create(t.TempDir(), CreateOptions{Now: testNow, Key: keys.GenerateOptions{Type: keys.TypeEd25519}, AllowEdDSA: true})
	if err != nil || c.Cert.PublicKeyAlgorithm != x509.Ed25519 {
		t.Errorf("Ed25519 CA with AllowEdDSA: %v", err)
	}
}

func TestCreateAfterInterruption(t *testing.T) {
	c := newCA(t, CreateOptions{Intermediate: true})
	if _, err := os.Stat(filepath.Join(c.Dir, creatingFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a finished Create left its marker: %v", err)
	}
	// An interrupted Create writes ca.crt last and leaves its marker: without ca.crt
	// the directory is not a CA, and Create fills it again.
	os.Remove(c.CertPath())
	os.WriteFile(filepath.Join(c.Dir, creatingFile), nil, 0o600)
	if _, err := Open(c.Dir); !errors.Is(err, ErrNotCA) {
		t.Fatalf("Open without ca.crt: %v", err)
	}
	var notes []string
	d, err := Create(c.Dir, CreateOptions{Now: testNow, Intermediate: true})
	if err != nil {
		t.Fatal(err)
	}
	d.Parent.Notify = func(m string) { notes = append(notes, m) }
	if _, err := d.Parent.List(); err != nil {
		t.Fatal(err)
	}
	if entries := readIndexFile(t, d.Parent.Dir); len(entries) != 1 {
		t.Fatalf("root index has %d entries", len(entries))
	}
	if files, _ := os.ReadDir(filepath.Join(d.Parent.Dir, NewCertsDir)); len(files) != 1 {
		t.Fatalf("root newcerts/ holds %d files, notes %q", len(files), notes)
	}
}

// TestCreateKeepsLostCA: a directory that holds CA keys but lost its ca.crt, and was
// not left by an interrupted Create, is refused, and its keys stay as they were.
func TestCreateKeepsLostCA(t *testing.T) {
	for _, intermediate := range []bool{false, true} {
		c := newCA(t, CreateOptions{Intermediate: intermediate})
		os.Remove(c.CertPath())
		keyBefore, _ := os.ReadFile(c.KeyPath())
		rootKey := filepath.Join(c.Dir, RootDir, KeyFile)
		rootBefore, _ := os.ReadFile(rootKey)
		var ie *IncompleteError
		if _, err := Create(c.Dir, CreateOptions{Now: testNow, Intermediate: intermediate}); !errors.As(err, &ie) || ie.Dir != c.Dir {
			t.Fatalf("intermediate=%v: Create over a CA without ca.crt: %v", intermediate, err)
		}
		if after, _ := os.ReadFile(c.KeyPath()); !bytes.Equal(after, keyBefore) {
			t.Errorf("intermediate=%v: the CA key was replaced", intermediate)
		}
		if after, _ := os.ReadFile(rootKey); !bytes.Equal(after, rootBefore) {
			t.Errorf("intermediate=%v: the root key was replaced", intermediate)
		}
	}
	// A directory holding only the lock file (what a failed Create leaves) is fresh.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, LockFile), nil, 0o600)
	if _, err := Create(dir, CreateOptions{Now: testNow}); err != nil {
		t.Errorf("Create beside a lone lock file: %v", err)
	}
}

func TestIssue(t *testing.T) {
	c := newCA(t, CreateOptions{Intermediate: true})
	key := testpki.NewKey(t)
	sans, _ := selfsign.HostSANs([]string{"db.example.com", "10.0.0.5"})
	srv, err := c.Issue(Request{Profile: selfsign.ServerLeaf, Subject: commonNameRDN("db.example.com"), SANs: sans, PublicKey: key.Public(), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if srv.Clamped || srv.Cert.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth || srv.Cert.DNSNames[0] != "db.example.com" || len(srv.Cert.IPAddresses) != 1 {
		t.Errorf("server certificate: %+v", srv.Cert)
	}
	if err := srv.Cert.CheckSignatureFrom(c.Cert); err != nil {
		t.Fatal(err)
	}
	cli := issueClient(t, c, "alice")
	if cli.Cert.Subject.CommonName != "alice" || cli.Cert.ExtKeyUsage[0] != x509.ExtKeyUsageClientAuth {
		t.Errorf("client certificate: %+v", cli.Cert)
	}
	entries := readIndexFile(t, c.Dir)
	if len(entries) != 2 {
		t.Fatalf("index has %d entries", len(entries))
	}
	for i, is := range []*Issued{srv, cli} {
		e := entries[i]
		if e.Status != StatusValid || e.SerialNumber().Cmp(is.Cert.SerialNumber) != 0 || !e.Expires.Equal(is.Cert.NotAfter) || string(e.File) != "unknown" {
			t.Errorf("entry %d = %+v", i, e)
		}
		data, err := os.ReadFile(is.File)
		if err != nil || !bytes.Equal(data, PEM(is.Cert)) {
			t.Errorf("copy %s: %v", is.File, err)
		}
		if filepath.Base(is.File) != SerialHex(is.Cert.SerialNumber.Bytes())+".pem" {
			t.Errorf("copy named %s", is.File)
		}
	}
	if string(entries[1].Subject) != "/CN=alice" {
		t.Errorf("subject %q", entries[1].Subject)
	}
	// The serial is random: 159 bits, not openssl's counter.
	if srv.Cert.SerialNumber.BitLen() < 120 || srv.Cert.SerialNumber.BitLen() > 159 {
		t.Errorf("serial of %d bits", srv.Cert.SerialNumber.BitLen())
	}
}

func TestIssueClampsToCA(t *testing.T) {
	c := newCA(t, CreateOptions{Intermediate: true})
	key := testpki.NewKey(t)
	is, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("bob"), PublicKey: key.Public(), Now: testNow, Days: 4000})
	if err != nil {
		t.Fatal(err)
	}
	if !is.Clamped || !is.Cert.NotAfter.Equal(c.Cert.NotAfter) {
		t.Errorf("clamped %v, notAfter %v, CA's %v", is.Clamped, is.Cert.NotAfter, c.Cert.NotAfter)
	}
	late := c.Cert.NotAfter.Add(time.Hour)
	var ee *ExpiredError
	if _, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("bob"), PublicKey: key.Public(), Now: late}); !errors.As(err, &ee) {
		t.Errorf("issue by an expired CA: %v", err)
	}
}

func TestRevokeAndCRL(t *testing.T) {
	c := newCA(t, CreateOptions{Intermediate: true})
	alice, bob := issueClient(t, c, "alice"), issueClient(t, c, "bob")
	at := testNow.Add(time.Hour)
	rv, err := c.Revoke(bob.Cert.SerialNumber, ReasonKeyCompromise, at)
	if err != nil {
		t.Fatal(err)
	}
	if rv.CA != c || rv.Entry.Status != StatusRevoked || !rv.Entry.Revoked.Equal(at) {
		t.Fatalf("revocation = %+v", rv)
	}
	var already *AlreadyRevokedError
	if _, err := c.Revoke(bob.Cert.SerialNumber, ReasonNone, at); !errors.As(err, &already) {
		t.Errorf("second revoke: %v", err)
	}
	var nf *NotFoundError
	if _, err := c.Revoke(big.NewInt(12345), ReasonNone, at); !errors.As(err, &nf) {
		t.Errorf("unknown serial: %v", err)
	}
	entries := readIndexFile(t, c.Dir)
	if entries[0].Status != StatusValid || entries[1].Status != StatusRevoked || entries[1].Reason != ReasonKeyCompromise {
		t.Fatalf("index = %+v %+v", entries[0], entries[1])
	}

	for want := int64(1); want <= 2; want++ {
		res, err := c.GenerateCRL(CRLOptions{Now: at.Add(time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		lists, err := crl.ParseCRLs(res.Signed.PEM())
		if err != nil {
			t.Fatal(err)
		}
		l := lists[0]
		if l.Number.Int64() != want || len(l.RevokedCertificateEntries) != 1 ||
			l.RevokedCertificateEntries[0].SerialNumber.Cmp(bob.Cert.SerialNumber) != 0 ||
			l.RevokedCertificateEntries[0].ReasonCode != int(ReasonKeyCompromise) {
			t.Fatalf("CRL %d: number %v, entries %+v", want, l.Number, l.RevokedCertificateEntries)
		}
		if err := l.CheckSignatureFrom(c.Cert); err != nil {
			t.Fatal(err)
		}
		if !l.NextUpdate.Equal(at.Add(time.Minute).AddDate(0, 0, crl.DefaultDays)) {
			t.Errorf("nextUpdate %v", l.NextUpdate)
		}
		if saved, _ := os.ReadFile(res.File); !bytes.Equal(saved, res.Signed.PEM()) {
			t.Error("crl.pem is not the CRL returned")
		}
	}
	if n, _ := os.ReadFile(filepath.Join(c.Dir, CRLNumberFile)); string(n) != "03\n" {
		t.Errorf("crlnumber = %q after two CRLs", n)
	}
	_ = alice

	// The intermediate itself is in the root's index.
	rv, err = c.Revoke(c.Cert.SerialNumber, ReasonCACompromise, at)
	if err != nil || rv.CA.Dir != c.Parent.Dir {
		t.Fatalf("revoking the intermediate: %+v, %v", rv, err)
	}
	res, err := c.Parent.GenerateCRL(CRLOptions{Now: at.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Signed.Entries != 1 {
		t.Errorf("root CRL lists %d entries", res.Signed.Entries)
	}
}

// TestCRLEntry checks what a CRL lists for an index line: a revocation with no
// reason gets the unspecified one, which writes no reasonCode, as openssl ca -gencrl.
func TestCRLEntry(t *testing.T) {
	at, invalid := testNow, testNow.Add(-time.Hour)
	for _, e := range []*Entry{
		{Status: StatusRevoked, Serial: []byte{0x1f}, Revoked: at, Reason: ReasonNone},
		{Status: StatusRevoked, Serial: []byte{0x20}, Revoked: at, Reason: ReasonKeyCompromise, InvalidityDate: invalid},
		{Status: StatusRevoked, Serial: []byte{0x21}, Revoked: at, Reason: ReasonCertificateHold, HoldInstruction: asn1.ObjectIdentifier{1, 2, 840, 10040, 2, 3}},
	} {
		want := int(e.Reason)
		if e.Reason == ReasonNone {
			want = 0
		}
		got := e.CRLEntry()
		if !bytes.Equal(got.Serial, e.Serial) || !got.RevocationTime.Equal(at) || got.Reason != want ||
			!got.InvalidityDate.Equal(e.InvalidityDate) || !got.HoldInstruction.Equal(e.HoldInstruction) {
			t.Errorf("%x: %+v", e.Serial, got)
		}
	}
}

func TestRevokeKeepsOtherLines(t *testing.T) {
	c := newCA(t, CreateOptions{})
	a := issueClient(t, c, "a")
	issueClient(t, c, "b")
	path := filepath.Join(c.Dir, IndexFile)
	before, _ := os.ReadFile(path)
	// A comment line and a line from another tool stay byte for byte.
	foreign := "E\t250101000000Z\t\t0A\tunknown\t/CN=old/O=X\\tY\n"
	os.WriteFile(path, append(append([]byte("# kept\n"), before...), foreign...), 0o644)
	if _, err := c.Revoke(a.Cert.SerialNumber, ReasonSuperseded, testNow); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	lines := strings.Split(string(after), "\n")
	if lines[0] != "# kept" || !strings.HasPrefix(lines[1], "R\t") || !strings.Contains(lines[1], ",superseded\t") ||
		lines[2] != strings.Split(string(before), "\n")[1] || lines[3]+"\n" != foreign {
		t.Fatalf("index after revoke:\n%s", after)
	}
}

func TestInterruptedIssueIsRepaired(t *testing.T) {
	c := newCA(t, CreateOptions{})
	var notes []string
	c.Notify = func(m string) { notes = append(notes, m) }
	kept := issueClient(t, c, "kept")

	// A crash between the certificate copy and the index line.
	testHookAfterCopy = func() error { return errors.New("crash") }
	key := testpki.NewKey(t)
	_, err := c.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("lost"), PublicKey: key.Public(), Now: testNow})
	testHookAfterCopy = nil
	if err == nil {
		t.Fatal("the hook did not stop the issue")
	}
	files, _ := os.ReadDir(filepath.Join(c.Dir, NewCertsDir))
	if len(files) != 2 || len(readIndexFile(t, c.Dir)) != 1 {
		t.Fatalf("after the crash: %d files, want 2 (one orphan)", len(files))
	}
	// A crash in the middle of an append leaves a line without its newline.
	path := filepath.Join(c.Dir, IndexFile)
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("V\t3001")
	f.Close()

	records, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 1 || records[0].Entry.SerialNumber().Cmp(kept.Cert.SerialNumber) != 0 || records[0].File == "" {
		t.Fatalf("records = %+v", records)
	}
	files, _ = os.ReadDir(filepath.Join(c.Dir, NewCertsDir))
	if len(files) != 1 || len(notes) != 2 || !strings.Contains(strings.Join(notes, "\n"), "unfinished last line") ||
		!strings.Contains(strings.Join(notes, "\n"), "does not list") {
		t.Fatalf("after repair: %d files, notes %q", len(files), notes)
	}
	data, _ := os.ReadFile(path)
	if !bytes.HasSuffix(data, []byte("\n")) || bytes.Count(data, []byte("\n")) != 1 {
		t.Fatalf("index after repair: %q", data)
	}
}

func TestConcurrentIssueAndRevoke(t *testing.T) {
	c := newCA(t, CreateOptions{})
	const workers, each = 8, 6
	var (
		mu     sync.Mutex
		issued []*big.Int
		wg     sync.WaitGroup
		errs   = make(chan error, workers*each)
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Every worker opens the directory itself, as separate runs do.
			o, err := Open(c.Dir)
			if err == nil {
				err = o.Unlock(nil)
			}
			if err != nil {
				errs <- err
				return
			}
			for i := range each {
				key := testpki.NewKey(t)
				is, err := o.Issue(Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN("u"), PublicKey: key.Public(), Now: testNow})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				issued = append(issued, is.Cert.SerialNumber)
				mu.Unlock()
				if (w+i)%2 == 0 {
					if _, err := o.Revoke(is.Cert.SerialNumber, ReasonSuperseded, testNow); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	entries := readIndexFile(t, c.Dir)
	if len(entries) != workers*each {
		t.Fatalf("index has %d entries, %d were issued", len(entries), workers*each)
	}
	seen := map[string]bool{}
	revoked := 0
	for _, e := range entries {
		h := SerialHex(e.Serial)
		if seen[h] {
			t.Fatalf("serial %s twice", h)
		}
		seen[h] = true
		if _, err := os.Stat(c.CertFilePath(e.SerialNumber())); err != nil {
			t.Fatalf("index line without its certificate: %v", err)
		}
		if e.Status == StatusRevoked {
			revoked++
		}
	}
	for _, s := range issued {
		if !seen[SerialHex(s.Bytes())] {
			t.Fatalf("issued serial %X is not in the index", s)
		}
	}
	if revoked != workers*each/2 {
		t.Fatalf("%d revoked, want %d", revoked, workers*each/2)
	}
}

func TestEasyRSACertsDir(t *testing.T) {
	c := newCA(t, CreateOptions{})
	if err := os.Rename(filepath.Join(c.Dir, NewCertsDir), filepath.Join(c.Dir, EasyRSACertsDir)); err != nil {
		t.Fatal(err)
	}
	is := issueClient(t, c, "carol")
	if filepath.Dir(is.File) != filepath.Join(c.Dir, EasyRSACertsDir) {
		t.Fatalf("copy written to %s", is.File)
	}
	records, err := c.List()
	if err != nil || len(records) != 1 || records[0].File != is.File {
		t.Fatalf("records %+v, %v", records, err)
	}
}

func TestDefaultDir(t *testing.T) {
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"PGCERT_CA_DIR": "/x/ca", "XDG_DATA_HOME": "/d", "HOME": "/h"}, "/x/ca"},
		{map[string]string{"XDG_DATA_HOME": "/d", "HOME": "/h"}, "/d/pgcert/ca"},
		{map[string]string{"XDG_DATA_HOME": "relative", "HOME": "/h"}, "/h/.local/share/pgcert/ca"},
		{map[string]string{"HOME": "/h"}, "/h/.local/share/pgcert/ca"},
	} {
		if got, err := DefaultDir(env(tc.env)); err != nil || got != tc.want {
			t.Errorf("DefaultDir(%v) = %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
	if _, err := DefaultDir(env(nil)); err == nil {
		t.Error("DefaultDir without HOME succeeded")
	}
}

func TestWithin(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "data"), 0o700)
	os.Symlink(filepath.Join(dir, "data"), filepath.Join(dir, "link"))
	for _, tc := range []struct {
		path, dir string
		want      bool
	}{
		{filepath.Join(dir, "data"), filepath.Join(dir, "data"), true},
		{filepath.Join(dir, "data", "ca", "new"), filepath.Join(dir, "data"), true},
		{filepath.Join(dir, "link", "ca"), filepath.Join(dir, "data"), true},
		{filepath.Join(dir, "data-ca"), filepath.Join(dir, "data"), false},
		{dir, filepath.Join(dir, "data"), false},
	} {
		if got := Within(tc.path, tc.dir); got != tc.want {
			t.Errorf("Within(%s, %s) = %v", tc.path, tc.dir, got)
		}
	}
}

func TestConcurrentCRLNumbers(t *testing.T) {
	c := newCA(t, CreateOptions{})
	const runs = 8
	numbers := make(chan int64, runs)
	var wg sync.WaitGroup
	for range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := Open(c.Dir)
			if err == nil {
				err = o.Unlock(nil)
			}
			if err != nil {
				t.Error(err)
				return
			}
			res, err := o.GenerateCRL(CRLOptions{Now: testNow})
			if err != nil {
				t.Error(err)
				return
			}
			numbers <- res.Signed.Number.Int64()
		}()
	}
	wg.Wait()
	close(numbers)
	seen := map[int64]bool{}
	for n := range numbers {
		if seen[n] || n < 1 || n > runs {
			t.Fatalf("CRL number %d twice or out of 1..%d", n, runs)
		}
		seen[n] = true
	}
	if len(seen) != runs {
		t.Fatalf("%d CRLs made, want %d", len(seen), runs)
	}
	if n, _ := os.ReadFile(filepath.Join(c.Dir, CRLNumberFile)); string(n) != "09\n" {
		t.Errorf("crlnumber = %q after %d CRLs", n, runs)
	}
}

func TestEmptyBookkeepingRestored(t *testing.T) {
	c := newCA(t, CreateOptions{})
	var notes []string
	c.Notify = func(m string) { notes = append(notes, m) }
	for _, name := range []string{SerialFile, CRLNumberFile, AttrFile, ConfigFile} {
		os.Truncate(filepath.Join(c.Dir, name), 0)
	}
	os.Remove(filepath.Join(c.Dir, ConfigFile))
	res, err := c.GenerateCRL(CRLOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Signed.Number.Int64() != 1 || len(notes) != 3 {
		t.Fatalf("CRL number %v, notes %q", res.Signed.Number, notes)
	}
	if serial, _ := os.ReadFile(filepath.Join(c.Dir, SerialFile)); len(serial) < 10 {
		t.Errorf("serial = %q", serial)
	}
	if attr, _ := os.ReadFile(filepath.Join(c.Dir, AttrFile)); string(attr) != "unique_subject = no\n" {
		t.Errorf("attr = %q", attr)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, ConfigFile)); err == nil {
		t.Error("a missing openssl.cnf was written: a foreign CA directory may do without it")
	}
}

func TestIssueAll(t *testing.T) {
	c := newCA(t, CreateOptions{Intermediate: true})
	var rs []Request
	for _, role := range []string{"a", "b", "c"} {
		rs = append(rs, Request{Profile: selfsign.ClientLeaf, Subject: commonNameRDN(role), PublicKey: testpki.NewKey(t).Public(), Now: testNow})
	}
	out, err := c.IssueAll(rs)
	if err != nil {
		t.Fatal(err)
	}
	entries := readIndexFile(t, c.Dir)
	if len(out) != 3 || len(entries) != 3 {
		t.Fatalf("%d issued, %d index lines", len(out), len(entries))
	}
	for i, is := range out {
		if entries[i].SerialNumber().Cmp(is.Cert.SerialNumber) != 0 || string(entries[i].Subject) != "/CN="+rs[i].Subject[0][0].Value.(string) {
			t.Errorf("line %d = %+v for %v", i, entries[i], is.Cert.Subject)
		}
		if _, err := os.Stat(is.File); err != nil {
			t.Error(err)
		}
	}
	// A bad request in the batch records nothing.
	bad := append(rs[:1:1], Request{Profile: selfsign.ServerLeaf, Subject: commonNameRDN("not a host name"), PublicKey: testpki.NewKey(t).Public(), Now: testNow})
	if _, err := c.IssueAll(bad); !errors.Is(err, selfsign.ErrNoHostName) {
		t.Fatalf("batch with a bad request: %v", err)
	}
	if len(readIndexFile(t, c.Dir)) != 3 {
		t.Fatal("a failed batch recorded entries")
	}
}
