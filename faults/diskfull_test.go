package faults

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
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
	for _, v := range variants {
		wr := v.wr
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			mnt := mountTmpfs(t, 2<<20)
			d := filepath.Join(mnt, "w")
			failed := 0
			for free := 0; ; free++ {
				if free > 64 {
					t.Fatalf("still failing with %d pages free", free)
				}
				emptyDir(t, mnt)
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
				copyTree(t, w, d)
				if v.pad {
					padIndex(t, filepath.Join(d, "ca"))
					padIndex(t, filepath.Join(d, "ca", "root"))
				}
				filled, unmount := mnt, func() {}
				if v.full != "" {
					filled = filepath.Join(d, v.full)
					unmount = mountOver(t, filled, 1<<20)
				}
				fillTo(t, filled, free)
				before := snapshot(t, d)
				r := pgcert(t, wr.args(d)...)
				if r.Code == 0 {
					if free == 0 && !wr.meta {
						t.Fatalf("succeeded with no free space: %s", r)
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
					t.Logf("%s: %d failing fill levels, then success with %d pages free", v.name, failed, free)
					return
				}
				failed++
				diskFullRuns.Add(1)
				checkNoSpace(t, r, d)
				checkNothingChanged(t, wr, d, before)
				unmount()
			}
		})
	}
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
