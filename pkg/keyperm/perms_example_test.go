package keyperm_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/keyperm"
)

// self is a Lookup that knows the running user under the name alice, so that the
// example's files are the user's own and its output the same on every machine.
type self struct{}

func (self) LookupUser(string) (keyperm.Identity, error) { return self{}.LookupUID(0) }
func (self) LookupUID(uint32) (keyperm.Identity, error) {
	id := keyperm.Process()
	id.Name, id.GroupName = "alice", "alice"
	return id, nil
}
func (self) GroupName(uint32) (string, error) { return "alice", nil }

// stdout prints the notes a Perms call makes.
type stdout struct{}

func (stdout) Infof(format string, args ...any) { fmt.Printf(format+"\n", args...) }
func (stdout) Warnf(format string, args ...any) { fmt.Printf("warning: "+format+"\n", args...) }

func ExamplePerms() {
	dir, _ := os.MkdirTemp("", "keyperm")
	defer os.RemoveAll(dir)
	key := filepath.Join(dir, "postgresql.key")
	os.WriteFile(key, []byte("key"), 0o644)
	os.Chmod(key, 0o644)
	me := keyperm.Process()
	o := keyperm.PermsOptions{Files: []string{key}, Client: true, Lookup: self{}, Actor: me,
		Reporter: stdout{}}
	rep, err := keyperm.Perms(o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Rule, rep.OK, rep.Files[0].Mode)
	o.Fix, o.Actor = true, me
	if rep, err = keyperm.Perms(o); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.OK, rep.Changes[0].OldMode, "->", rep.Changes[0].Mode)
	// Output:
	// checking with libpq's rule for user alice
	// client false 0644
	// true 0644 -> 0600
}

func ExampleLookupOwner() {
	id, _ := keyperm.LookupOwner(names{}, "postgres")
	fmt.Println(id.Label())
	// Output: postgres
}

func ExampleLookupGroup() {
	_, _, err := keyperm.LookupGroup("no-such-group-at-all")
	fmt.Println(err)
	// Output: --group no-such-group-at-all: no such group
}

func ExamplePermsOptions_CheckArgs() {
	o := keyperm.PermsOptions{Files: []string{"server.key"}, AllowOutside: []string{"/etc/ssl/server.key"}, Owner: "postgres"}
	fmt.Println(o.CheckArgs())
	// Output: --allow-outside is for files a data directory's settings name; files given on the command line are allowed already
}
