package rotate

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/keys"
)

var errKilled = errors.New("killed")

// killAfterJournal runs a forced renewal with a new key that stops once its journal
// is written, as a kill would, and returns the journal.
func killAfterJournal(t *testing.T, fx *fixture) *journal {
	t.Helper()
	var j *journal
	testHookWritten = func(w *journal) error { j = w; return errKilled }
	defer func() { testHookWritten = nil }()
	o := fx.options(t)
	o.Force, o.Rekey = true, true
	if _, err := Renew(o); !errors.Is(err, errKilled) {
		t.Fatalf("the run was not stopped: %v", err)
	}
	return j
}

// TestJournalCompletesKilledRun: a renewal killed after any number of its renames
// is completed by the next run: the key belongs to the certificate, it is the new
// key the killed run made, and the .prev files are the set before.
func TestJournalCompletesKilledRun(t *testing.T) {
	fx := newFixture(t)
	j := killAfterJournal(t, fx)
	if len(j.entries) != 6 {
		t.Fatalf("journal of %d files", len(j.entries))
	}
	for k := 0; k <= len(j.entries); k++ {
		fx := newFixture(t)
		j := killAfterJournal(t, fx)
		want := map[string][]byte{}
		for _, e := range j.entries {
			want[e.Path] = e.Data
		}
		// The first k renames were made before the kill.
		for _, e := range j.entries[:k] {
			if err := os.WriteFile(e.Path, e.Data, e.Mode); err != nil {
				t.Fatal(err)
			}
		}
		var warnings []string
		o := fx.options(t)
		o.WithinSet = true
		o.Warn = func(msg string) { warnings = append(warnings, msg) }
		rep, err := Renew(o)
		if err != nil || rep.Action != ActionNothing {
			t.Fatalf("after %d renames: %v, %+v", k, err, rep)
		}
		for path, data := range want {
			if !bytes.Equal(fx.Read(t, strings.TrimPrefix(path, fx.Dir+"/")), data) {
				t.Errorf("after %d renames: %s is not what the killed run wrote", k, path)
			}
		}
		key, err := keys.Parse(fx.Read(t, "server.key"), nil)
		if err != nil {
			t.Fatal(err)
		}
		certs, err := chain.ParseCertificates(fx.Read(t, "server.crt"))
		if err != nil || !keys.PublicKeysEqual(key.Signer.Public(), certs[0].PublicKey) {
			t.Errorf("after %d renames: the key does not belong to the certificate (%v)", k, err)
		}
		if !bytes.Equal(fx.Read(t, "server.key.prev"), fx.KeyPEM) {
			t.Errorf("after %d renames: server.key.prev is not the key before", k)
		}
		if left := fx.Leftovers(t, JournalName); len(left) > 0 || len(warnings) != 1 || !strings.Contains(warnings[0], "completed the change a killed pgcert renew left halfway") {
			t.Errorf("after %d renames: left %v, warnings %q", k, left, warnings)
		}
	}
}

// TestJournalRefused: a journal cut short is removed without effect; one pgcert did
// not write (another owner, a link, a file outside renew's) is left alone and the
// run refuses to go on.
func TestJournalRefused(t *testing.T) {
	t.Run("cut short", func(t *testing.T) {
		fx := newFixture(t)
		killAfterJournal(t, fx)
		data := fx.Read(t, JournalName)
		testdatadir.Write(t, fx.Dir, JournalName, data[:len(data)/2], 0o600)
		before := fx.Read(t, "server.crt")
		o := fx.options(t)
		o.WithinSet = true
		if _, err := Renew(o); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fx.Read(t, "server.crt"), before) || len(fx.Leftovers(t, JournalName)) > 0 {
			t.Error("a journal cut short was acted on, or left")
		}
	})
	for _, tc := range []struct {
		name  string
		plant func(t *testing.T, fx *fixture)
		want  string
	}{
		{"another owner", func(t *testing.T, fx *fixture) {
			if os.Geteuid() != 0 {
				t.Skip("needs root to give the file away")
			}
			os.Chown(fx.Path(JournalName), 65534, 65534)
		}, "belongs to another user"},
		{"a link", func(t *testing.T, fx *fixture) {
			os.Rename(fx.Path(JournalName), fx.Path("elsewhere"))
			os.Symlink(fx.Path("elsewhere"), fx.Path(JournalName))
		}, "is a symbolic link"},
		{"a file outside renew's", func(t *testing.T, fx *fixture) {
			j := &journal{dir: fx.Dir}
			j.add(fx.Path("postgresql.conf"), []byte("evil\n"), ownerOptions(fx.Dir, 0o600))
			os.Remove(fx.Path(JournalName))
			if err := j.write(); err != nil {
				t.Fatal(err)
			}
		}, "not a file renew writes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			killAfterJournal(t, fx)
			tc.plant(t, fx)
			before := fx.Read(t, "postgresql.conf")
			o := fx.options(t)
			o.WithinSet = true
			if _, err := Renew(o); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%v", err)
			}
			if !bytes.Equal(fx.Read(t, "postgresql.conf"), before) || len(fx.Leftovers(t, JournalName)) != 1 {
				t.Error("the journal was acted on, or removed")
			}
		})
	}
}

// TestRecoverBeforeAnotherWriter: a renewal killed halfway leaves its journal; a
// command that then writes the SSL files (init, selfsign -D) calls Recover first, so
// that no later renew replays the killed run's files over its own. After Recover the
// journal is gone and the key belongs to the certificate; a second Recover finds
// nothing to do.
func TestRecoverBeforeAnotherWriter(t *testing.T) {
	fx := newFixture(t)
	j := killAfterJournal(t, fx)
	// The first rename was made before the kill: the key is new, the certificate old.
	if err := os.WriteFile(j.entries[0].Path, j.entries[0].Data, j.entries[0].Mode); err != nil {
		t.Fatal(err)
	}
	recovered, err := Recover(fx.options(t).Setup, nil)
	if err != nil || !recovered {
		t.Fatalf("Recover: %v, %v", recovered, err)
	}
	key, err := keys.Parse(fx.Read(t, "server.key"), nil)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := chain.ParseCertificates(fx.Read(t, "server.crt"))
	if err != nil || !keys.PublicKeysEqual(key.Signer.Public(), certs[0].PublicKey) {
		t.Errorf("the key does not belong to the certificate after Recover (%v)", err)
	}
	if left := fx.Leftovers(t, JournalName); len(left) > 0 {
		t.Errorf("left %v", left)
	}
	if again, err := Recover(fx.options(t).Setup, nil); again || err != nil {
		t.Errorf("a second Recover: %v, %v", again, err)
	}
}

// TestJournalCompletesKilledBindingRun: the first renewal of a data directory
// without a record of its CA writes the record in the same change; killed after
// its journal is written, it is completed by the next run like any other.
func TestJournalCompletesKilledBindingRun(t *testing.T) {
	fx := newFixture(t)
	unbind(t, fx)
	j := killAfterJournal(t, fx)
	var record []byte
	for _, e := range j.entries {
		if e.Path == fx.Path(ca.DataDirFile) {
			record = e.Data
		}
	}
	if record == nil {
		t.Fatal("the journal holds no record of the CA")
	}
	o := fx.options(t)
	o.Warn = func(string) {}
	if _, err := Renew(o); err != nil {
		t.Fatalf("the next run: %v", err)
	}
	if got := fx.Read(t, ca.DataDirFile); !bytes.Equal(got, record) {
		t.Errorf("the record is %q, want %q", got, record)
	}
}
