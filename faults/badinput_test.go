package faults

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// corpusRuns counts the runs of TestBadInput, for the README's figures.
var corpusRuns atomic.Int64

// slot is one file a command reads.
type slot struct {
	name string
	kind kind
	// at is where the bad file goes, relative to the copy of the world; "" puts it
	// in bad/ under a unique random name, given to the command as its argument.
	at   string
	args func(d, bad string) []string
	// describes marks a command that only describes or checks what it reads: it
	// may accept a well-formed file, however absurd, and print what it is.
	describes bool
	// anyKind marks a command that reads files of every kind (show): a file of
	// another kind, or one only over another kind's limit, is well-formed to it.
	anyKind bool
}

func slots() []slot {
	j := filepath.Join
	return []slot{
		// Keys.
		{name: "key strip", kind: kindKey, args: func(d, b string) []string {
			return []string{"key", "strip", b, "--passin", "env:PGCERT_PASS", "-o", j(d, "out/x.key")}
		}},
		{name: "key encrypt", kind: kindKey, args: func(d, b string) []string {
			return []string{"key", "encrypt", b, "--passout", "env:PGCERT_PASS", "-o", j(d, "out/x.key")}
		}},
		{name: "key show", kind: kindKey, describes: true, args: func(d, b string) []string { return []string{"key", "show", b} }},
		{name: "req --key", kind: kindKey, args: func(d, b string) []string {
			return []string{"req", "--key", b, "--cn", "db.example.com", "-o", j(d, "out/x.req")}
		}},
		{name: "selfsign --key", kind: kindKey, args: func(d, b string) []string {
			return []string{"selfsign", "--req", j(d, "server.req"), "--key", b, "-o", j(d, "out/x.crt")}
		}},
		{name: "chain --key", kind: kindKey, args: func(d, b string) []string {
			return []string{"chain", j(d, "srv/server.crt"), "--key", b, "-o", j(d, "out/x.crt")}
		}},
		{name: "crl gen --ca-key", kind: kindKey, args: func(d, b string) []string {
			return []string{"crl", "gen", "--index", j(d, "ca/index.txt"), "--ca-cert", j(d, "ca/ca.crt"), "--ca-key", b, "-o", j(d, "out/x.crl")}
		}},
		{name: "ca issue (CA key)", kind: kindKey, at: "ca/private/ca.key", args: func(d, b string) []string {
			return []string{"ca", "issue", "client", "--ca-dir", j(d, "ca"), "--user", "bob", "-o", j(d, "out/bob")}
		}},
		{name: "show key", anyKind: true, kind: kindKey, describes: true, args: func(d, b string) []string { return []string{"show", b} }},
		{name: "check -D (server.key)", kind: kindKey, at: "pgdata/server.key", describes: true, args: func(d, b string) []string {
			return []string{"check", "-D", j(d, "pgdata")}
		}},

		// Certificates.
		{name: "show", anyKind: true, kind: kindCert, describes: true, args: func(d, b string) []string { return []string{"show", b} }},
		{name: "ca revoke --cert", kind: kindCert, args: func(d, b string) []string {
			return []string{"ca", "revoke", "--ca-dir", j(d, "ca"), "--cert", b}
		}},
		{name: "chain", kind: kindCert, args: func(d, b string) []string { return []string{"chain", b, "-o", j(d, "out/x.crt")} }},
		{name: "chain --root", kind: kindCert, args: func(d, b string) []string {
			return []string{"chain", j(d, "srv/server.crt"), "--root", b, "-o", j(d, "out/x.crt")}
		}},
		{name: "root", kind: kindCert, args: func(d, b string) []string { return []string{"root", b, "-o", j(d, "out/x.crt")} }},
		{name: "root --check-chain", kind: kindCert, args: func(d, b string) []string {
			return []string{"root", j(d, "ca/root/ca.crt"), "--check-chain", b, "-o", j(d, "out/x.crt")}
		}},
		{name: "verify", kind: kindCert, describes: true, args: func(d, b string) []string {
			return []string{"verify", b, "--root", j(d, "ca/root/ca.crt"), "--host", "db.example.com"}
		}},
		{name: "verify --root", kind: kindCert, describes: true, args: func(d, b string) []string {
			return []string{"verify", j(d, "srv/server.crt"), "--root", b, "--host", "db.example.com"}
		}},
		{name: "crl gen --ca-cert", kind: kindCert, args: func(d, b string) []string {
			return []string{"crl", "gen", "--index", j(d, "ca/index.txt"), "--ca-cert", b, "--ca-key", j(d, "ca/private/ca.key"), "-o", j(d, "out/x.crl")}
		}},
		{name: "crl merge --ca", kind: kindCert, args: func(d, b string) []string {
			return []string{"crl", "merge", "--ca", b, "-o", j(d, "out/x.crl"), j(d, "ca/crl.pem")}
		}},
		{name: "crl dir --ca", kind: kindCert, args: func(d, b string) []string {
			return []string{"crl", "dir", "--out", j(d, "out/crl.d"), "--ca", b, j(d, "ca/crl.pem")}
		}},
		{name: "ca issue (ca.crt)", kind: kindCert, at: "ca/ca.crt", args: func(d, b string) []string {
			return []string{"ca", "issue", "client", "--ca-dir", j(d, "ca"), "--user", "bob", "-o", j(d, "out/bob")}
		}},
		{name: "ca list (ca.crt)", kind: kindCert, at: "ca/ca.crt", describes: true, args: func(d, b string) []string {
			return []string{"ca", "list", "--ca-dir", j(d, "ca")}
		}},
		{name: "crl gen --ca-dir (ca.crt)", kind: kindCert, at: "ca/ca.crt", args: func(d, b string) []string {
			return []string{"crl", "gen", "--ca-dir", j(d, "ca"), "-o", j(d, "out/x.crl")}
		}},
		{name: "check -D (server.crt)", kind: kindCert, at: "pgdata/server.crt", describes: true, args: func(d, b string) []string {
			return []string{"check", "-D", j(d, "pgdata")}
		}},

		// Certificate requests.
		{name: "selfsign --req", kind: kindCSR, args: func(d, b string) []string {
			return []string{"selfsign", "--req", b, "--key", j(d, "req.key"), "-o", j(d, "out/x.crt")}
		}},
		{name: "ca sign", kind: kindCSR, args: func(d, b string) []string {
			return []string{"ca", "sign", b, "--profile", "server", "--ca-dir", j(d, "ca"), "-o", j(d, "out/x.crt")}
		}},
		{name: "show request", anyKind: true, kind: kindCSR, describes: true, args: func(d, b string) []string { return []string{"show", b} }},

		// CRLs.
		{name: "verify --crl", kind: kindCRL, describes: true, args: func(d, b string) []string {
			return []string{"verify", j(d, "alice/postgresql.crt"), "--purpose", "client", "--root", j(d, "ca/root/ca.crt"), "--crl", b, "--crl", j(d, "ca/root/crl.pem")}
		}},
		{name: "crl merge", kind: kindCRL, args: func(d, b string) []string {
			return []string{"crl", "merge", "--ca", j(d, "ca/root/ca.crt"), "--ca", j(d, "ca/ca.crt"), "-o", j(d, "out/x.crl"), b, j(d, "ca/root/crl.pem")}
		}},
		{name: "crl dir", kind: kindCRL, args: func(d, b string) []string {
			return []string{"crl", "dir", "--out", j(d, "out/crl.d"), "--ca", j(d, "ca/root/ca.crt"), "--ca", j(d, "ca/ca.crt"), b}
		}},
		{name: "crl show", kind: kindCRL, describes: true, args: func(d, b string) []string { return []string{"crl", "show", b} }},
		{name: "show crl", anyKind: true, kind: kindCRL, describes: true, args: func(d, b string) []string { return []string{"show", b} }},

		// CA databases.
		{name: "crl gen --index", kind: kindIndex, args: func(d, b string) []string {
			return []string{"crl", "gen", "--index", b, "--ca-cert", j(d, "ca/ca.crt"), "--ca-key", j(d, "ca/private/ca.key"),
				"--crlnumber", j(d, "ca/crlnumber"), "-o", j(d, "out/x.crl")}
		}},
		{name: "ca issue (index.txt)", kind: kindIndex, at: "ca/index.txt", args: func(d, b string) []string {
			return []string{"ca", "issue", "client", "--ca-dir", j(d, "ca"), "--user", "bob", "-o", j(d, "out/bob")}
		}},
		{name: "ca list (index.txt)", kind: kindIndex, at: "ca/index.txt", describes: true, args: func(d, b string) []string {
			return []string{"ca", "list", "--ca-dir", j(d, "ca")}
		}},
		{name: "crl gen --ca-dir (index.txt)", kind: kindIndex, at: "ca/index.txt", args: func(d, b string) []string {
			return []string{"crl", "gen", "--ca-dir", j(d, "ca"), "-o", j(d, "out/x.crl")}
		}},
		{name: "init (index.txt)", kind: kindIndex, at: "ca/index.txt", args: func(d, b string) []string {
			return []string{"init", "-D", j(d, "out/pgdata"), "--ca-dir", j(d, "ca"), "--clients-dir", j(d, "clients"), "--client", "bob", "--host", "db.example.com"}
		}},

		// Server configuration.
		{name: "check -D", kind: kindConf, at: "pgdata/postgresql.conf", describes: true, args: func(d, b string) []string {
			return []string{"check", "-D", j(d, "pgdata")}
		}},
		{name: "perms check -D", kind: kindConf, at: "pgdata/postgresql.conf", describes: true, args: func(d, b string) []string {
			return []string{"perms", "check", "-D", j(d, "pgdata")}
		}},
		{name: "perms fix -D", kind: kindConf, at: "pgdata/postgresql.conf", args: func(d, b string) []string {
			return []string{"perms", "fix", "-D", j(d, "pgdata")}
		}},
		{name: "init --configure", kind: kindConf, at: "pgdata/postgresql.conf", args: func(d, b string) []string {
			return []string{"init", "-D", j(d, "pgdata"), "--ca-dir", j(d, "ca"), "--clients-dir", j(d, "clients"), "--host", "db.example.com", "--force", "--configure"}
		}},
		{name: "check -D (pg_hba.conf)", kind: kindHBA, at: "pgdata/pg_hba.conf", describes: true, args: func(d, b string) []string {
			return []string{"check", "-D", j(d, "pgdata")}
		}},
		{name: "init --configure (pg_hba.conf)", kind: kindHBA, at: "pgdata/pg_hba.conf", args: func(d, b string) []string {
			return []string{"init", "-D", j(d, "pgdata"), "--ca-dir", j(d, "ca"), "--clients-dir", j(d, "clients"), "--host", "db.example.com", "--force", "--configure"}
		}},
	}
}

