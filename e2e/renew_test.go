package e2e

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pgtest"
	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// renewJSON is the part of `pgcert renew --json` the tests read (README, "JSON:
// pgcert renew").
type renewJSON struct {
	Action      string `json:"action"`
	Certificate *struct {
		Serial      string `json:"serial"`
		DaysLeft    int    `json:"days_left"`
		RenewAtDays int    `json:"renew_at_days"`
		Renewed     bool   `json:"renewed"`
		New         *struct {
			Serial string `json:"serial"`
			SANs   string `json:"sans"`
		} `json:"new"`
	} `json:"certificate"`
	CRL *struct {
		Refreshed bool     `json:"refreshed"`
		Reasons   []string `json:"reasons"`
		CRLs      []struct {
			Issuer  string `json:"issuer"`
			Entries int    `json:"entries"`
		} `json:"crls"`
	} `json:"crl"`
	Files    []fileJSON `json:"files"`
	Previous []string   `json:"previous"`
	Restored []string   `json:"restored"`
	Reload   *struct {
		Running        bool     `json:"running"`
		Signalled      bool     `json:"signalled"`
		Confirmed      bool     `json:"confirmed"`
		ExpectedSerial string   `json:"expected_serial"`
		ServedSerial   string   `json:"served_serial"`
		LogFile        string   `json:"log_file"`
		LogLines       []string `json:"log_lines"`
	} `json:"reload"`
}

// renewCluster is a data directory set up by `pgcert init --configure` with a CA
// made 900 days ago (root and intermediate, in caDir) and client bundles for alice
// and the given roles, whose server certificate (same key and names) was issued 800
// days ago for 825 days: it expires in 25 days, inside renew's default window of a
// third of its lifetime. The server is started.
type renewCluster struct {
	c       *pgtest.Cluster
	caDir   string
	clients map[string]string // role -> bundle directory
	old     *x509.Certificate // the expiring server certificate
}

