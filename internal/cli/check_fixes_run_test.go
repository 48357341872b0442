package cli

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testenv"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/keys"
)

// fixWorld is a data directory set up by init (or selfsign -D) in a world of its own,
// for one broken-data-directory case.
type fixWorld struct {
	*hintWorld
	base, pg, caDir string
}

// check runs check -D --json with --host for each of hosts.
func (w *fixWorld) check(hosts []string) *doctor.Report {
	w.t.Helper()
	args := []string{"check", "-D", w.pg, "--json"}
	for _, h := range hosts {
		args = append(args, "--host", h)
	}
	out, errOut, _ := w.run(args...)
	var rep doctor.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		w.t.Fatalf("check --json: %v\n%s%s", err, out, errOut)
	}
	return &rep
}

// reportProblems lists a report's errors and warnings, one a line, for messages.
func reportProblems(rep *doctor.Report) []string {
	var out []string
	for _, g := range rep.Files {
		for _, fd := range g.Findings {
			if fd.Level != doctor.LevelOK {
				out = append(out, g.Name+": "+string(fd.Level)+" "+fd.Check+": "+fd.Message+" (fix: "+fd.Fix+")")
			}
		}
	}
	return out
}

// otherKey writes a new ECDSA key, which no certificate of the data directory holds.
func otherKey(t *testing.T, path string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// shellFix is a fix that is a shell command other than pgcert's: keyperm's chmod and
// chown.
func shellFix(fix string) bool {
	return strings.HasPrefix(fix, "chmod ") || strings.HasPrefix(fix, "chown ")
}

// TestCheckFixesWork breaks data directories as admins do, and for each runs every
// fix check -D prints, as printed (pgcert commands in-process, chmod and chown in a
// shell), then checks that check -D finds nothing left and that no fix moved the data
// directory to another CA. A fix with a placeholder, or a sentence where a command
// could be known, fails.
func TestCheckFixesWork(t *testing.T) {
	cases := []struct {
		name string
		// selfsigned sets the data directory up with selfsign -D instead of init
		// from a CA with an intermediate.
		selfsigned bool
		days       string
		hosts      []string
		later      time.Duration
		root       bool
		// answers are what a person types at the fixes' prompts.
		answers []any
		// newCA is set when the fixes move the data directory to another CA on
		// purpose, saying so: the one now in its CA directory.
		newCA   bool
		breakIt func(t *testing.T, w *fixWorld)
		// want is a check that reports an error or warning once broken.
		want string
	}{
		{name: "root.crt of another CA", want: "ca-binding", breakIt: func(t *testing.T, w *fixWorld) {
			other := filepath.Join(w.base, "other")
			if _, errOut, code := w.run("ca", "init", "--ca-dir", other); code != 0 {
				t.Fatal(errOut)
			}
			copyFile(t, filepath.Join(other, ca.CertFile), filepath.Join(w.pg, "root.crt"))
		}},
		{name: "root.crt missing", want: "access", breakIt: func(t *testing.T, w *fixWorld) {
			os.Remove(filepath.Join(w.pg, "root.crt"))
		}},
		{name: "root.crt not PEM", want: "load", breakIt: func(t *testing.T, w *fixWorld) {
			testdatadir.Write(t, w.pg, "root.crt", []byte("garbage\n"), 0o644)
		}},
		{name: "root.crt holds the server certificate", want: "ca-only", breakIt: func(t *testing.T, w *fixWorld) {
			root, _ := os.ReadFile(filepath.Join(w.pg, "root.crt"))
			cert, _ := os.ReadFile(filepath.Join(w.pg, "server.crt"))
			testdatadir.Write(t, w.pg, "root.crt", append(root, cert...), 0o644)
		}},
		{name: "root.crt with its root twice", want: "duplicate", breakIt: func(t *testing.T, w *fixWorld) {
			root, _ := os.ReadFile(filepath.Join(w.pg, "root.crt"))
			testdatadir.Write(t, w.pg, "root.crt", append(root, root...), 0o644)
		}},
		{name: "server.key encrypted", want: "passphrase", answers: []any{"secret passphrase"}, breakIt: func(t *testing.T, w *fixWorld) {
			key, err := os.ReadFile(filepath.Join(w.pg, "server.key"))
			if err != nil {
				t.Fatal(err)
			}
			k, err := keys.Parse(key, nil)
			if err != nil {
				t.Fatal(err)
			}
			enc, err := keys.MarshalEncryptedPKCS8PEM(k.Signer, []byte("secret passphrase"), keys.EncryptOptions{Iterations: 1000})
			if err != nil {
				t.Fatal(err)
			}
			testdatadir.Write(t, w.pg, "server.key", enc, 0o600)
		}},
		{name: "root.crl missing", want: "access", breakIt: func(t *testing.T, w *fixWorld) {
			os.Remove(filepath.Join(w.pg, "root.crl"))
		}},
		{name: "root.crl expired", want: "crl-validity", later: 200 * 24 * time.Hour},
		{name: "root.crl expiring", want: "crl-validity", later: 170 * 24 * time.Hour},
		{name: "host not in the certificate", want: "host", hosts: []string{"db.example.com", "db2.example.com"}},
		{name: "server certificate expired", want: "validity", days: "40", later: 45 * 24 * time.Hour},
		{name: "server certificate expiring", want: "expiry", days: "60", later: 40 * 24 * time.Hour},
		{name: "server.key mode 0644", want: "permissions", breakIt: func(t *testing.T, w *fixWorld) {
			if err := os.Chmod(filepath.Join(w.pg, "server.key"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "server.key of another owner", want: "permissions", root: true, breakIt: func(t *testing.T, w *fixWorld) {
			if err := os.Chown(filepath.Join(w.pg, "server.key"), 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "server.key of no certificate", want: "match", breakIt: func(t *testing.T, w *fixWorld) {
			otherKey(t, filepath.Join(w.pg, "server.key"))
		}},
		{name: "server.crt without its intermediate", want: "chain", breakIt: func(t *testing.T, w *fixWorld) {
			data, _ := os.ReadFile(filepath.Join(w.pg, "server.crt"))
			block, _ := pem.Decode(data)
			testdatadir.Write(t, w.pg, "server.crt", pem.EncodeToMemory(block), 0o644)
		}},
		{name: "server.crt with the intermediate first", want: "order", breakIt: func(t *testing.T, w *fixWorld) {
			data, _ := os.ReadFile(filepath.Join(w.pg, "server.crt"))
			leaf, rest := pem.Decode(data)
			inter, rest := pem.Decode(rest)
			testdatadir.Write(t, w.pg, "server.crt", append(append(pem.EncodeToMemory(inter), pem.EncodeToMemory(leaf)...), rest...), 0o644)
		}},
		{name: "SSL files of another CA", want: "ca-binding", breakIt: func(t *testing.T, w *fixWorld) {
			other, otherPG := filepath.Join(w.base, "other"), filepath.Join(w.base, "other pg")
			for name, data := range map[string]string{"PG_VERSION": "15\n", "global/pg_control": "", "postgresql.conf": "", "pg_hba.conf": ""} {
				testdatadir.Write(t, otherPG, name, []byte(data), 0o600)
			}
			if _, errOut, code := w.run("init", "-D", otherPG, "--ca-dir", other, "--host", "db.example.com"); code != 0 {
				t.Fatal(errOut)
			}
			for _, name := range []string{"server.crt", "server.key", "root.crt", "root.crl"} {
				copyFile(t, filepath.Join(otherPG, name), filepath.Join(w.pg, name))
			}
			os.Chmod(filepath.Join(w.pg, "server.key"), 0o600)
		}},
		{name: "CA directory made again", want: "ca-binding", newCA: true, breakIt: func(t *testing.T, w *fixWorld) {
			if err := os.Rename(w.caDir, w.caDir+".old"); err != nil {
				t.Fatal(err)
			}
			if _, errOut, code := w.run("ca", "init", "--ca-dir", w.caDir); code != 0 {
				t.Fatal(errOut)
			}
			copyFile(t, filepath.Join(w.caDir+".old", ca.DataDirsFile), filepath.Join(w.caDir, ca.DataDirsFile))
		}},
		{name: "server certificate without subjectAltName", want: "san", breakIt: func(t *testing.T, w *fixWorld) {
			caSigned(t, w, &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		}},
		{name: "server certificate for clients", want: "purpose", breakIt: func(t *testing.T, w *fixWorld) {
			caSigned(t, w, &x509.Certificate{DNSNames: []string{"db.example.com"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
		}},
		{name: "self-signed, host not in it", selfsigned: true, want: "host", hosts: []string{"db.example.com", "db2.example.com"}},
		{name: "self-signed, expired", selfsigned: true, want: "validity", days: "40", later: 45 * 24 * time.Hour},
		{name: "self-signed, server.key of no certificate", selfsigned: true, want: "match", breakIt: func(t *testing.T, w *fixWorld) {
			otherKey(t, filepath.Join(w.pg, "server.key"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root {
				testenv.RequireRoot(t, "the key is given to another user")
			}
			base := t.TempDir()
			w := &fixWorld{
				hintWorld: &hintWorld{t: t, home: filepath.Join(base, "home"), now: time.Now().UTC().Truncate(time.Second)},
				base:      base, pg: filepath.Join(base, "pg data"), caDir: filepath.Join(base, "ca"),
			}
			conf := "listen_addresses = '*'\n"
			if tc.selfsigned {
				conf += "ssl = on\n"
			}
			for name, data := range map[string]string{
				"PG_VERSION": "15\n", "global/pg_control": "", "postgresql.conf": conf, "pg_hba.conf": "local all all trust\n",
			} {
				testdatadir.Write(t, w.pg, name, []byte(data), 0o600)
			}
			setup := []string{"init", "-D", w.pg, "--ca-dir", w.caDir, "--intermediate", "--host", "db.example.com", "--configure"}
			if tc.selfsigned {
				setup = []string{"selfsign", "-D", w.pg, "--host", "db.example.com"}
			}
			if tc.days != "" {
				setup = append(setup, "--days", tc.days)
			}
			if _, errOut, code := w.run(setup...); code != 0 {
				t.Fatalf("%q: exit %d\n%s", setup, code, errOut)
			}
			if p := reportProblems(w.check(nil)); len(p) > 0 {
				t.Fatalf("check finds problems before the data directory is broken:\n%s", strings.Join(p, "\n"))
			}
			var want string
			if !tc.selfsigned && !tc.newCA {
				want = boundCerts(t, w.pg)
			}
			if tc.breakIt != nil {
				tc.breakIt(t, w)
			}
			w.now = w.now.Add(tc.later)

			rep := w.check(tc.hosts)
			w.answers = tc.answers
			found := false
			var fixes []string
			for _, g := range rep.Files {
				for _, fd := range g.Findings {
					if fd.Level == doctor.LevelOK {
						continue
					}
					found = found || fd.Check == tc.want
					if fd.Fix != "" && !slices.Contains(fixes, fd.Fix) {
						fixes = append(fixes, fd.Fix)
					}
				}
			}
			if !found {
				t.Fatalf("check reports no %s problem:\n%s", tc.want, strings.Join(reportProblems(rep), "\n"))
			}
			for _, fix := range fixes {
				if p := placeholder.FindString(fix); p != "" {
					t.Errorf("the fix %q holds the placeholder %s", fix, p)
				}
				if strings.Contains(fix, "--new-ca") && !strings.Contains(fix, "stop verifying the server") {
					t.Errorf("the fix %q replaces the data directory's CA without saying what that breaks", fix)
				}
				var out, errOut string
				var code int
				var cmds []string
				if loc := hintCommand.FindAllStringIndex(fix, -1); loc != nil {
					cmds = append(cmds, fix[loc[len(loc)-1][0]:])
				}
				switch {
				case shellFix(fix):
					b, err := exec.Command("sh", "-c", fix).CombinedOutput()
					out, code = string(b), 0
					if err != nil {
						code = 1
					}
				case len(cmds) == 0 && strings.Contains(fix, "pgcert "):
					t.Errorf("the fix %q names pgcert but is not a command", fix)
					continue
				case len(cmds) == 0:
					t.Errorf("the fix %q is a sentence: this data directory's command is known", fix)
					continue
				default:
					out, errOut, code = w.pasted(cmds[0])
				}
				if code != 0 {
					t.Errorf("the fix %q: exit %d\n%s%s", fix, code, out, errOut)
				}
				if want != "" {
					if rec, err := ca.ReadDataDirRecord(w.pg); err != nil || !strings.HasPrefix(want, rec.CADir+" "+rec.CASHA256+" ") {
						t.Fatalf("the fix %q moved the data directory to another CA (%v)", fix, err)
					}
				}
			}
			if p := reportProblems(w.check(tc.hosts)); len(p) > 0 {
				t.Errorf("after the fixes %q check still finds:\n%s", fixes, strings.Join(p, "\n"))
			}
			if want != "" && boundCerts(t, w.pg) != want {
				t.Errorf("after the fixes %q the data directory's root.crt or record is not its CA's", fixes)
			}
			if tc.newCA {
				c, err := ca.ForDataDir(w.pg)
				if err != nil || c.Dir != w.caDir {
					t.Errorf("after the fixes %q the data directory is not bound to the CA now in %s: %v", fixes, w.caDir, err)
				}
				for _, fix := range fixes {
					if strings.Contains(fix, "--new-ca") && !strings.Contains(fix, "move the data directory to the CA now in") {
						t.Errorf("the fix %q replaces the CA without saying so", fix)
					}
				}
			}
		})
	}
}

// boundCerts is the data directory's CA as its record says, and the certificates of
// its root.crt: what no fix may change but to put back.
func boundCerts(t *testing.T, dataDir string) string {
	t.Helper()
	rec, err := ca.ReadDataDirRecord(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dataDir, "root.crt"))
	if err != nil {
		t.Fatal(err)
	}
	s := rec.CADir + " " + rec.CASHA256
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		s += " " + string(pem.EncodeToMemory(block))
	}
	return s
}

// caSigned replaces server.crt's leaf with tpl for server.key and CN db.example.com,
// signed by the data directory's CA as pgcert never would.
func caSigned(t *testing.T, w *fixWorld, tpl *x509.Certificate) {
	t.Helper()
	c, err := ca.Open(w.caDir)
	if err != nil {
		t.Fatal(err)
	}
	caKeyPEM, err := os.ReadFile(filepath.Join(w.caDir, ca.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	caKey, err := keys.Parse(caKeyPEM, nil)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(w.pg, "server.key"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := keys.Parse(keyPEM, nil)
	if err != nil {
		t.Fatal(err)
	}
	tpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	tpl.Subject = pkix.Name{CommonName: "db.example.com"}
	tpl.NotBefore, tpl.NotAfter = w.now.Add(-time.Hour), w.now.AddDate(1, 0, 0)
	tpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tpl, c.Cert, key.Signer.Public(), caKey.Signer)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	testdatadir.Write(t, w.pg, "server.crt", ca.PEM(append([]*x509.Certificate{leaf}, c.Intermediates()...)...), 0o644)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRenewHintsWork runs, as printed, the hints of renew's refusals that the hint
// test of check's CRL findings does not reach, and checks that each does what it
// says.
func TestRenewHintsWork(t *testing.T) {
	newWorld := func(t *testing.T, setup ...string) *fixWorld {
		base := t.TempDir()
		w := &fixWorld{
			hintWorld: &hintWorld{t: t, home: filepath.Join(base, "home"), now: time.Now().UTC().Truncate(time.Second)},
			base:      base, pg: filepath.Join(base, "pg data"), caDir: filepath.Join(base, "ca"),
		}
		for name, data := range map[string]string{
			"PG_VERSION": "15\n", "global/pg_control": "", "postgresql.conf": "ssl = on\n", "pg_hba.conf": "local all all trust\n",
		} {
			testdatadir.Write(t, w.pg, name, []byte(data), 0o600)
		}
		args := append([]string{setup[0], "-D", w.pg}, setup[1:]...)
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, "CADIR", w.caDir)
		}
		if _, errOut, code := w.run(args...); code != 0 {
			t.Fatalf("%q: exit %d\n%s", args, code, errOut)
		}
		return w
	}
	t.Run("a key of no certificate", func(t *testing.T) {
		w := newWorld(t, "init", "--ca-dir", "CADIR", "--host", "db.example.com", "--configure")
		otherKey(t, filepath.Join(w.pg, "server.key"))
		_, errOut, code := w.run("renew", "-D", w.pg, "--force")
		cmds := hintCommands(t, errOut, "")
		if code != 1 || len(cmds) != 1 {
			t.Fatalf("renew: exit %d, hints %q\n%s", code, cmds, errOut)
		}
		// The hint says which certificate the key belongs to, and the fix.
		out, _, code := w.pasted(cmds[0])
		if code != 1 || !strings.Contains(out, "key values mismatch") || !strings.Contains(out, "pgcert init -D") {
			t.Fatalf("%q: exit %d\n%s", cmds[0], code, out)
		}
		rep := w.check(nil)
		for _, g := range rep.Files {
			for _, fd := range g.Findings {
				if fd.Check == "match" && fd.Level == doctor.LevelError {
					if _, errOut, code := w.pasted(fd.Fix[strings.Index(fd.Fix, "pgcert "):]); code != 0 {
						t.Fatalf("%q: exit %d\n%s", fd.Fix, code, errOut)
					}
				}
			}
		}
		if _, errOut, code := w.run("renew", "-D", w.pg, "--force"); code != 0 {
			t.Errorf("renew after the fix: exit %d\n%s", code, errOut)
		}
	})
	t.Run("the rollback renew prints", func(t *testing.T) {
		w := newWorld(t, "init", "--ca-dir", "CADIR", "--host", "db.example.com", "--configure")
		before, err := os.ReadFile(filepath.Join(w.pg, "server.crt"))
		if err != nil {
			t.Fatal(err)
		}
		out, errOut, code := w.run("renew", "-D", w.pg, "--force")
		if code != 0 {
			t.Fatalf("renew: exit %d\n%s", code, errOut)
		}
		i := strings.Index(out, "to put them back: ")
		if i < 0 {
			t.Fatalf("renew printed no rollback command:\n%s", out)
		}
		line, _, _ := strings.Cut(out[i+len("to put them back: "):], "\n")
		if _, errOut, code := w.pasted(line); code != 0 {
			t.Fatalf("%q: exit %d\n%s", line, code, errOut)
		}
		after, err := os.ReadFile(filepath.Join(w.pg, "server.crt"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Fatalf("%q did not put the previous server.crt back", line)
		}
	})
	t.Run("ca renew client --revoke-old", func(t *testing.T) {
		w := newWorld(t, "init", "--ca-dir", "CADIR", "--host", "db.example.com", "--client", "alice", "--configure")
		out, errOut, code := w.run("ca", "renew", "client", "--ca-dir", w.caDir, "--user", "alice", "--revoke-old")
		cmds := hintCommands(t, errOut, "")
		if code != 0 || len(cmds) != 1 || strings.Contains(out+errOut, "PGDATA") {
			t.Fatalf("ca renew client: exit %d, hints %q\n%s%s", code, cmds, out, errOut)
		}
		if _, errOut, code := w.pasted(cmds[0]); code != 0 {
			t.Fatalf("%q: exit %d\n%s", cmds[0], code, errOut)
		}
		out, _, _ = w.run("crl", "show", filepath.Join(w.pg, "root.crl"))
		if !regexp.MustCompile(`revoked: +1 certificate`).MatchString(out) {
			t.Errorf("after %q root.crl lists no revocation:\n%s", cmds[0], out)
		}
	})
	t.Run("a self-signed certificate with --ca-dir", func(t *testing.T) {
		w := newWorld(t, "selfsign", "--host", "db.example.com")
		if _, errOut, code := w.run("ca", "init", "--ca-dir", w.caDir); code != 0 {
			t.Fatal(errOut)
		}
		_, errOut, code := w.run("renew", "-D", w.pg, "--ca-dir", w.caDir, "--force")
		var cmds []string
		for _, c := range hintCommands(t, errOut, "") {
			if strings.HasPrefix(c, "pgcert selfsign") {
				cmds = append(cmds, c)
			}
		}
		if code != 1 || len(cmds) != 1 {
			t.Fatalf("renew: exit %d, hints %q\n%s", code, cmds, errOut)
		}
		before, _ := os.ReadFile(filepath.Join(w.pg, "server.crt"))
		if _, errOut, code := w.pasted(cmds[0]); code != 0 {
			t.Fatalf("%q: exit %d\n%s", cmds[0], code, errOut)
		}
		after, _ := os.ReadFile(filepath.Join(w.pg, "server.crt"))
		block, _ := pem.Decode(after)
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil || string(before) == string(after) || cert.Issuer.String() != cert.Subject.String() || !slices.Contains(cert.DNSNames, "db.example.com") {
			t.Errorf("%q did not renew the self-signed certificate for db.example.com: %v", cmds[0], err)
		}
		if _, err := ca.ReadDataDirRecord(w.pg); !errors.As(err, new(*ca.NotBoundError)) {
			t.Errorf("%q bound the data directory to a CA: %v", cmds[0], err)
		}
	})
}
