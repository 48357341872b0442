package faults

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// diskFullRuns counts the runs that met a full disk, for the README's figures.
var diskFullRuns atomic.Int64

// TestDiskFull runs every writing command on a small tmpfs filled so that its
// output does not fit: first with no page free, then one more page each time, until
// the command has room and succeeds. Three layouts move the failure to each write in
// turn: everything on one full tmpfs (the failure comes at the first write that
// needs a page: a CA's records, or the first output); a CA index that fills its last
// page exactly (the index append fails); and the output directory alone on a full
// tmpfs of its own (everything else done, the last writes fail). Every failed run
// must exit 1 with an error that names the file and says "no space left on device",
// with the hint; leave no temporary or partial file; and leave every file that was
// there byte-identical — except the CA's own records of certificates it signed,
// which may only grow consistently (see caRecordsOnly).
func TestDiskFull(t *testing.T) {
	requireRoot(t)
	w := world(t)
	type variant struct {
		name string
		wr   writer
		pad  bool   // the CA indexes fill their last page
		full string // the directory that is a full tmpfs of its own
	}
	var variants []variant
	for _, wr := range writers() {
		variants = append(variants, variant{name: wr.name, wr: wr})
		if wr.ca {
			variants = append(variants, variant{name: wr.name + " with a full index page", wr: wr, pad: true})
		}
		if wr.outDir != "" {
			variants = append(variants, variant{name: wr.name + " with " + wr.outDir + " full", wr: wr, full: wr.outDir})
		}
	}
	var mu sync.Mutex
	failing := map[string]int{} // command -> runs that met a full disk
	t.Run("layouts", func(t *testing.T) {
		for _, v := range variants {
			t.Run(v.name, func(t *testing.T) {
				t.Parallel()
				n := diskFullLayout(t, w, v.wr, v.pad, v.full)
				mu.Lock()
				failing[v.wr.name] += n
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}
	// The README's figures, as minimums: every command that needs space met the
	// full disk; perms fix, which changes only modes and owners, needs none and
	// succeeds on a full disk (diskFullLayout checks it), so it is not counted.
	met, runs := 0, 0
	for _, wr := range writers() {
		n := failing[wr.name]
		runs += n
		switch {
		case wr.meta && n != 0:
			t.Errorf("%s failed %d times on a full disk: it needs no space", wr.name, n)
		case !wr.meta && n == 0:
			t.Errorf("%s never met the full disk", wr.name)
		case !wr.meta:
			met++
		}
	}
	t.Logf("%d writing commands met a full disk in %d layouts, %d runs", met, len(variants), runs)
	if met < minDiskFullCommands || len(variants) < minDiskFullLayouts || runs < minDiskFullRuns {
		t.Errorf("%d commands met a full disk in %d layouts, %d runs; the README says at least %d, %d and %d",
			met, len(variants), runs, minDiskFullCommands, minDiskFullLayouts, minDiskFullRuns)
	}
}

// The README's disk-full figures, which TestDiskFull holds as minimums.
const (
	minDiskFullCommands = 26
	minDiskFullLayouts  = 60
	minDiskFullRuns     = 180
)

// setupTries is how many times a disk-full layout is set up before giving up: on a
// busy machine, a tmpfs may not settle to the free space asked for at once.
const setupTries = 3

// diskFullLayout runs wr on a full tmpfs, one page more free each time, until it
// succeeds, and returns how many runs met the full disk (failed). pad fills the CA
// indexes' last pages; full, when set, is the directory that is a full tmpfs of
// its own.
func diskFullLayout(t *testing.T, w string, wr writer, pad bool, full string) int {
	mnt := mountTmpfs(t, 2<<20)
	d := filepath.Join(mnt, "w")
	failed := 0
	for free := 0; ; free++ {
		if free > 64 {
			t.Fatalf("still failing with %d pages free", free)
		}
		var unmount func()
		for try := 1; ; try++ {
			var err error
			if unmount, err = setUpFull(t, w, mnt, d, pad, full, free); err == nil {
				break
			}
			unmount()
			if try == setupTries {
				t.Fatalf("setting up %d pages free, %d times: %v", free, try, err)
			}
			t.Logf("setting up %d pages free: %v; again", free, err)
		}
		before := snapshot(t, d)
		r := pgcert(t, wr.args(d)...)
		if r.Code == 0 {
			if free == 0 && !wr.meta {
				t.Fatalf("succeeded with no free space: %s", r)
			}
			if wr.meta && free != 0 {
				t.Fatalf("failed with no free space, though it changes only modes and owners")
			}
			for _, o := range wr.outputs {
				if _, err := os.Stat(filepath.Join(d, o)); err != nil {
					t.Errorf("succeeded without writing %s: %v", o, err)
				}
			}
			if temps := checkTree(t, d); len(temps) > 0 {
				t.Errorf("temporary files left after success: %q", temps)
			}
			unmount()
			t.Logf("%d failing fill levels, then success with %d pages free", failed, free)
			return failed
		}
		failed++
		diskFullRuns.Add(1)
		checkNoSpace(t, r, d)
		checkNothingChanged(t, wr, d, before)
		unmount()
	}
}

// setUpFull makes a fresh copy of the world at d on the tmpfs at mnt, with the
// layout's padding and own full tmpfs, and fills it to free pages. It returns the
// function that unmounts the layout's own tmpfs (which does nothing when there is
// none), to be called whatever the error.
func setUpFull(t *testing.T, w, mnt, d string, pad bool, full string, free int) (unmount func(), err error) {
	emptyDir(t, mnt)
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	copyTree(t, w, d)
	if pad {
		padIndex(t, filepath.Join(d, "ca"))
		padIndex(t, filepath.Join(d, "ca", "root"))
	}
	filled, unmount := mnt, func() {}
	if full != "" {
		filled = filepath.Join(d, full)
		unmount = mountOver(t, filled, 1<<20)
	}
	return unmount, fillTo(filled, free)
}

// mountOver mounts a tmpfs of size bytes on dir with dir's content copied in, and
// returns the function that unmounts it.
func mountOver(t *testing.T, dir string, size int) (unmount func()) {
	t.Helper()
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		// A directory the command would make (a new data directory): it makes
		// nothing of an empty one.
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	aside := dir + ".aside"
	if err := os.Rename(dir, aside); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(aside)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, fi.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
	unmount = mountAt(t, dir, size)
	os.Chmod(dir, fi.Mode().Perm())
	copyTree(t, aside, dir)
	if err := os.RemoveAll(aside); err != nil {
		t.Fatal(err)
	}
	return unmount
}

var errorLine = regexp.MustCompile(`(?m)^pgcert: error: (.*)$`)

// checkNoSpace checks the message of a run that met a full disk.
func checkNoSpace(t *testing.T, r result, d string) {
	t.Helper()
	if r.Code != 1 {
		t.Fatalf("want exit 1 on a full disk: %s", r)
	}
	m := errorLine.FindStringSubmatch(r.Stderr)
	if m == nil || !strings.Contains(m[1], "no space left on device") || !strings.Contains(m[1], d+"/") {
		t.Fatalf("want an error naming a file in %s and saying no space left on device: %s", d, r)
	}
	if !strings.Contains(r.Stderr, "pgcert: hint: free space on the filesystem that holds") {
		t.Fatalf("want the hint to free space: %s", r)
	}
}

// checkNothingChanged checks that a failed run left d as it was: no temporary file,
// no new file, every file byte-identical, with caRecordsOnly's exception for
// commands that sign with the CA.
func checkNothingChanged(t *testing.T, wr writer, d string, before tree) {
	t.Helper()
	after := snapshot(t, d)
	if temps := after.temps(); len(temps) > 0 {
		t.Fatalf("%s: temporary files left: %q", wr.name, temps)
	}
	added, removed, changed := changes(before, after)
	added = withoutEmpty(added, after)
	if wr.ca {
		added, changed = caRecordsOnly(added), caRecordsOnly(changed)
		checkCA(t, filepath.Join(d, "ca"))
	}
	if e, ok := after[wr.newCA+"/ca.crt"]; wr.newCA != "" && ok && e.Mode.IsRegular() {
		checkCA(t, filepath.Join(d, wr.newCA))
		if temps := checkTree(t, filepath.Join(d, wr.newCA)); len(temps) > 0 {
			t.Fatalf("temporary files in the new CA: %q", temps)
		}
		var rest []string
		for _, p := range added {
			if !strings.HasPrefix(p, wr.newCA+"/") || strings.HasPrefix(p, wr.newCA+"/clients/") {
				rest = append(rest, p)
			}
		}
		added = rest
	}
	if len(added)+len(removed)+len(changed) > 0 {
		t.Fatalf("%s: a failed run added %q, removed %q, changed %q", wr.name, added, removed, changed)
	}
}

// withoutEmpty drops from added the directories a failed run made and left empty
// (of files), and the empty lock file (pgcert.lock) of a CA directory: they hold
// nothing, and a rerun uses them as they are. A lock file is never removed once made,
// since a run waiting on it would then hold a lock nobody else sees.
func withoutEmpty(added []string, after tree) []string {
	var out []string
	for _, p := range added {
		e := after[p]
		if e.Mode.IsDir() || (filepath.Base(p) == "pgcert.lock" && e.Mode.IsRegular() && e.Size == 0) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// caRecordsOnly drops from paths the CA's records that a failed run may have
// changed: the copy of a certificate it signed (newcerts/) and the index line that
// lists it, the advanced crlnumber and the CA's copy of the CRL it signed (crl.pem).
// A certificate is recorded before it is handed out, so a failure after signing
// leaves a record of a certificate that nobody holds; checkCA checks that the
// records still agree with each other.
func caRecordsOnly(paths []string) []string {
	var out []string
	for _, p := range paths {
		base := filepath.Base(p)
		switch {
		case filepath.Base(filepath.Dir(p)) == "newcerts" && strings.HasSuffix(base, ".pem"):
		case base == "index.txt" || base == "crlnumber" || base == "crl.pem":
		default:
			out = append(out, p)
		}
	}
	return out
}
