package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// kills counts the runs killed mid-work, for the README's figures.
var kills atomic.Int64

// killRounds is how many runs TestKilledMidRun starts, and minKilled how many of
// them it must kill mid-work (the README's figure). A run of duration d is killed
// with probability sqrt(d/span): half or more of them on a quiet machine, most on
// a busy one; a sixth leaves room for runs faster than the measured span.
const (
	killRounds = 60
	minKilled  = killRounds / 6
)

// seed returns the seed of a test's random choices: PGCERT_FAULT_SEED to replay a
// failure, else a new one, logged.
func seed(t *testing.T) uint64 {
	t.Helper()
	s := uint64(time.Now().UnixNano())
	if v := os.Getenv("PGCERT_FAULT_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("PGCERT_FAULT_SEED=%q: %v", v, err)
		}
		s = n
	}
	t.Logf("seed %d (replay with PGCERT_FAULT_SEED=%d)", s, s)
	return s
}

// runKilled starts pgcert and kills it with SIGKILL after delay. It reports whether
// the kill landed (the run was still going); a run that ended before must have
// succeeded.
func runKilled(t *testing.T, delay time.Duration, args ...string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := command(ctx, runOpts{}, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGKILL) })
	err := cmd.Wait()
	timer.Stop()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return false
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true
		}
	}
	t.Fatalf("pgcert %s (not killed) failed after earlier runs were killed: %v\n%s", strings.Join(args, " "), err, stderr.String())
	return false
}

// TestKilledMidRun runs pgcert init, ca issue, ca revoke, crl gen and renew on one CA
// and data directory, killing each run with SIGKILL after a random delay (from a seeded
// PRNG: this injects faults, it measures no time). After every kill: each file
// present is complete and valid, a temporary file holding a key is readable by its
// owner only, and the CA's index agrees with its certificates. At the end each
// command runs again, undisturbed: it succeeds, leaves no temporary file in the
// directories it wrote, and the data directory's key matches its certificate.
func TestKilledMidRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(seed(t), 9))
	dir := t.TempDir()
	pgdata, caDir := filepath.Join(dir, "pgdata"), filepath.Join(dir, "ca")
	clients, srv := filepath.Join(dir, "clients"), filepath.Join(dir, "srv")
	os.Mkdir(srv, 0o755)
	// A data directory renew can read: a version and a configuration.
	os.Mkdir(pgdata, 0o700)
	os.WriteFile(filepath.Join(pgdata, "PG_VERSION"), []byte("15\n"), 0o600)
	os.WriteFile(filepath.Join(pgdata, "postgresql.conf"), []byte("ssl = on\n"), 0o600)
	initArgs := []string{"init", "-D", pgdata, "--ca-dir", caDir, "--clients-dir", clients, "--client", "alice",
		"--intermediate", "--host", "db.example.com", "--force"}
	command := func(i int) []string {
		if _, err := os.Stat(filepath.Join(caDir, ca.CertFile)); err != nil {
			return initArgs
		}
		switch rng.IntN(6) {
		case 0:
			return initArgs
		case 4:
			if _, err := os.Stat(filepath.Join(pgdata, "server.crt")); err == nil {
				return []string{"renew", "-D", pgdata, "--ca-dir", caDir, "--force"}
			}
		case 1:
			return []string{"ca", "issue", "client", "--ca-dir", caDir, "--user", fmt.Sprintf("u%d", i), "-o", filepath.Join(clients, fmt.Sprintf("u%d", i)), "--force"}
		case 2:
			return []string{"ca", "issue", "server", "--ca-dir", caDir, "--host", "db.example.com", "-o", filepath.Join(srv, "server"), "--force"}
		case 3:
			if s := validSerial(t, caDir, rng); s != "" {
				return []string{"ca", "revoke", "--ca-dir", caDir, s, "--reason", "superseded"}
			}
		}
		return []string{"crl", "gen", "--ca-dir", caDir, "-o", filepath.Join(dir, "root.crl"), "--force"}
	}

	// The delays span the time a whole run takes, measured on inits that create
	// the CA (the longest) in scratch directories: the median of three, so that one
	// run slowed by a busy machine does not stretch every delay past the runs.
	var spans []time.Duration
	for i := range 3 {
		scratch := filepath.Join(t.TempDir(), strconv.Itoa(i))
		start := time.Now()
		mustPgcert(t, "init", "-D", filepath.Join(scratch, "d"), "--ca-dir", filepath.Join(scratch, "ca"), "--client", "alice", "--intermediate", "--host", "db.example.com")
		spans = append(spans, time.Since(start))
	}
	slices.Sort(spans)
	span := spans[1]

	killed, leftovers := 0, map[string]bool{}
	for i := range killRounds {
		args := command(i)
		// Most runs are shorter than an init: delays crowd at the start.
		u := rng.Float64()
		delay := time.Duration(u * u * float64(span))
		if runKilled(t, delay, args...) {
			killed++
			kills.Add(1)
		}
		for _, p := range checkAfterKill(t, dir, caDir) {
			leftovers[p] = true
		}
	}
	t.Logf("%d of %d runs killed mid-work; %d temporary files left by them", killed, killRounds, len(leftovers))
	if killed < minKilled {
		t.Fatalf("%d runs killed mid-work, the README says at least %d: the delays are too long to test much", killed, minKilled)
	}

	// Every command again, undisturbed.
	mustPgcert(t, initArgs...)
	mustPgcert(t, "ca", "issue", "client", "--ca-dir", caDir, "--user", "final", "-o", filepath.Join(clients, "final"))
	mustPgcert(t, "ca", "issue", "server", "--ca-dir", caDir, "--host", "db.example.com", "-o", filepath.Join(srv, "server"), "--force")
	if s := validSerial(t, caDir, rng); s != "" {
		mustPgcert(t, "ca", "revoke", "--ca-dir", caDir, s)
	}
	mustPgcert(t, "crl", "gen", "--ca-dir", caDir, "-o", filepath.Join(dir, "root.crl"), "--force")
	mustPgcert(t, "renew", "-D", pgdata, "--ca-dir", caDir, "--force")
	checkAfterKill(t, dir, caDir)
	for _, d := range []string{pgdata, caDir, filepath.Join(caDir, "newcerts"), filepath.Join(caDir, "root"),
		filepath.Join(caDir, "root", "newcerts"), filepath.Join(clients, "alice"), srv, dir} {
		entries, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), tempPrefix) {
				t.Errorf("%s: a killed run's temporary file is still there after a run wrote into the directory", filepath.Join(d, e.Name()))
			}
		}
	}
	for _, x := range []string{caDir, filepath.Join(caDir, "root")} {
		data, _ := os.ReadFile(filepath.Join(x, ca.IndexFile))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			t.Errorf("%s still ends in a torn line after a run", filepath.Join(x, ca.IndexFile))
		}
	}
	checkKeyMatches(t, filepath.Join(pgdata, "server.key"), filepath.Join(pgdata, "server.crt"))
	checkKeyMatches(t, filepath.Join(clients, "alice", "postgresql.key"), filepath.Join(clients, "alice", "postgresql.crt"))
}

