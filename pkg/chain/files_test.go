package chain_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/internal/testnotify"
	"github.com/pgcert/pgcert/pkg/chain"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// pki reads examplePile's files through hooks, and also leaf.crt: the leaf alone.
func pki(pile []chain.Input) (func([]string) ([]chain.Input, []*keys.Key, error), func([]string, string) ([]chain.Input, error)) {
	files := pileFiles(pile)
	read := func(paths []string, flag string) ([]chain.Input, error) {
		if len(paths) == 1 && paths[0] == "leaf.crt" {
			return []chain.Input{{Cert: pile[2].Cert, File: "leaf.crt"}}, nil
		}
		return files(paths, flag)
	}
	return func(p []string) ([]chain.Input, []*keys.Key, error) { ins, err := read(p, ""); return ins, nil, err }, read
}

func TestWriteServerChainToStdout(t *testing.T) {
	pile, _, cleanup := examplePile()
	defer cleanup()
	readPKI, readCerts := pki(pile)
	var out strings.Builder
	var h testnotify.Recorder
	res, err := chain.WriteServerChain(chain.ServerFileOptions{
		Inputs: []string{"backwards.crt"}, Roots: []string{"root.crt"}, Output: "-", Stdout: &out,
		ReadPKI: readPKI, ReadCerts: readCerts, Reporter: &h, Now: func() time.Time { return exampleNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != nil || strings.Count(out.String(), "BEGIN CERTIFICATE") != 3 {
		t.Errorf("written %v, standard output %q: want the three certificates on standard output", res.Written, out.String())
	}
	if len(h.Lines) != 2 || h.Lines[0] != "info: wrote 3 certificates to standard output" || !strings.HasPrefix(h.Lines[1], "info:   leaf ") {
		t.Errorf("heard %q", h.Lines)
	}
}

func TestWriteServerChainRefusals(t *testing.T) {
	pile, _, cleanup := examplePile()
	defer cleanup()
	readPKI, readCerts := pki(pile)
	_, err := chain.WriteServerChain(chain.ServerFileOptions{Output: "-", JSON: true})
	var u *hint.UsageError
	if !errors.As(err, &u) {
		t.Errorf("-o - with --json: err = %v, want a usage error", err)
	}
	var h testnotify.Recorder
	_, err = chain.WriteServerChain(chain.ServerFileOptions{
		Inputs: []string{"leaf.crt"}, Roots: []string{"root.crt"}, Output: filepath.Join(t.TempDir(), "server.crt"),
		ReadPKI: readPKI, ReadCerts: readCerts, Reporter: &h, Now: func() time.Time { return exampleNow },
	})
	if err == nil || len(h.Lines) != 2 || h.Lines[0] != "info: the path pgcert found, not written:" {
		t.Errorf("a leaf without its intermediate: err = %v, heard %q; want a refusal showing the path", err, h.Lines)
	}
}

func TestWriteRootsKeepsAnExistingFile(t *testing.T) {
	pile, _, cleanup := examplePile()
	defer cleanup()
	out := filepath.Join(t.TempDir(), "root.crt")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	asked := false
	_, err := chain.WriteRoots(chain.RootsFileOptions{
		Inputs: []string{"root.crt"}, Output: out, ReadCerts: pileFiles(pile), Now: func() time.Time { return exampleNow },
		Overwrite: func(...string) (bool, error) { asked = true; return false, nil },
	})
	var exists *fsutil.ExistsError
	if !asked || !errors.As(err, &exists) {
		t.Fatalf("asked %v, err = %v: want an ExistsError after asking", asked, err)
	}
	if data, _ := os.ReadFile(out); string(data) != "old" {
		t.Errorf("the existing file was changed")
	}
}

func TestWriteRootsWarnsOfExpiry(t *testing.T) {
	pile, _, cleanup := examplePile()
	defer cleanup()
	late := func() time.Time { return pile[1].Cert.NotAfter.AddDate(0, 0, -10) }
	for _, tc := range []struct {
		days int
		warn bool
	}{{0, false}, {9, false}, {30, true}} {
		var h testnotify.Recorder
		_, err := chain.WriteRoots(chain.RootsFileOptions{
			Inputs: []string{"root.crt"}, Output: filepath.Join(t.TempDir(), "root.crt"), WarnDays: tc.days,
			ReadCerts: pileFiles(pile), Reporter: &h, Now: late,
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(h.Lines) == 1 && strings.HasPrefix(h.Lines[0], "warning: "); got != tc.warn {
			t.Errorf("--warn-days %d, 10 days before expiry: heard %q", tc.days, h.Lines)
		}
	}
}
