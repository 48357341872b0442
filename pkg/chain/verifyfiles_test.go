package chain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testnotify"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
)

func TestVerifyFilesWarnsOfALeafNotFirst(t *testing.T) {
	pile, _, cleanup := examplePile()
	defer cleanup()
	var h testnotify.Recorder
	v, err := chain.VerifyFiles(chain.VerifyFilesOptions{
		File: "backwards.crt", Roots: []string{"root.crt"}, ClientName: "CN",
		ReadCerts: pileFiles(pile), Reporter: &h, Now: func() time.Time { return exampleNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Lines) != 1 || !strings.Contains(h.Lines[0], "not the leaf CN=db.example.com") {
		t.Errorf("heard %q, want the warning that the leaf is not first", h.Lines)
	}
	if v.File != "backwards.crt" {
		t.Errorf("verdict on %q", v.File)
	}
}

func TestVerifyFilesUsage(t *testing.T) {
	pile, _, cleanup := examplePile()
	defer cleanup()
	for _, tc := range []struct {
		name string
		o    chain.VerifyFilesOptions
		want string
	}{
		{"purpose", chain.VerifyFilesOptions{Purpose: "both", ClientName: "CN"}, "--purpose both: want server or client"},
		{"map without user", chain.VerifyFilesOptions{Map: "m", ClientName: "CN"}, "go with --user ROLE"},
		{"clientname", chain.VerifyFilesOptions{User: "alice", ClientName: "UID"}, "--clientname UID: want CN or DN"},
		{"map without ident", chain.VerifyFilesOptions{User: "alice", ClientName: "CN", Map: "m"}, "--map NAME and --ident FILE go together"},
		{"host of a client", chain.VerifyFilesOptions{User: "alice", ClientName: "CN", Hosts: []string{"db"}}, "--host applies to --purpose server"},
		{"client without roots", chain.VerifyFilesOptions{Purpose: "client", ClientName: "CN"}, "give the server's trusted CAs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.File = "server.crt"
			tc.o.ReadCerts = pileFiles(pile)
			_, err := chain.VerifyFiles(tc.o)
			var u *hint.UsageError
			if !errors.As(err, &u) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a usage error saying %q", err, tc.want)
			}
		})
	}
}

func TestVerifyFilesDefaultRootMissing(t *testing.T) {
	pile, _, cleanup := examplePile()
	defer cleanup()
	home := t.TempDir()
	_, err := chain.VerifyFiles(chain.VerifyFilesOptions{
		File: "server.crt", ClientName: "CN", ReadCerts: pileFiles(pile),
		Getenv: func(k string) (string, bool) { return home, k == "HOME" },
	})
	if err == nil || !strings.Contains(err.Error(), "libpq's default "+home+"/.postgresql/root.crt does not exist") {
		t.Fatalf("err = %v, want the missing default root named", err)
	}
}