// checkAfterKill checks what must hold after any kill: every file below dir is
// complete and valid; a temporary file with a private key in it is readable by its
// owner only; the CA's index agrees with its certificates. It returns the temporary
// files present.
func checkAfterKill(t *testing.T, dir, caDir string) (temps []string) {
	t.Helper()
	leftovers := checkTree(t, dir)
	for _, p := range leftovers {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		data, _ := os.ReadFile(p)
		if bytes.Contains(data, []byte("PRIVATE KEY")) && fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s holds a private key with mode %04o", p, fi.Mode().Perm())
		}
	}
	if _, err := os.Stat(filepath.Join(caDir, ca.CertFile)); err == nil {
		checkCA(t, caDir)
	}
	if t.Failed() {
		t.FailNow()
	}
	return leftovers
}

// validSerial returns the serial of a random valid certificate of the CA's index
// (leaving out the intermediate CA, in the root's), or "".
func validSerial(t *testing.T, caDir string, rng *rand.Rand) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(caDir, ca.IndexFile))
	if err != nil {
		return ""
	}
	if i := bytes.LastIndexByte(data, '\n'); i+1 != len(data) {
		data = data[:i+1]
	}
	entries, err := ca.ReadIndex(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var valid []string
	for _, e := range entries {
		if e.Status == ca.StatusValid {
			valid = append(valid, ca.SerialHex(e.Serial))
		}
	}
	if len(valid) == 0 {
		return ""
	}
	return valid[rng.IntN(len(valid))]
}

// checkKeyMatches checks that the key file belongs to the first certificate of the
// certificate file, as the server and libpq will check.
func checkKeyMatches(t *testing.T, keyFile, certFile string) {
	t.Helper()
	kd, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	cd, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.Parse(kd, nil)
	if err != nil {
		t.Fatalf("%s: %v", keyFile, err)
	}
	certs, err := chain.ParseCertificates(cd)
	if err != nil {
		t.Fatalf("%s: %v", certFile, err)
	}
	if !keys.PublicKeysEqual(k.Signer.Public(), certs[0].PublicKey) {
		t.Errorf("%s does not belong to %s", keyFile, certFile)
	}
}