func newRenewCluster(t *testing.T, roles ...string) *renewCluster {
	t.Helper()
	past := time.Now().AddDate(0, 0, -900)
	caDir := filepath.Join(t.TempDir(), "ca")
	if _, err := ca.Create(caDir, ca.CreateOptions{Intermediate: true, Now: past}); err != nil {
		t.Fatal(err)
	}
	c := pgtest.NewCluster(t, pgtest.Options{})
	args := []string{"init", "-D", c.DataDir, "--ca-dir", caDir, "--host", serverName, "--configure", "--json", "--client", "alice"}
	for _, role := range roles {
		args = append(args, "--client", role)
	}
	r := pgcert(t, args...)
	if r.Code != 0 {
		t.Fatalf("pgcert init: exit %d\n%s", r.Code, r.Stderr)
	}
	var rep initJSON
	decodeJSON(t, r, &rep)
	rc := &renewCluster{c: c, caDir: caDir, clients: map[string]string{}}
	for _, cl := range rep.Clients {
		rc.clients[cl.Role] = cl.Dir
	}

	authority, err := ca.Open(caDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := authority.Unlock(nil); err != nil {
		t.Fatal(err)
	}
	key, err := keys.Parse(testfs.Read(t, c.Path("server.key")), nil)
	if err != nil {
		t.Fatal(err)
	}
	sans, _ := selfsign.HostSANs([]string{serverName})
	is, err := authority.Issue(ca.Request{
		Profile: selfsign.ServerLeaf, Subject: readOne(t, c.Path("server.crt")).Subject.ToRDNSequence(), SANs: sans,
		PublicKey: key.Signer.Public(), Days: 825, Now: time.Now().AddDate(0, 0, -800),
	})
	if err != nil {
		t.Fatal(err)
	}
	rc.old = is.Cert
	c.WriteFile(t, "server.crt", ca.PEM(append([]*x509.Certificate{is.Cert}, authority.Chain()...)...), 0o644)
	start(t, c)
	return rc
}

// verifyFull is a connection as alice with her bundle, sslmode=verify-full and the
// root alone in root.crt: the pg_hba.conf of init --configure logs her in with her
// certificate (the cert method).
func (rc *renewCluster) verifyFull(t *testing.T) string {
	t.Helper()
	return bundleConn(rc.c, rc.clients["alice"], "alice")
}

// servedSerial asks the server for its certificate with `pgcert probe` and returns
// the leaf's serial.
func (rc *renewCluster) servedSerial(t *testing.T) string {
	t.Helper()
	root := filepath.Join(rc.caDir, "root", "ca.crt")
	r := pgcert(t, "probe", serverName+":"+strconv.Itoa(rc.c.Port()), "--hostaddr", "127.0.0.1", "--root", root,
		"--sslmode", "verify-full", "--warn-days", "0", "--json")
	var rep struct {
		Chain []struct {
			Serial string `json:"serial"`
		} `json:"chain"`
		OK bool `json:"ok"`
	}
	decodeJSON(t, r, &rep)
	if r.Code != 0 || !rep.OK || len(rep.Chain) == 0 {
		t.Fatalf("pgcert probe: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	return rep.Chain[0].Serial
}

func serialOf(c *x509.Certificate) string { return ca.SerialHex(c.SerialNumber.Bytes()) }

// connectionLoop runs short psql connections with conninfo, one after another, until
// stop is closed, and then reports how many there were and what the failures said.
func connectionLoop(t *testing.T, c *pgtest.Cluster, conninfo string) (stop func() (n int, failures []string)) {
	t.Helper()
	done := make(chan struct{})
	first := make(chan struct{})
	var (
		mu       sync.Mutex
		n        int
		failures []string
		wg       sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			_, stderr, err := c.Psql(conninfo, "select 1")
			mu.Lock()
			n++
			if err != nil {
				failures = append(failures, fmt.Sprintf("connection %d: %v: %s", i, err, stderr))
			}
			mu.Unlock()
			if i == 0 {
				close(first)
			}
			select {
			case <-done:
				return
			default:
			}
		}
	}()
	<-first
	return func() (int, []string) {
		close(done)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return n, failures
	}
}

// session is a psql process that stays connected, reading statements from a pipe.
type session struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// openSession starts psql on conninfo as pgtest runs it (no ~/.postgresql, messages in
// English), reading statements from standard input.
func openSession(t *testing.T, c *pgtest.Cluster, conninfo string) *session {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(c.Install.PsqlPath, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + home, "LC_ALL=C", "PGCONNECT_TIMEOUT=30",
		"PGSSLCERT=invalid", "PGSSLKEY=invalid", "PGSSLCRL=invalid", "PGSYSCONFDIR=" + home}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &session{cmd: cmd, in: in, out: bufio.NewReader(out)}
	t.Cleanup(func() {
		in.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(pgtest.PsqlTimeout):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("the long-lived psql said: %s", stderr.String())
		}
	})
	return s
}

// query sends one statement and returns the line psql answers with.
func (s *session) query(t *testing.T, sql string) string {
	t.Helper()
	if _, err := io.WriteString(s.in, sql+"\n"); err != nil {
		t.Fatalf("the psql session is gone: %v", err)
	}
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := s.out.ReadString('\n')
		ch <- answer{strings.TrimSpace(line), err}
	}()
	select {
	case a := <-ch:
		if a.err != nil {
			t.Fatalf("the psql session did not answer %q: %v", sql, a.err)
		}
		return a.line
	case <-time.After(pgtest.PsqlTimeout):
		t.Fatalf("the psql session did not answer %q within %v", sql, pgtest.PsqlTimeout)
	}
	return ""
}