// hugeRuns lets two runs read a huge file at a time: each may hold 256 MiB.
var hugeRuns = make(chan struct{}, 2)

// TestBadInput feeds every file every command reads with the corpus of damaged and
// hostile files. Each run must exit 1 or 2 (a command that only describes may
// accept a well-formed file), print no Go crash, name the file, and write nothing.
func TestBadInput(t *testing.T) {
	w := world(t)
	corpora := map[kind][]badInput{}
	for _, k := range []kind{kindKey, kindCert, kindCSR, kindCRL, kindIndex, kindConf, kindHBA} {
		corpora[k] = corpus(t, w, k)
	}
	var runs atomic.Int64
	t.Run("slots", func(t *testing.T) { badInputSlots(t, w, corpora, &runs) })
	if t.Failed() {
		return
	}
	// The README's figures, as minimums: the corpus, the places it is fed to, the
	// commands they belong to, and the runs, each of which happened.
	files, want := 0, 0
	for _, in := range corpora {
		files += len(in)
	}
	commands := map[string]bool{}
	for _, s := range slots() {
		want += len(corpora[s.kind])
		commands[commandOf(s.args("/w", "/w/bad"))] = true
	}
	if got := runs.Load(); got != int64(want) {
		t.Errorf("%d runs, want one per slot and input: %d", got, want)
	}
	t.Logf("%d bad files of %d kinds fed to %d places of %d commands: %d runs", files, len(corpora), len(slots()), len(commands), want)
	if files < minBadFiles || len(corpora) < minBadKinds || len(slots()) < minBadSlots || len(commands) < minBadCommands || want < minBadRuns {
		t.Errorf("the README says at least %d files of %d kinds, %d places of %d commands, %d runs", minBadFiles, minBadKinds, minBadSlots, minBadCommands, minBadRuns)
	}
}

