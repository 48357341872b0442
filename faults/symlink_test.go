package faults

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// linkTargets returns the file outputs of wr where a link can be planted ahead of
// it: not in a CA directory the command makes (0700, its own), not the input itself
// (key encrypt in place; renew and ca renew client, which renew the files they read).
func linkTargets(wr writer) []string {
	switch {
	case wr.meta, wr.name == "ca revoke", wr.name == "key encrypt in place", wr.name == "crl dir", strings.HasPrefix(wr.name, "ca init"),
		strings.Contains(wr.name, "renew"):
		return nil
	}
	var out []string
	for _, o := range wr.outputs {
		// The configuration files init edits are inputs too.
		if wr.newCA != "" && strings.HasPrefix(o, wr.newCA+"/") || strings.HasSuffix(o, ".conf") {
			continue
		}
		out = append(out, o)
	}
	return out
}

// TestSymlinkAtOutput plants, in a directory anyone may write to (mode 1777, as
// /tmp), a symbolic link owned by another user at every file a command writes,
// pointing to a file of the victim's. Without --force the command refuses and says
// the path is a link; with --force it replaces the link by its own file and says so.
// Either way the victim's file is byte-identical afterwards.
func TestSymlinkAtOutput(t *testing.T) {
	requireRoot(t)
	w := world(t)
	for _, wr := range writers() {
		targets := linkTargets(wr)
		if len(targets) == 0 {
			continue
		}
		t.Run(wr.name, func(t *testing.T) {
			t.Parallel()
			for _, force := range []bool{false, true} {
				root := scratchDir(t)
				d := filepath.Join(root, "w")
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
				copyTree(t, w, d)
				victim := filepath.Join(root, "victim")
				if err := os.Mkdir(victim, 0o700); err != nil {
					t.Fatal(err)
				}
				var links []string
				for i, o := range targets {
					p := filepath.Join(d, o)
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.Chmod(filepath.Dir(p), 0o777|os.ModeSticky); err != nil {
						t.Fatal(err)
					}
					if err := os.RemoveAll(p); err != nil {
						t.Fatal(err)
					}
					v := filepath.Join(victim, "file"+string(rune('a'+i)))
					if err := os.WriteFile(v, []byte("the victim's own file\n"), 0o600); err != nil {
						t.Fatal(err)
					}
					if err := os.Symlink(v, p); err != nil {
						t.Fatal(err)
					}
					if err := os.Lchown(p, int(nobody.Uid), int(nobody.Gid)); err != nil {
						t.Fatal(err)
					}
					links = append(links, p)
				}
				before := snapshot(t, victim)
				args := wr.args(d)
				if force && !hasArg(args, "--force") {
					args = append(args, "--force")
				}
				r := pgcert(t, args...)
				assertUnchanged(t, victim, before, "a run with a link at its output")
				switch {
				case !hasArg(args, "--force"):
					if r.Code != 1 || !strings.Contains(r.Stderr, "symbolic link") {
						t.Errorf("without --force: want exit 1 and a refusal that names the link: %s", r)
					}
					for _, l := range links {
						if fi, err := os.Lstat(l); err != nil || fi.Mode()&os.ModeSymlink == 0 {
							t.Errorf("%s is no longer the link it was", l)
						}
					}
				default:
					if r.Code != 0 || !strings.Contains(r.Stderr, "replaced the link") {
						t.Errorf("with --force: want the link replaced, and said: %s", r)
					}
					for _, l := range links {
						if fi, err := os.Lstat(l); err != nil || !fi.Mode().IsRegular() {
							t.Errorf("%s is not a file of pgcert's", l)
						}
					}
				}
			}
		})
	}
}

// TestSymlinkAtOutputDirectory plants a link to a victim's directory where a command
// makes its output directory (a client bundle, a hashed CRL directory, a data
// directory, a CA): nothing may be written into the victim's directory.
func TestSymlinkAtOutputDirectory(t *testing.T) {
	requireRoot(t)
	w := world(t)
	dirs := map[string]string{"ca issue client": "out/bob", "crl dir": "out/crl.d", "init": "out/pgdata", "ca init": "out/ca", "ca init --intermediate": "out/ca"}
	for _, wr := range writers() {
		dir, ok := dirs[wr.name]
		if !ok {
			continue
		}
		t.Run(wr.name, func(t *testing.T) {
			t.Parallel()
			for _, force := range []bool{false, true} {
				root := scratchDir(t)
				d := filepath.Join(root, "w")
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
				copyTree(t, w, d)
				os.Chmod(filepath.Join(d, "out"), 0o777|os.ModeSticky)
				victim := filepath.Join(root, "victim")
				if err := os.Mkdir(victim, 0o700); err != nil {
					t.Fatal(err)
				}
				os.WriteFile(filepath.Join(victim, "keep"), []byte("the victim's own file\n"), 0o600)
				link := filepath.Join(d, dir)
				if err := os.Symlink(victim, link); err != nil {
					t.Fatal(err)
				}
				if err := os.Lchown(link, int(nobody.Uid), int(nobody.Gid)); err != nil {
					t.Fatal(err)
				}
				before := snapshot(t, victim)
				args := wr.args(d)
				if force && !hasArg(args, "--force") {
					args = append(args, "--force")
				}
				r := pgcert(t, args...)
				assertUnchanged(t, victim, before, "a run with a link at its output directory")
				if r.Code == 0 {
					t.Errorf("wrote through a link planted at its output directory: %s", r)
				}
			}
		})
	}
}