// fileHashes maps each regular file under dir (only those directly in it unless
// recursive) to its mode and SHA-256.
func fileHashes(t *testing.T, dir string, recursive bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && !recursive {
				return filepath.SkipDir
			}
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = fmt.Sprintf("%v %s", fi.Mode(), hex.EncodeToString(sum[:]))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameFiles fails the test when two fileHashes differ.
func sameFiles(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for name, h := range before {
		if after[name] != h {
			t.Errorf("%s: %s changed (%s -> %s)", what, name, h, after[name])
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s: %s appeared", what, name)
		}
	}
}

// TestRenewReloadWhileConnected: a server whose certificate expires in 25 days is
// renewed and reloaded by `pgcert renew --reload` with its defaults while a psql
// session stays connected and short verify-full connections run one after another.
// The session survives, none of the connections is refused, and new connections get
// the new certificate.
func TestRenewReloadWhileConnected(t *testing.T) {
	rc := newRenewCluster(t)
	c := rc.c
	conn := rc.verifyFull(t)
	if got := rc.servedSerial(t); got != serialOf(rc.old) {
		t.Fatalf("before renewal the server serves %s, want the expiring %s", got, serialOf(rc.old))
	}
	s := openSession(t, c, conn)
	pid := s.query(t, "select pg_backend_pid();")
	if _, err := strconv.Atoi(pid); err != nil {
		t.Fatalf("the session answered %q", pid)
	}
	mark := c.LogMark()
	stop := connectionLoop(t, c, conn)
	r := pgcert(t, "renew", "-D", c.DataDir, "--ca-dir", rc.caDir, "--reload", "--json")
	n, failures := stop()
	if r.Code != 0 {
		t.Fatalf("pgcert renew --reload: exit %d\n%s", r.Code, r.Stderr)
	}
	var rep renewJSON
	decodeJSON(t, r, &rep)
	cert := rep.Certificate
	if rep.Action != "renewed" || !cert.Renewed || cert.New == nil || cert.Serial != serialOf(rc.old) || cert.DaysLeft != 24 && cert.DaysLeft != 25 || cert.RenewAtDays != 275 {
		t.Fatalf("report: action %s, certificate %+v", rep.Action, cert)
	}
	if cert.New.SANs != "DNS:"+serverName {
		t.Errorf("the renewed certificate names %s, want DNS:%s", cert.New.SANs, serverName)
	}
	if rel := rep.Reload; rel == nil || !rel.Signalled || !rel.Confirmed || rel.ServedSerial != cert.New.Serial || rel.LogFile != c.LogFile {
		t.Fatalf("reload report %+v, want it confirmed serving %s, with log %s", rep.Reload, cert.New.Serial, c.LogFile)
	}
	if n == 0 || len(failures) > 0 {
		t.Fatalf("%d connections during the renewal, %d refused:\n%s", n, len(failures), strings.Join(failures, "\n"))
	}
	t.Logf("%d verify-full connections during the renewal, none refused", n)

	// The open session survived the reload, still over SSL.
	if got := s.query(t, "select pg_backend_pid() || ' ' || ssl from pg_stat_ssl where pid = pg_backend_pid();"); got != pid+" true" {
		t.Fatalf("the session answered %q after the reload, want %q", got, pid+" true")
	}
	// New connections get the new certificate, and verify-full accepts it.
	if got := rc.servedSerial(t); got != cert.New.Serial {
		t.Fatalf("after renewal the server serves %s, want %s", got, cert.New.Serial)
	}
	if _, stderr, err := c.Psql(conn, "select 1"); err != nil {
		t.Fatalf("verify-full after the renewal: %v\n%s", err, stderr)
	}
	log := c.LogSince(mark)
	if !strings.Contains(log, "received SIGHUP") || strings.Contains(log, "SSL configuration was not reloaded") {
		t.Fatalf("server log during the renewal:\n%s", log)
	}
	// The previous files are kept, the key with its mode and owner.
	server := c.Install.ServerUser
	for name, mode := range map[string]os.FileMode{"server.crt.prev": 0o644, "server.key.prev": 0o600, "root.crl.prev": 0o644} {
		fi, err := os.Stat(c.Path(name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s has mode %04o, want %04o", name, fi.Mode().Perm(), mode)
		}
		checkOwner(t, c.Path(name), server.UID)
	}
	if !readOne(t, c.Path("server.crt.prev")).Equal(rc.old) {
		t.Error("server.crt.prev is not the replaced certificate")
	}
}

// TestRenewTwice: right after a renewal, a second `pgcert renew --reload` says there
// is nothing to do and changes no file, in the data directory or the CA directory.
func TestRenewTwice(t *testing.T) {
	rc := newRenewCluster(t)
	c := rc.c
	if r := pgcert(t, "renew", "-D", c.DataDir, "--ca-dir", rc.caDir, "--reload"); r.Code != 0 || !strings.HasPrefix(r.Stdout, "renewed server.crt") {
		t.Fatalf("first renewal: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	served := rc.servedSerial(t)
	dataBefore, caBefore := fileHashes(t, c.DataDir, false), fileHashes(t, rc.caDir, true)

	r := pgcert(t, "renew", "-D", c.DataDir, "--ca-dir", rc.caDir, "--reload")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "nothing to do: server.crt expires in 824 days, renewal at 275 days") {
		t.Fatalf("second run: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "no reload needed") {
		t.Errorf("second run does not say the server needs no reload:\n%s", r.Stdout)
	}
	r = pgcert(t, "renew", "-D", c.DataDir, "--ca-dir", rc.caDir, "--reload", "--json")
	var rep renewJSON
	decodeJSON(t, r, &rep)
	if r.Code != 0 || rep.Action != "nothing_to_do" || rep.Certificate.Renewed || rep.CRL.Refreshed || len(rep.Files) != 0 || rep.Reload.Signalled || !rep.Reload.Confirmed {
		t.Fatalf("second run --json: exit %d, %+v", r.Code, rep)
	}
	if q := pgcert(t, "renew", "-D", c.DataDir, "--ca-dir", rc.caDir, "--reload", "--quiet"); q.Code != 0 || q.Stdout != "" || q.Stderr != "" {
		t.Errorf("--quiet with nothing to do printed:\n%s%s", q.Stdout, q.Stderr)
	}
	sameFiles(t, "data directory", dataBefore, fileHashes(t, c.DataDir, false))
	sameFiles(t, "CA directory", caBefore, fileHashes(t, rc.caDir, true))
	if got := rc.servedSerial(t); got != served {
		t.Errorf("the server serves %s after the second run, %s before", got, served)
	}
}

// TestRenewBrokenSetNeverInstalled: the CA's intermediate certificate is replaced by
// one (same name, same key) that is not valid until the day after tomorrow, as a CA
// machine with its clock ahead would make it. The renewed server.crt carries it and
// fails pgcert check's checks, so renew installs nothing: the data directory is
// byte for byte as it was, no .prev file appears, and the server still serves the old
// certificate to verify-full clients.
func TestRenewBrokenSetNeverInstalled(t *testing.T) {
	rc := newRenewCluster(t)
	c := rc.c
	futureIntermediate(t, rc.caDir)
	before := fileHashes(t, c.DataDir, false)

	r := pgcert(t, "renew", "-D", c.DataDir, "--ca-dir", rc.caDir, "--reload")
	if r.Code != 1 {
		t.Fatalf("renew with a broken new set: exit %d, want 1\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{"were not installed", "is not valid until", "nothing in " + c.DataDir + " was changed"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.Stderr)
		}
	}
	sameFiles(t, "data directory", before, fileHashes(t, c.DataDir, false))
	entries, _ := os.ReadDir(c.DataDir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".pgcert") || strings.HasSuffix(e.Name(), ".prev") {
			t.Errorf("%s was left in the data directory", e.Name())
		}
	}
	if got := rc.servedSerial(t); got != serialOf(rc.old) {
		t.Errorf("the server serves %s, want the old %s", got, serialOf(rc.old))
	}
	if _, stderr, err := c.Psql(rc.verifyFull(t), "select 1"); err != nil {
		t.Fatalf("verify-full after the refused renewal: %v\n%s", err, stderr)
	}
}

// futureIntermediate replaces the CA's intermediate certificate with one of the same
// name and key, signed by the same root, valid from the day after tomorrow.
func futureIntermediate(t *testing.T, caDir string) {
	t.Helper()
	inter := readOne(t, filepath.Join(caDir, "ca.crt"))
	root := readOne(t, filepath.Join(caDir, "root", "ca.crt"))
	rootKey, err := keys.Parse(testfs.Read(t, filepath.Join(caDir, "root", "private", "ca.key")), nil)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	tmpl := &x509.Certificate{
		SerialNumber: serial, RawSubject: inter.RawSubject,
		NotBefore: time.Now().Add(48 * time.Hour), NotAfter: inter.NotAfter,
		BasicConstraintsValid: true, IsCA: true, MaxPathLenZero: true,
		KeyUsage: inter.KeyUsage, SubjectKeyId: inter.SubjectKeyId,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, root, inter.PublicKey, rootKey.Signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	if err := os.WriteFile(filepath.Join(caDir, "ca.crt"), ca.PEM(cert), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRenewReloadRejected: the server key is encrypted and ssl_passphrase_command has
// no reload support, so the server cannot load its SSL files again on a reload: it
// logs "SSL configuration was not reloaded" and keeps serving the old certificate.
// renew --reload swaps the files, sees the old certificate still served, says so with
// the server's log lines, and exits 1. --rollback --reload then puts the previous
// files back (the server serves them, as a restart would) and verify-full works.
func TestRenewReloadRejected(t *testing.T) {
	rc := newRenewCluster(t)
	c := rc.c
	key, err := keys.Parse(testfs.Read(t, c.Path("server.key")), nil)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := keys.MarshalEncryptedPKCS8PEM(key.Signer, []byte("secret phrase"), keys.EncryptOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	c.WriteFile(t, "server.key", enc, 0o600)
	c.AppendConf(t, "ssl_passphrase_command = 'echo \"secret phrase\"'")
	c.MustStart(t)
	original := fileHashes(t, c.DataDir, false)

	r := pgcert(t, "renew", "-D", c.DataDir, "--ca-dir", rc.caDir, "--reload", "--json")
	if r.Code != 1 {
		t.Fatalf("renew --reload with a server that cannot reload its key: exit %d, want 1\n%s", r.Code, r.Stderr)
	}
	var rep renewJSON
	decodeJSON(t, r, &rep)
	newSerial := rep.Certificate.New.Serial
	rel := rep.Reload
	if rep.Action != "renewed" || rel == nil || !rel.Signalled || rel.Confirmed || rel.ServedSerial != serialOf(rc.old) || rel.ExpectedSerial != newSerial {
		t.Fatalf("report: %+v, reload %+v", rep, rel)
	}
	logged := strings.Join(rel.LogLines, "\n")
	for _, want := range []string{"cannot be reloaded because it requires a passphrase", "SSL configuration was not reloaded"} {
		if !strings.Contains(logged, want) || !strings.Contains(r.Stderr, want) {
			t.Errorf("neither the report's log lines nor stderr quote %q:\n%s\n%s", want, logged, r.Stderr)
		}
	}
	for _, want := range []string{"rejected the new files", "still serves serial " + serialOf(rc.old), c.LogFile, "--rollback"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.Stderr)
		}
	}
	if got := rc.servedSerial(t); got != serialOf(rc.old) {
		t.Fatalf("the server serves %s, want the old %s", got, serialOf(rc.old))
	}
	if got := serialOf(readOne(t, c.Path("server.crt"))); got != newSerial {
		t.Fatalf("server.crt holds %s, want the new %s (the files stay swapped)", got, newSerial)
	}

	r = pgcert(t, "renew", "-D", c.DataDir, "--rollback", "--reload", "--json")
	if r.Code != 0 {
		t.Fatalf("renew --rollback --reload: exit %d\n%s", r.Code, r.Stderr)
	}
	var back renewJSON
	decodeJSON(t, r, &back)
	if back.Action != "rolled_back" || len(back.Restored) != 3 || back.Reload == nil || !back.Reload.Confirmed || back.Reload.ServedSerial != serialOf(rc.old) {
		t.Fatalf("rollback report: %+v, reload %+v", back, back.Reload)
	}
	after := fileHashes(t, c.DataDir, false)
	for _, name := range []string{"server.crt", "server.key", "root.crl"} {
		if after[name] != original[name] {
			t.Errorf("%s after the rollback is not the file the server started with", name)
		}
	}
	if got := serialOf(readOne(t, c.Path("server.crt.prev"))); got != newSerial {
		t.Errorf("server.crt.prev holds %s, want the renewed %s (a second rollback undoes the first)", got, newSerial)
	}
	if _, stderr, err := c.Psql(rc.verifyFull(t), "select 1"); err != nil {
		t.Fatalf("verify-full after the rollback: %v\n%s", err, stderr)
	}
	// The restored set is one the server starts with.
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	c.MustStart(t)
	if got := rc.servedSerial(t); got != serialOf(rc.old) {
		t.Fatalf("after a restart the server serves %s, want the restored %s", got, serialOf(rc.old))
	}
}

// TestRenewExpiringCRL: root.crl holds CRLs that expire in 10 days, and bob's
// certificate was revoked since. renew refreshes root.crl alone (the server
// certificate is not due) and reloads; alice's certificate logins keep working during
// and after the reload, and bob is refused, which shows the server took the new CRL.
// check --expiring reports the CRLs before and after.
func TestRenewExpiringCRL(t *testing.T) {
	rc := newRenewCluster(t, "bob")
	c := rc.c
	if r := pgcert(t, "renew", "-D", c.DataDir, "--ca-dir", rc.caDir); r.Code != 0 {
		t.Fatalf("renewing the certificate first: exit %d\n%s", r.Code, r.Stderr)
	}
	authority, err := ca.Open(rc.caDir)
	if err != nil {
		t.Fatal(err)
	}
	var crls []byte
	for _, x := range authority.CAs() {
		if err := x.Unlock(nil); err != nil {
			t.Fatal(err)
		}
		res, err := x.GenerateCRL(ca.CRLOptions{Now: time.Now(), Days: 10})
		if err != nil {
			t.Fatal(err)
		}
		crls = append(crls, res.Signed.PEM()...)
	}
	c.WriteFile(t, "root.crl", crls, 0o644)
	if err := c.Reload(); err != nil {
		t.Fatal(err)
	}
	alice, bob := rc.clients["alice"], rc.clients["bob"]
	for role, dir := range rc.clients {
		if out, stderr, err := login(t, c, dir, role); err != nil || out != role+" true" {
			t.Fatalf("%s before: %q, %v\n%s", role, out, err, stderr)
		}
	}
	var before expiringJSON
	r := pgcert(t, "check", "-D", c.DataDir, "--expiring", "--json")
	decodeJSON(t, r, &before)
	if r.Code != 0 || before.Expiring != 2 || before.MinDaysLeft == nil || *before.MinDaysLeft != 9 || before.Items[0].Kind != "crl" || before.Items[0].Status != "expiring" {
		t.Fatalf("check --expiring with CRLs that expire in 10 days: exit %d, %+v", r.Code, before)
	}
	if r := pgcert(t, "check", "-D", c.DataDir, "--expiring", "--strict"); r.Code != 1 || !strings.Contains(r.Stdout, "expiring") {
		t.Errorf("check --expiring --strict: exit %d, want 1\n%s", r.Code, r.Stdout)
	}
	if r := pgcert(t, "ca", "revoke", "--ca-dir", rc.caDir, "--cert", filepath.Join(bob, "postgresql.crt")); r.Code != 0 {
		t.Fatalf("ca revoke: exit %d\n%s", r.Code, r.Stderr)
	}

	stop := connectionLoop(t, c, bundleConn(c, alice, "alice"))
	r = pgcert(t, "renew", "-D", c.DataDir, "--ca-dir", rc.caDir, "--reload", "--json")
	n, failures := stop()
	if r.Code != 0 {
		t.Fatalf("renew --reload: exit %d\n%s", r.Code, r.Stderr)
	}
	var rep renewJSON
	decodeJSON(t, r, &rep)
	if rep.Action != "renewed" || rep.Certificate.Renewed || !rep.CRL.Refreshed || len(rep.CRL.CRLs) != 2 || rep.Reload == nil || !rep.Reload.Confirmed {
		t.Fatalf("report: %+v, crl %+v, reload %+v", rep, rep.CRL, rep.Reload)
	}
	if reasons := strings.Join(rep.CRL.Reasons, "; "); !strings.Contains(reasons, "expires in 9 days, within 30 days") {
		t.Errorf("reasons %q", reasons)
	}
	if n == 0 || len(failures) > 0 {
		t.Fatalf("%d certificate logins during the renewal, %d refused:\n%s", n, len(failures), strings.Join(failures, "\n"))
	}
	t.Logf("%d certificate logins during the renewal, none refused", n)
	if out, stderr, err := login(t, c, alice, "alice"); err != nil || out != "alice true" {
		t.Fatalf("alice after the reload: %q, %v\n%s", out, err, stderr)
	}
	if _, stderr, err := login(t, c, bob, "bob"); err == nil || !strings.Contains(stderr, "certificate revoked") {
		t.Fatalf("bob, revoked, after the reload: %v\n%s", err, stderr)
	}
	var after expiringJSON
	r = pgcert(t, "check", "-D", c.DataDir, "--expiring", "--json")
	decodeJSON(t, r, &after)
	if r.Code != 0 || after.Expiring != 0 || after.Expired != 0 || *after.MinDaysLeft < 170 {
		t.Fatalf("check --expiring after the refresh: exit %d, %+v", r.Code, after)
	}
	// The server certificate was not due, so it is the one renewed first.
	if !readOne(t, c.Path("server.crt")).Equal(readOne(t, c.Path("server.crt.prev"))) {
		t.Error("a CRL refresh replaced server.crt")
	}
}

// expiringJSON is `pgcert check --expiring --json` (README, "JSON: pgcert check
// --expiring").
type expiringJSON struct {
	OK          bool `json:"ok"`
	Expired     int  `json:"expired"`
	Expiring    int  `json:"expiring"`
	MinDaysLeft *int `json:"min_days_left"`
	Items       []struct {
		Kind     string `json:"kind"`
		File     string `json:"file"`
		DaysLeft *int   `json:"days_left"`
		Status   string `json:"status"`
	} `json:"items"`
}

// TestRenewCertChainUnchanged: the renewed server.crt is the leaf, the intermediate,
// then the root, like the file it replaced, and verifies as libpq would.
func TestRenewCertChainUnchanged(t *testing.T) {
	rc := newRenewCluster(t)
	c := rc.c
	if r := pgcert(t, "renew", "-D", c.DataDir, "--ca-dir", rc.caDir, "--rekey", "--reload"); r.Code != 0 {
		t.Fatalf("renew --rekey --reload: exit %d\n%s", r.Code, r.Stderr)
	}
	certs, err := chain.ParseCertificates(testfs.Read(t, c.Path("server.crt")))
	if err != nil || len(certs) != 3 {
		t.Fatalf("server.crt: %d certificates, %v", len(certs), err)
	}
	if certs[0].CheckSignatureFrom(certs[1]) != nil || certs[1].CheckSignatureFrom(certs[2]) != nil {
		t.Fatal("server.crt is not leaf, intermediate, root")
	}
	key, err := keys.Parse(testfs.Read(t, c.Path("server.key")), nil)
	if err != nil || !keys.PublicKeysEqual(key.Signer.Public(), certs[0].PublicKey) || keys.PublicKeysEqual(key.Signer.Public(), rc.old.PublicKey) {
		t.Fatalf("--rekey: the key is not a new one matching the certificate (%v)", err)
	}
	if r := pgcert(t, "check", "-D", c.DataDir); r.Code != 0 {
		t.Fatalf("check after renew --rekey: exit %d\n%s", r.Code, r.Stdout)
	}
	if got := rc.servedSerial(t); got != serialOf(certs[0]) {
		t.Fatalf("the server serves %s, want %s", got, serialOf(certs[0]))
	}
}