// The README's bad-input figures, which TestBadInput holds as minimums.
const (
	minBadFiles    = 90
	minBadKinds    = 7
	minBadSlots    = 44
	minBadCommands = 21
	minBadRuns     = 552
)

// commandOf returns the command of a pgcert command line: its words before the
// first flag or path.
func commandOf(args []string) string {
	var words []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") || strings.HasPrefix(a, "/") {
			break
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}

// badInputSlots runs every slot over its corpus, counting the runs in runs.
func badInputSlots(t *testing.T, w string, corpora map[kind][]badInput, runs *atomic.Int64) {
	for _, s := range slots() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			base := t.TempDir()
			for _, in := range corpora[s.kind] {
				// A fresh copy of the world for each input, under a name no
				// message holds by chance: a run that wrongly wrote must not
				// change what the next one meets, and a message that names the
				// bad file must name this one.
				d := filepath.Join(base, uniqueName(t))
				target := filepath.Join(d, "bad", uniqueName(t))
				if s.at != "" {
					target = filepath.Join(d, s.at)
				}
				if err := os.MkdirAll(filepath.Join(d, "bad"), 0o755); err != nil {
					t.Fatal(err)
				}
				copyTree(t, w, d)
				placeInput(t, target, in)
				before := snapshot(t, d)
				if in.size > 0 {
					hugeRuns <- struct{}{}
				}
				start := time.Now()
				r := pgcert(t, s.args(d, target)...)
				if in.size > 0 {
					<-hugeRuns
				}
				t.Logf("%s on %s: exit %d in %v", s.name, in.name, r.Code, time.Since(start).Round(time.Millisecond))
				corpusRuns.Add(1)
				runs.Add(1)
				wellFormed := in.wellFormed || s.anyKind && (in.name == "wrong-pem-type" || in.name == "over-the-limit")
				if lost := lostCopies(before, snapshot(t, d)); len(lost) > 0 {
					t.Errorf("%s: a run removed or changed the CA's certificate copies %q: %s", in.name, lost, r)
				}
				if in.valid {
					// Anything else but a crash (noCrash) is the command's business.
					continue
				}
				switch {
				case r.Code == 1 || r.Code == 2:
				case r.Code == 0 && s.describes && wellFormed:
				default:
					t.Errorf("%s: want exit 1 or 2: %s", in.name, r)
				}
				if len(r.Stderr) > maxStderr {
					t.Errorf("%s: %d bytes on stderr: an absurd field must not flood the terminal", in.name, len(r.Stderr))
				}
				if r.Code != 0 && !namesFile(r, target, in, s.args(d, target)) {
					t.Errorf("%s: the output does not name %s: %s", in.name, target, r)
				}
				after := snapshot(t, d)
				added, removed, changed := changes(before, after)
				added = withoutEmpty(added, after)
				if s.kind == kindIndex && len(changed) == 1 && changed[0] == "ca/index.txt" && tornLineCut(t, in, target) {
					// The repair of a last line cut short, as an interrupted
					// append leaves it.
					changed = nil
				}
				if len(added)+len(removed)+len(changed) > 0 {
					t.Errorf("%s: a run on bad input added %q, removed %q, changed %q: %s", in.name, added, removed, changed, r)
				}
				if err := os.RemoveAll(d); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// lostCopies lists the certificate copies of a CA (newcerts/) that were there before
// and are gone or changed after: whatever the input, the record of a certificate
// handed out is never lost.
func lostCopies(before, after tree) []string {
	var out []string
	for p, e := range before {
		if filepath.Base(filepath.Dir(p)) == "newcerts" && after[p] != e {
			out = append(out, p)
		}
	}
	return out
}

// namesFile reports whether a failed run's output names the file at fault: the bad
// file itself, by its path as the command was given it (or as it follows from the
// directory given: every path holds a unique random name) or, for a
// configuration file, the file of that directory the server would complain about.
// A well-formed file from elsewhere (another CA's certificate or CRL) is at fault
// only in relation to the others: naming any file given is enough.
func namesFile(r result, target string, in badInput, args []string) bool {
	out := r.Stdout + r.Stderr
	if strings.Contains(out, target) {
		return true
	}
	if strings.HasSuffix(target, ".conf") && strings.Contains(out, filepath.Dir(target)+"/") {
		return true
	}
	if in.wellFormed {
		for _, a := range args {
			if strings.HasPrefix(a, "/") && strings.Contains(out, a) {
				return true
			}
		}
	}
	return false
}

// maxStderr bounds what a failed run prints on stderr: an error and its hints, even
// about a certificate with a 100 KB subject.
const maxStderr = 16 << 10

// tornLineCut reports whether the index at path is in's data cut after its last
// newline: the one change a run may make to an index it reads.
func tornLineCut(t *testing.T, in badInput, path string) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || in.size > 0 {
		return false
	}
	i := bytes.LastIndexByte(in.data, '\n')
	return bytes.Equal(data, in.data[:i+1]) && len(in.data)-(i+1) < 200
}

// uniqueName returns a name no message could hold by chance (as "input" or "bad"
// can): 16 random letters and digits.
func uniqueName(t *testing.T) string {
	t.Helper()
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "qz" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// placeInput writes in at path: its data, or a sparse file of its size.
func placeInput(t *testing.T, path string, in badInput) {
	t.Helper()
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := os.WriteFile(path, in.data, mode); err != nil {
		t.Fatal(err)
	}
	if in.size > 0 {
		if err := os.Truncate(path, in.size); err != nil {
			t.Fatal(err)
		}
	}
}
