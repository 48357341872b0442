package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/iostreams"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/ca"
)

// listEntry is one line appendIndex writes.
type listEntry struct {
	subject string
	status  ca.Status
	expires time.Time
}

// newListCA makes a CA directory with ca init and appends entries to its index, as
// bench/ca/fill does, with serials 1, 2, ... after first.
func newListCA(t *testing.T, first int, entries func(i int) listEntry, n int) string {
	t.Helper()
	caDir := filepath.Join(t.TempDir(), "ca")
	f, _, errOut, _ := testFactory(t)
	if code := runCmd(f, "ca", "init", "--ca-dir", caDir); code != 0 {
		t.Fatalf("ca init: exit %d\n%s", code, errOut)
	}
	appendIndex(t, caDir, first, entries, n)
	return caDir
}

func appendIndex(t *testing.T, caDir string, first int, entries func(i int) listEntry, n int) {
	t.Helper()
	out, err := os.OpenFile(filepath.Join(caDir, ca.IndexFile), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(out, 1<<20)
	var line []byte
	for i := range n {
		le := entries(i)
		e := ca.Entry{Status: le.status, Expires: le.expires, File: []byte("unknown"), Subject: []byte(le.subject)}
		e.Serial = []byte{byte((first + i) >> 24), byte((first + i) >> 16), byte((first + i) >> 8), byte(first + i)}
		for len(e.Serial) > 1 && e.Serial[0] == 0 {
			e.Serial = e.Serial[1:]
		}
		if le.status == ca.StatusRevoked {
			e.Revoked, e.Reason = testpki.Now.Add(-time.Hour), ca.ReasonSuperseded
		}
		if line, err = ca.AppendEntry(line[:0], &e); err != nil {
			t.Fatal(err)
		}
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCAListFilters: --revoked, --expiring and --cn each select what they say, and
// together select what all of them select.
func TestCAListFilters(t *testing.T) {
	now := testpki.Now
	entries := []listEntry{
		{"/CN=app-1/O=Example", ca.StatusValid, now.AddDate(0, 0, 10)},   // expiring within 30 days
		{"/CN=app-2/O=Example", ca.StatusValid, now.AddDate(0, 0, 100)},  // valid, not expiring
		{"/CN=app-3/O=Example", ca.StatusRevoked, now.AddDate(0, 0, 10)}, // revoked: not "expiring"
		{"/CN=db-1", ca.StatusValid, now.AddDate(0, 0, -1)},              // expired: not "expiring"
		{"/CN=db-2", ca.StatusRevoked, now.AddDate(0, 0, 100)},
		{"/O=app-9/CN=db-3", ca.StatusValid, now.AddDate(0, 0, 29)}, // the pattern is on the CN, not O
	}
	caDir := newListCA(t, 1, func(i int) listEntry { return entries[i] }, len(entries))
	list := func(args ...string) []string {
		t.Helper()
		f, out, errOut, _ := testFactory(t)
		if code := runCmd(f, append([]string{"ca", "list", "--ca-dir", caDir}, args...)...); code != 0 {
			t.Fatalf("ca list %v: exit %d\n%s", args, code, errOut)
		}
		var subjects []string
		for i, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if i == 0 || line == "" {
				continue
			}
			fields := strings.Fields(line)
			subjects = append(subjects, fields[len(fields)-1])
		}
		return subjects
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "/CN=app-1/O=Example /CN=app-2/O=Example /CN=app-3/O=Example /CN=db-1 /CN=db-2 /O=app-9/CN=db-3"},
		{[]string{"--revoked"}, "/CN=app-3/O=Example /CN=db-2"},
		{[]string{"--expiring", "30"}, "/CN=app-1/O=Example /O=app-9/CN=db-3"},
		{[]string{"--expiring", "20"}, "/CN=app-1/O=Example"},
		{[]string{"--cn", "app-*"}, "/CN=app-1/O=Example /CN=app-2/O=Example /CN=app-3/O=Example"},
		{[]string{"--cn", "db-[13]"}, "/CN=db-1 /O=app-9/CN=db-3"},
		{[]string{"--cn", "app-*", "--revoked"}, "/CN=app-3/O=Example"},
		{[]string{"--cn", "app-*", "--expiring", "30"}, "/CN=app-1/O=Example"},
		{[]string{"--cn", "nobody"}, ""},
	} {
		if got := strings.Join(list(tc.args...), " "); got != tc.want {
			t.Errorf("ca list %v: %q, want %q", tc.args, got, tc.want)
		}
	}

	f, out, _, _ := testFactory(t)
	if code := runCmd(f, "ca", "list", "--ca-dir", caDir, "--revoked", "--json"); code != 0 {
		t.Fatalf("ca list --revoked --json: exit %d", code)
	}
	var l ca.Listing
	if err := json.Unmarshal(out.Bytes(), &l); err != nil {
		t.Fatalf("ca list --json: %v\n%s", err, out)
	}
	if len(l.Certificates) != 2 || l.Certificates[0].Subject != "/CN=app-3/O=Example" || *l.Certificates[1].Reason != "superseded" {
		t.Errorf("ca list --revoked --json: %+v", l.Certificates)
	}

	for _, args := range [][]string{{"--cn", "[x"}, {"--expiring", "-1"}, {"--revoked", "--expiring", "3"}} {
		f, _, _, _ := testFactory(t)
		if code := runCmd(f, append([]string{"ca", "list", "--ca-dir", caDir}, args...)...); code != cmdutil.ExitUsage {
			t.Errorf("ca list %v: exit %d, want %d", args, code, cmdutil.ExitUsage)
		}
	}
}

// TestCAListStreamsAsListing: the streamed --json document is the one cmdutil.WriteJSON makes
// of the whole Listing, and the text columns line up across the chunks the table is
// written in.
func TestCAListStreamsAsListing(t *testing.T) {
	n := 2*listChunk + 7
	caDir := newListCA(t, 1, func(i int) listEntry {
		st := ca.StatusValid
		if i%10 == 0 {
			st = ca.StatusRevoked
		}
		return listEntry{fmt.Sprintf("/CN=client-%d/O=<Bench & Co>", i), st, testpki.Now.AddDate(0, 0, i%50-10)}
	}, n)
	// a wider serial late in the index: the columns after it widen, never shrink.
	appendIndex(t, caDir, 0x7fffffff, func(int) listEntry { return listEntry{"/CN=late", ca.StatusValid, testpki.Now.AddDate(1, 0, 0)} }, 1)

	f, out, errOut, _ := testFactory(t)
	if code := runCmd(f, "ca", "list", "--ca-dir", caDir, "--json"); code != 0 {
		t.Fatalf("ca list --json: exit %d\n%s", code, errOut)
	}
	c, err := ca.Open(caDir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.Listing(testpki.Now)
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	cmdutil.WriteJSON(&want, l)
	if out.String() != want.String() {
		t.Errorf("streamed --json differs from the Listing's document (%d vs %d bytes)", out.Len(), want.Len())
	}

	f, out, errOut, _ = testFactory(t)
	if code := runCmd(f, "ca", "list", "--ca-dir", caDir); code != 0 {
		t.Fatalf("ca list: exit %d\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != n+2 {
		t.Fatalf("ca list: %d lines, want %d", len(lines), n+2)
	}
	col := regexp.MustCompile(`^(\S+ +)(\S+ +)`)
	width := func(line string) int { return len(col.FindString(line)) }
	if w0, w1 := width(lines[0]), width(lines[listChunk+5]); w0 != w1 {
		t.Errorf("the first two columns are %d wide in the first chunk and %d in the second", w0, w1)
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "valid    7FFFFFFF  ") {
		t.Errorf("last line %q", last)
	}
}

// TestCAListMemoryHelper is ca list run in a process of its own by
// TestCAListMemory; it does nothing otherwise.
func TestCAListMemoryHelper(t *testing.T) {
	args := os.Getenv("PGCERT_TEST_CA_LIST")
	if args == "" {
		t.Skip("run by TestCAListMemory")
	}
	ios := iostreams.System()
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	ios.Out = devnull
	code := Main(strings.Fields(args), ios)
	// VmHWM is this process's own peak: a child's rusage can report the parent's,
	// whose memory the child shared until exec.
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Fprintln(os.Stderr, line)
		}
	}
	os.Exit(code)
}

// TestCAListMemory: ca list's peak memory does not grow with the index. Listing
// 200,000 certificates must take less than twice the memory of 50,000 (a listing
// held in memory takes four times as much) and stay far below 100 MB, the bound at
// a million.
func TestCAListMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("fills an index of 200,000 lines")
	}
	entry := func(i int) listEntry {
		st := ca.StatusValid
		if i%10 == 0 {
			st = ca.StatusRevoked
		}
		return listEntry{fmt.Sprintf("/CN=client-%d/O=Benchmark", i), st, testpki.Now.AddDate(1, 0, 0)}
	}
	peak := func(caDir string, args ...string) int64 {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestCAListMemoryHelper$")
		cmd.Env = append(os.Environ(), "PGCERT_TEST_CA_LIST="+strings.Join(append([]string{"ca", "list", "--ca-dir", caDir}, args...), " "))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("ca list %v: %v\n%s", args, err, out)
		}
		m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("ca list %v: no VmHWM in\n%s", args, out)
		}
		kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
		return kb
	}
	small := newListCA(t, 1, entry, 50_000)
	large := newListCA(t, 1, entry, 200_000)
	for _, args := range [][]string{nil, {"--json"}} {
		s, l := peak(small, args...), peak(large, args...)
		t.Logf("ca list %v: %d kB at 50,000, %d kB at 200,000", args, s, l)
		if l >= 2*s || l > 60<<10 {
			t.Errorf("ca list %v: peak %d kB at 200,000 entries against %d kB at 50,000: memory grows with the index", args, l, s)
		}
	}
}
