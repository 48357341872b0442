package faults

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// passUser is a command that takes a passphrase, with arguments that work in a copy of
// the world at d when every passphrase comes from src.
type passUser struct {
	name string
	args func(d, src string) []string
	// in reads an existing passphrase (--passin): a wrong one is refused.
	in bool
	// twice takes two passphrases (key encrypt --passin --passout), so standard
	// input, which can give only one, is not tried.
	twice bool
}

func passUsers() []passUser {
	j := filepath.Join
	return []passUser{
		{name: "key new", args: func(d, s string) []string { return []string{"key", "new", "--passout", s, "-o", j(d, "out/k.key")} }},
		{name: "key strip", in: true, args: func(d, s string) []string {
			return []string{"key", "strip", j(d, "enc.key"), "--passin", s, "-o", j(d, "out/s.key")}
		}},
		{name: "key encrypt", in: true, twice: true, args: func(d, s string) []string {
			return []string{"key", "encrypt", j(d, "enc.key"), "--passin", s, "--passout", s, "-o", j(d, "out/e.key")}
		}},
		{name: "key show", in: true, args: func(d, s string) []string { return []string{"key", "show", j(d, "enc.key"), "--passin", s} }},
		{name: "req", args: func(d, s string) []string {
			return []string{"req", "--cn", "db.example.com", "--passout", s, "--new-key", j(d, "out/p.pem"), "-o", j(d, "out/r.req")}
		}},
		{name: "req --key", in: true, args: func(d, s string) []string {
			return []string{"req", "--key", j(d, "enc.key"), "--passin", s, "--cn", "db.example.com", "-o", j(d, "out/r.req")}
		}},
		{name: "selfsign", in: true, args: func(d, s string) []string {
			return []string{"selfsign", "--req", j(d, "enc.req"), "--key", j(d, "enc.key"), "--passin", s, "-o", j(d, "out/s.crt")}
		}},
		{name: "ca init", args: func(d, s string) []string { return []string{"ca", "init", "--ca-dir", j(d, "out/ca"), "--passout", s} }},
		{name: "ca issue server", in: true, args: func(d, s string) []string {
			return []string{"ca", "issue", "server", "--ca-dir", j(d, "eca"), "--passin", s, "--host", "db.example.com", "-o", j(d, "out/srv")}
		}},
		{name: "ca issue client", in: true, args: func(d, s string) []string {
			return []string{"ca", "issue", "client", "--ca-dir", j(d, "eca"), "--passin", s, "--user", "bob", "-o", j(d, "out/bob")}
		}},
		{name: "ca sign", in: true, args: func(d, s string) []string {
			return []string{"ca", "sign", j(d, "server.req"), "--profile", "server", "--ca-dir", j(d, "eca"), "--passin", s, "-o", j(d, "out/s.crt")}
		}},
		{name: "chain --key", in: true, args: func(d, s string) []string {
			return []string{"chain", j(d, "srv/server.crt"), "--key", j(d, "srv/server-enc.key"), "--passin", s, "-o", j(d, "out/c.crt")}
		}},
		{name: "crl gen --ca-dir", in: true, args: func(d, s string) []string {
			return []string{"crl", "gen", "--ca-dir", j(d, "eca"), "--passin", s, "-o", j(d, "out/x.crl")}
		}},
		{name: "crl gen --index", in: true, args: func(d, s string) []string {
			return []string{"crl", "gen", "--index", j(d, "eca/index.txt"), "--ca-cert", j(d, "eca/ca.crt"), "--ca-key", j(d, "eca/private/ca.key"), "--passin", s, "-o", j(d, "out/y.crl")}
		}},
		{name: "init (new CA)", args: func(d, s string) []string {
			return []string{"init", "-D", j(d, "out/pgdata"), "--ca-dir", j(d, "out/ca"), "--passout", s, "--client", "alice", "--host", "db.example.com"}
		}},
		{name: "init", in: true, args: func(d, s string) []string {
			return []string{"init", "-D", j(d, "out/pgdata"), "--ca-dir", j(d, "eca"), "--passin", s, "--client", "alice", "--host", "db.example.com"}
		}},
		{name: "check -D", in: true, args: func(d, s string) []string { return []string{"check", "-D", j(d, "epgdata"), "--passin", s} }},
		{name: "probe --key", in: true, args: func(d, s string) []string {
			return []string{"probe", "127.0.0.1:1", "--cert", j(d, "srv/server.crt"), "--key", j(d, "srv/server-enc.key"), "--passin", s, "--timeout", "2s"}
		}},
	}
}

