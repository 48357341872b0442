package keyperm

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/pkg/hint"
)

// oneUser is a Lookup that knows one user "pg", who is the test's own user (so
// that the test's files are its own).
type oneUser struct{ pg Identity }

func newOneUser() oneUser {
	id := Process()
	id.Name, id.GroupName = "pg", "pggroup"
	return oneUser{pg: id}
}

func (u oneUser) LookupUser(name string) (Identity, error) {
	if name == "pg" {
		return u.pg, nil
	}
	return Identity{}, errors.New("no such user")
}

func (u oneUser) LookupUID(uid uint32) (Identity, error) {
	if uid == u.pg.UID {
		return u.pg, nil
	}
	return Identity{}, errors.New("no such user")
}

func (u oneUser) GroupName(gid uint32) (string, error) {
	if gid == u.pg.GID {
		return u.pg.GroupName, nil
	}
	return "", errors.New("no such group")
}

func TestPermsGroup(t *testing.T) {
	g, err := user.LookupGroupId(strconv.Itoa(os.Getegid()))
	if err != nil {
		t.Skip("the test's own group has no name")
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "server.key")
	if err := os.WriteFile(key, []byte("key"), 0o600); err != nil {
		t.Fatal(err)
	}
	users := newOneUser()
	opts := &PermsOptions{Files: []string{key}, Owner: "pg", Group: g.Name, Lookup: users, Actor: Process()}

	users.pg.GID, users.pg.Groups = 4242, nil
	opts.Lookup = users
	if _, err := opts.identity(nil); err == nil || !strings.Contains(err.Error(), "pg is not in group "+g.Name) {
		t.Errorf("a group pg is not in: %v", err)
	}
	users.pg.Groups = []uint32{uint32(os.Getegid())}
	opts.Lookup = users
	id, err := opts.identity(nil)
	if err != nil || id.GID != uint32(os.Getegid()) || id.GroupName != g.Name || !id.InGroup(4242) {
		t.Errorf("identity %+v, %v", id, err)
	}
	opts.Group = "no-such-group-at-all"
	var ue *hint.UsageError
	if _, err := opts.identity(nil); !errors.As(err, &ue) {
		t.Errorf("unknown group: %v", err)
	}
}

// warnings keeps the formats of the warnings it hears.
type warnings struct{ formats *[]string }

func (warnings) Infof(string, ...any)            {}
func (w warnings) Warnf(format string, _ ...any) { *w.formats = append(*w.formats, format) }

func TestPermsDataDirConfErrs(t *testing.T) {
	dir := t.TempDir()
	var warned []string
	var locked bool
	o := PermsOptions{Fix: true, DataDir: dir, Lookup: newOneUser(), Actor: Process(),
		ReadDataDir: func(d string) (*DataDirFiles, error) {
			return &DataDirFiles{Dir: d, ConfigFile: filepath.Join(d, "postgresql.conf"), Owner: Process(), ConfErrs: []string{"syntax error"}}, nil
		},
		LockDataDir: func(string) (func(), error) { locked = true; return func() {}, nil },
		Reporter:    warnings{&warned},
	}
	_, err := Perms(o)
	var he *hint.Error
	if !errors.As(err, &he) || !strings.HasSuffix(err.Error(), "the server cannot read its configuration; nothing was changed") || !locked || len(warned) != 1 {
		t.Fatalf("fix with a broken configuration: %v, locked %v, warned %q", err, locked, warned)
	}
	o.Fix, locked = false, false
	rep, err := Perms(o)
	if err != nil || rep.OK || locked || rep.DataDir != dir || rep.User != Process().Label() {
		t.Errorf("check with a broken configuration: %v, %+v, locked %v", err, rep, locked)
	}
}

func TestLookupOwner(t *testing.T) {
	u := newOneUser()
	if id, err := LookupOwner(u, strconv.Itoa(int(u.pg.UID))); err != nil || id.Name != "pg" {
		t.Errorf("by number: %+v, %v", id, err)
	}
	var ue *hint.UsageError
	if _, err := LookupOwner(u, "nobody-at-all"); !errors.As(err, &ue) || err.Error() != "--owner nobody-at-all: no such user" {
		t.Errorf("unknown: %v", err)
	}
}
