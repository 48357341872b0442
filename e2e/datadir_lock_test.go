package e2e

import (
	"sync"
	"testing"

	"github.com/pgcert/pgcert/internal/testfs"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

// TestConcurrentWritersServerStarts runs eight processes at once on one data
// directory, two of each command that writes there (renew --force, renew --force
// --rekey, perms fix, init --force), over three rounds. Every run succeeds, and
// after every round server.key belongs to server.crt and a real PostgreSQL 15
// starts on the files and takes a verify-full login with a client certificate.
// Without the data directory's lock, an init or a renew --rekey beside another
// writer installed a key and a certificate that do not belong together, and the
// server refused to start ("key values mismatch").
func TestConcurrentWritersServerStarts(t *testing.T) {
	c, caDir, rep := initCluster(t, "--client", "alice")
	start(t, c)
	alice := rep.Clients[0].Dir
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	commands := [][]string{
		{"renew", "-D", c.DataDir, "--ca-dir", caDir, "--force"},
		{"renew", "-D", c.DataDir, "--ca-dir", caDir, "--force", "--rekey"},
		{"perms", "fix", "-D", c.DataDir},
		{"init", "-D", c.DataDir, "--ca-dir", caDir, "--host", serverName, "--force"},
	}
	for round := range 3 {
		var wg sync.WaitGroup
		results := make([]result, 8)
		for i := range results {
			args := commands[i%len(commands)]
			wg.Go(func() { results[i] = pgcert(t, args...) })
		}
		wg.Wait()
		for i, r := range results {
			if r.Code != 0 {
				t.Errorf("round %d, run %d (%v): exit %d\n%s%s", round, i, commands[i%len(commands)], r.Code, r.Stdout, r.Stderr)
			}
		}
		k, err := keys.Parse(testfs.Read(t, c.Path("server.key")), nil)
		if err != nil {
			t.Fatal(err)
		}
		certs, err := chain.ParseCertificates(testfs.Read(t, c.Path("server.crt")))
		if err != nil {
			t.Fatal(err)
		}
		if !keys.PublicKeysEqual(k.Signer.Public(), certs[0].PublicKey) {
			t.Fatalf("round %d: server.key does not belong to server.crt", round)
		}
		checkOwner(t, c.Path("server.key"), c.Install.ServerUser.UID)
		if err := c.Start(); err != nil {
			t.Fatalf("round %d: the server does not start: %v", round, err)
		}
		if out, stderr, err := login(t, c, alice, "alice"); err != nil || out != "alice true" {
			t.Errorf("round %d: verify-full login: %q, %v\n%s", round, out, err, stderr)
		}
		if err := c.Stop(); err != nil {
			t.Fatal(err)
		}
	}
}
