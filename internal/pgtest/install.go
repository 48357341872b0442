package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

// PreferredMajor is the PostgreSQL major version pgcert's rules are checked against
// (see POSTGRES-SSL.md); when several are installed, this one is used.
const PreferredMajor = 15

// DebianRoot is where Debian and Ubuntu install each major version's binaries, as
// DebianRoot/<major>/bin.
const DebianRoot = "/usr/lib/postgresql"

// Install is an installed PostgreSQL: where its programs are, which version it is, and
// which OS user runs its server.
type Install struct {
	// BinDir holds initdb, pg_ctl and postgres.
	BinDir string
	// PsqlPath is the psql program: BinDir's if it has one, else the first in PATH.
	PsqlPath string
	// Version is the server's version as `postgres -V` prints it, such as "15.18".
	Version string
	// Major is the major version, such as 15.
	Major int
	// ServerUser is the OS user that runs initdb, pg_ctl and postgres: "postgres" when
	// the tests run as root, else the current user.
	ServerUser User
	// Current is the OS user running the tests; psql runs as this user unless told
	// otherwise.
	Current User
}

// AsRoot reports whether the tests run as root, so the server runs as another user.
// Only then can a test give files an owner other than itself.
func (in *Install) AsRoot() bool { return in.Current.UID == 0 }

// User is an OS user that a program can run as.
type User struct {
	Name   string
	UID    int
	GID    int
	Groups []int // supplementary groups, such as ssl-cert for Debian's postgres
}

var (
	findOnce  sync.Once
	installed *Install
	findErr   error
)

// Require returns the PostgreSQL installation to test against. When there is none, or
// when running as root and there is no "postgres" OS user to run the server as, it skips
// the test, or fails it in CI (CI=true), where .ci/run should have installed one. It
// also skips in -short mode, since every such test starts a server.
func Require(t testing.TB) *Install {
	t.Helper()
	if testing.Short() {
		t.Skip("pgtest: end-to-end test skipped in -short mode")
	}
	findOnce.Do(func() { installed, findErr = find() })
	if findErr != nil {
		testenv.Missing(t, "pgtest: "+findErr.Error())
	}
	return installed
}

func find() (*Install, error) {
	bin, err := findBinDir()
	if err != nil {
		return nil, err
	}
	in := &Install{BinDir: bin}
	in.PsqlPath = filepath.Join(bin, "psql")
	if !isExecutable(in.PsqlPath) {
		if in.PsqlPath, err = exec.LookPath("psql"); err != nil {
			return nil, errors.New("psql not found in " + bin + " or PATH")
		}
	}
	if in.Version, in.Major, err = serverVersion(filepath.Join(bin, "postgres")); err != nil {
		return nil, err
	}
	if in.Current, err = currentUser(); err != nil {
		return nil, err
	}
	in.ServerUser = in.Current
	if in.AsRoot() {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root and there is no OS user \"postgres\" to run the server as (the server refuses root): %v", err)
		}
		if in.ServerUser, err = toUser(u); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// findBinDir prefers Debian's layout, which can hold several majors side by side, and
// falls back to pg_config for a server installed elsewhere.
func findBinDir() (string, error) {
	dirs, _ := filepath.Glob(filepath.Join(DebianRoot, "*", "bin"))
	var majors []int
	for _, d := range dirs {
		m, err := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		if err == nil && hasServer(d) {
			majors = append(majors, m)
		}
	}
	if len(majors) > 0 {
		sort.Ints(majors)
		pick := majors[len(majors)-1]
		for _, m := range majors {
			if m == PreferredMajor {
				pick = m
			}
		}
		return filepath.Join(DebianRoot, strconv.Itoa(pick), "bin"), nil
	}
	if pgConfig, err := exec.LookPath("pg_config"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
		defer cancel()
		out, err := exec.CommandContext(ctx, pgConfig, "--bindir").Output()
		if d := strings.TrimSpace(string(out)); err == nil && hasServer(d) {
			return d, nil
		}
	}
	return "", fmt.Errorf("PostgreSQL server not installed (no %s/<major>/bin/postgres, no pg_config --bindir with initdb, pg_ctl and postgres)", DebianRoot)
}

func hasServer(dir string) bool {
	for _, p := range []string{"initdb", "pg_ctl", "postgres"} {
		if !isExecutable(filepath.Join(dir, p)) {
			return false
		}
	}
	return true
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) ((\d+)(?:\.\d+)*)`)

// serverVersion asks postgres itself, which answers -V even as root.
func serverVersion(postgres string) (string, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, postgres, "-V").Output()
	if err != nil {
		return "", 0, fmt.Errorf("%s -V: %v", postgres, err)
	}
	m := versionRE.FindStringSubmatch(string(out))
	if m == nil {
		return "", 0, fmt.Errorf("%s -V: unexpected output %q", postgres, out)
	}
	major, _ := strconv.Atoi(m[2])
	return m[1], major, nil
}

func currentUser() (User, error) {
	u, err := user.LookupId(strconv.Itoa(os.Geteuid()))
	if err != nil {
		// A uid without a passwd entry (some containers) can still run everything.
		return User{Name: strconv.Itoa(os.Geteuid()), UID: os.Geteuid(), GID: os.Getegid()}, nil
	}
	return toUser(u)
}

func toUser(u *user.User) (User, error) {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return User{}, fmt.Errorf("user %s: uid %q: %v", u.Username, u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return User{}, fmt.Errorf("user %s: gid %q: %v", u.Username, u.Gid, err)
	}
	out := User{Name: u.Username, UID: uid, GID: gid}
	ids, _ := u.GroupIds()
	for _, id := range ids {
		if g, err := strconv.Atoi(id); err == nil {
			out.Groups = append(out.Groups, g)
		}
	}
	return out, nil
}
