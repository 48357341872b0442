package faults

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestRenewSubdirectorySwap: ssl_crl_file names a file in a subdirectory of the
// data directory (the outside rule lets renew change it: it is the data
// directory's own). As soon as a renewal has judged the path (its staging
// directory shows), the database user swaps that subdirectory for a link to a
// directory only root may write. Whatever the timing, root's directory keeps its
// owner, its mode and its entries: renew writes in the subdirectory it judged,
// through its descriptor, or not at all.
func TestRenewSubdirectorySwap(t *testing.T) {
	o := requirePostgresUser(t)
	base, data := rootsafeDataDir(t, o)
	rootonly := filepath.Join(base, "rootonly")
	for _, name := range []string{"root.crl", "root.crl.prev"} {
		if err := os.WriteFile(filepath.Join(rootonly, name), []byte("root's\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	asPostgres(t, "cd "+data+" && mkdir sub && cp root.crl sub/root.crl && echo \"ssl_crl_file = 'sub/root.crl'\" >> postgresql.auto.conf")
	dirBefore, treeBefore := stateOfDir(t, rootonly), snapshot(t, rootonly)
	// The swap is two system calls from one process: a shell's mv and ln are too
	// slow to fall between the check and the write.
	if _, err := exec.LookPath("perl"); err != nil {
		t.Skip("no perl for the swapping loop")
	}
	swapper := exec.Command("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "perl", "-e",
		"chdir("+strconv.Quote(data)+") or die; my $n = 0; while (1) { my @s = glob('.pgcert-renew-*'); "+
			"if (@s && -d 'sub' && ! -l 'sub') { $n++; rename('sub', \"real.$n\") and symlink("+strconv.Quote(rootonly)+", 'sub'); } }")
	var swapErr bytes.Buffer
	swapper.Stderr = &swapErr
	if err := swapper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		swapper.Process.Kill()
		swapper.Wait()
	}()
	outcomes, swaps := map[string]int{}, 0
	for range 25 {
		// The subdirectory back in place for the next run, as the attacker
		// would put it back.
		sub := filepath.Join(data, "sub")
		if fi, err := os.Lstat(sub); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			swaps++
			if err := os.Remove(sub); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(lastMoved(t, data), sub); err != nil {
				t.Fatal(err)
			}
		}
		r := runNoHang(t, "renew", "-D", data, "--ca-dir", filepath.Join(base, "ca"), "--force")
		switch r.Code {
		case 0:
			outcomes["renewed"]++
		case 1:
			outcomes["refused"]++
		default:
			t.Fatalf("exit %d:\n%s", r.Code, r)
		}
	}
	swapper.Process.Kill()
	swapper.Wait()
	t.Logf("outcomes of the runs: %v; the subdirectory was swapped at least %d times %s", outcomes, swaps, swapErr.String())
	assertDirUntouched(t, rootonly, dirBefore, treeBefore, "renew under the subdirectory swap")
}

// lastMoved is the subdirectory the swapper moved aside last (real.N, N highest).
func lastMoved(t *testing.T, data string) string {
	t.Helper()
	last, lastN := "", 0
	moved, _ := filepath.Glob(filepath.Join(data, "real.*"))
	for _, m := range moved {
		if n, err := strconv.Atoi(filepath.Ext(m)[1:]); err == nil && n > lastN {
			last, lastN = m, n
		}
	}
	if last == "" {
		t.Fatal("sub is a link, and no subdirectory was moved aside")
	}
	return last
}