// TestPassphrasesNeverShown runs every command that takes a passphrase with it from
// each kind of source (env:, file:, pass:, stdin), with and without --json, and with a
// wrong one: the passphrase never appears on stdout or stderr, a pass: source brings
// a warning, a passphrase file readable by others brings one, and a wrong passphrase
// is refused without being repeated.
func TestPassphrasesNeverShown(t *testing.T) {
	w := world(t)
	for _, pu := range passUsers() {
		t.Run(pu.name, func(t *testing.T) {
			t.Parallel()
			type source struct {
				name, spec string
				stdin      string
				warn       string // a warning stderr must hold
			}
			sources := []source{
				{name: "env", spec: "env:PGCERT_PASS"},
				{name: "file", spec: "file:PASSFILE"},
				{name: "readable file", spec: "file:OPENFILE", warn: "is readable by other users"},
				{name: "pass", spec: "pass:" + testPass, warn: "can be read by other users in the process list"},
			}
			if !pu.twice {
				sources = append(sources, source{name: "stdin", spec: "stdin", stdin: testPass + "\n"})
			}
			for _, src := range sources {
				for _, asJSON := range []bool{false, true} {
					d := freshWorld(t, w)
					passFile, openFile := filepath.Join(d, "pass.txt"), filepath.Join(d, "open-pass.txt")
					os.WriteFile(passFile, []byte(testPass+"\n"), 0o600)
					os.WriteFile(openFile, []byte(testPass+"\n"), 0o644)
					spec := strings.NewReplacer("PASSFILE", passFile, "OPENFILE", openFile).Replace(src.spec)
					args := pu.args(d, spec)
					if asJSON {
						args = append(args, "--json")
					}
					r := pgcertOpts(t, runOpts{Stdin: strings.NewReader(src.stdin)}, args...)
					what := src.name + map[bool]string{true: " --json", false: ""}[asJSON]
					if r.Code != 0 && pu.name != "check -D" && pu.name != "probe --key" {
						t.Errorf("%s: %s", what, r)
					}
					shown := r.Stdout + r.Stderr
					if src.name == "pass" {
						// The warning may quote the source's kind, never its text.
						shown = strings.ReplaceAll(shown, "pass:TEXT", "")
					}
					if strings.Contains(shown, testPass) {
						t.Errorf("%s: the passphrase is in the output: %s", what, r)
					}
					if src.warn != "" && !strings.Contains(r.Stderr, src.warn) {
						t.Errorf("%s: no warning saying %q: %s", what, src.warn, r)
					}
				}
			}
			if !pu.in {
				return
			}
			d := freshWorld(t, w)
			wrong := "Wrong-Pass-8kT2v-also-unlikely"
			r := pgcertOpts(t, runOpts{Env: []string{"WRONG_PASS=" + wrong}}, pu.args(d, "env:WRONG_PASS")...)
			if r.Code != 1 || strings.Contains(r.Stdout+r.Stderr, wrong) {
				t.Errorf("a wrong passphrase: want exit 1 without the passphrase in the output: %s", r)
			}
		})
	}
}

// TestNoChildProcesses checks, in the source of every package the pgcert binary is
// built from within this module, that pgcert starts no other program: no os/exec, no
// syscall.Exec, ForkExec or StartProcess, no survey editor prompt (which runs
// $EDITOR). A passphrase in pgcert's memory can then reach no child's environment or
// command line, since there is no child.
func TestNoChildProcesses(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}} {{.Dir}}{{end}}", "github.com/pgcert/pgcert/cmd/pgcert").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, dir, ok := strings.Cut(line, " ")
		if !ok || !strings.HasPrefix(path, "github.com/pgcert/pgcert/") {
			continue
		}
		checked++
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == "os/exec" {
					t.Errorf("%s imports os/exec", name)
				}
			}
			for _, call := range []string{"syscall.Exec", "syscall.ForkExec", "os.StartProcess", "survey.Editor", "unix.Exec"} {
				if strings.Contains(string(src), call) {
					t.Errorf("%s calls %s", name, call)
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d of pgcert's packages found", checked)
	}
}
