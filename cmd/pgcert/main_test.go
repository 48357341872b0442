package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pgcert/pgcert/internal/cli"
	"github.com/pgcert/pgcert/internal/iostreams"
	"github.com/pgcert/pgcert/internal/testenv"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pgcert": func() { os.Exit(cli.Main(os.Args[1:], iostreams.System())) },
	})
}

// TestScripts runs the scripts in testdata/script: pgcert as a user runs it.
//
// Conditions: [root] (running as root), [openssl] (the openssl binary is present —
// under CI=true its absence fails the run instead of skipping). Commands: `mode FILE
// 0600` asserts a file's permission bits; `status N CMD ARGS...` runs CMD like exec
// and asserts its exit status is N; `pty` holds a conversation with a command on a
// terminal (see cmdPty); `needroot WHY` fails under CI=true when not root, before a
// script's `[!root] stop`. Passphrase prompts are also tested with testscript's own
// `ttyin`, which types everything at once: fine for line-mode prompts, not for
// survey's forms, which query the terminal first.
func TestScripts(t *testing.T) {
	_, opensslErr := exec.LookPath("openssl")
	if opensslErr != nil && testenv.InCI() {
		t.Fatal("openssl not found in PATH (CI=true: .ci/run must install it)")
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("NO_COLOR", "")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			case "openssl":
				return opensslErr == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mode": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: mode FILE OCTAL")
				}
				want, err := strconv.ParseUint(args[1], 8, 32)
				if err != nil {
					ts.Fatalf("bad mode %q", args[1])
				}
				fi, err := os.Stat(ts.MkAbs(args[0]))
				ts.Check(err)
				got := uint64(fi.Mode().Perm())
				if (got == want) == neg {
					ts.Fatalf("%s has mode %04o, want %s%04o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
				}
			},
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 || neg {
					ts.Fatalf("usage: status N CMD [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("bad status %q", args[0])
				}
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("%s: %v", args[1], err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
				}
			},
			"pty": cmdPty,
			// needroot fails a script that goes on only as root when it runs in
			// CI without root: CI runs as root, so a `[!root] stop` there would
			// pass while testing nothing. Outside CI it does nothing, and the
			// script's own `[!root] stop` ends it.
			"needroot": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: needroot WHY")
				}
				if os.Geteuid() != 0 && testenv.InCI() {
					ts.Fatalf("needs root: %s (CI=%s runs as root)", args[0], os.Getenv("CI"))
				}
			},
		},
	})
}
