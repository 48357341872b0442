package doctor

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/testdatadir"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"golang.org/x/sys/unix"
)

// opt changes the options a test checks with.
type opt func(*Options)

func hosts(names ...string) opt { return func(o *Options) { o.Hosts = names } }

func warnDays(n int) opt { return func(o *Options) { o.WarnDays = n } }

func strict(o *Options) { o.Strict = true }

func withPassphrase(p string) opt {
	return func(o *Options) { o.Passphrase = func() ([]byte, error) { return []byte(p), nil } }
}

// check reads the data directory dir as pgcert check does and checks it at
// testpki.Now with the default warning window.
func check(t *testing.T, dir string, opts ...opt) *Report {
	t.Helper()
	s, err := pgdata.ReadSetup(dir, keyperm.SystemLookup{})
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Now: testpki.Now, WarnDays: DefaultWarnDays}
	for _, f := range opts {
		f(&o)
	}
	return Check(s, o)
}

// problems lists the report's warnings and errors as "group/check level".
func problems(r *Report) []string {
	var out []string
	for _, g := range r.Files {
		key := g.Setting
		if key == "" {
			key = g.Name
		}
		for _, fd := range g.Findings {
			if fd.Level != LevelOK {
				out = append(out, key+"/"+fd.Check+" "+string(fd.Level))
			}
		}
	}
	return out
}

// finding returns the only finding of group and check at level, failing otherwise.
func finding(t *testing.T, r *Report, group, check string, level Level) Finding {
	t.Helper()
	var found []Finding
	for _, g := range r.Files {
		if g.Setting != group && g.Name != group {
			continue
		}
		for _, fd := range g.Findings {
			if fd.Check == check && fd.Level == level {
				found = append(found, fd)
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s %s/%s, got %d; problems %v", level, group, check, len(found), problems(r))
	}
	return found[0]
}

// wantProblems checks the report's problems, and that it fails (OK unset) exactly
// when fails is set.
func wantProblems(t *testing.T, r *Report, fails bool, want ...string) {
	t.Helper()
	got := problems(r)
	if r.OK == fails || strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("ok %v, problems %v; want fails %v, %v", r.OK, got, fails, want)
	}
}

func TestCleanSetup(t *testing.T) {
	p := testdatadir.NewPKI(t)
	dir := testdatadir.New(t, p, nil)
	rep := check(t, dir, hosts("db.example.com", "10.0.0.5"))
	wantProblems(t, rep, false)
	if rep.Version != "15" || rep.VersionAssumed || rep.DataDirectory != dir || rep.WarnDays != DefaultWarnDays ||
		!rep.CheckedAt.Equal(testpki.Now) || len(rep.Hosts) != 2 || rep.DatabaseUser == "" {
		t.Errorf("report %+v", rep)
	}
	var names []string
	for _, g := range rep.Files {
		names = append(names, g.Name)
	}
	if strings.Join(names, " ") != "postgresql.conf server.crt server.key pg_hba.conf" {
		t.Errorf("groups %v", names)
	}
	crt := rep.Files[1]
	if len(crt.Certificates) != 2 || crt.Certificates[0].Subject != "CN=db.example.com" || crt.Certificates[0].DaysLeft != 365 || crt.Setting != "ssl_cert_file" {
		t.Errorf("server.crt group %+v", crt)
	}
	var hostFindings []Finding
	for _, fd := range crt.Findings {
		if fd.Check == "host" {
			hostFindings = append(hostFindings, fd)
		}
	}
	if len(hostFindings) != 2 || !strings.Contains(hostFindings[0].Message, "db.example.com") || !strings.Contains(hostFindings[1].Message, "10.0.0.5") {
		t.Errorf("host findings %+v", hostFindings)
	}
}

func TestOrderAndKey(t *testing.T) {
	p := testdatadir.NewPKI(t)
	dir := testdatadir.New(t, p, nil)
	testdatadir.Write(t, dir, "server.crt", testpki.Bundle(p.Inter, p.Server), 0o644)
	rep := check(t, dir)
	wantProblems(t, rep, true, "ssl_cert_file/order error", "ssl_key_file/match error")
	match := finding(t, rep, "ssl_key_file", "match", LevelError)
	if match.Message != `could not load private key file "server.key": key values mismatch` || match.Source != SourceServer ||
		!strings.Contains(match.Detail, "certificate 2 of server.crt") || !strings.Contains(match.Fix, "pgcert chain --key") {
		t.Errorf("match finding %+v", match)
	}

	other := testpki.Root(t, "other")
	testdatadir.Write(t, dir, "server.crt", testpki.Bundle(p.Server, p.Inter), 0o644)
	testdatadir.Write(t, dir, "server.key", other.KeyPEM(t), 0o600)
	rep = check(t, dir)
	wantProblems(t, rep, true, "ssl_key_file/match error")
	if fd := finding(t, rep, "ssl_key_file", "match", LevelError); !strings.Contains(fd.Detail, "none of the certificates") {
		t.Errorf("match finding %+v", fd)
	}

	// Intermediates out of order after the leaf, an unrelated certificate, a duplicate.
	second := p.Inter.Intermediate(t, "check second intermediate")
	leaf := second.Server(t, "db.example.com")
	testdatadir.Write(t, dir, "server.crt", testpki.Bundle(leaf, p.Inter, second, other, p.Inter), 0o644)
	testdatadir.Write(t, dir, "server.key", leaf.KeyPEM(t), 0o600)
	rep = check(t, dir)
	wantProblems(t, rep, false, "ssl_cert_file/order warning", "ssl_cert_file/order warning", "ssl_cert_file/order warning")
}

func TestKeyFormats(t *testing.T) {
	p := testdatadir.NewPKI(t)
	dir := testdatadir.New(t, p, nil)
	der, err := keys.MarshalPKCS8DER(p.Server.Key)
	if err != nil {
		t.Fatal(err)
	}
	testdatadir.Write(t, dir, "server.key", der, 0o600)
	rep := check(t, dir)
	wantProblems(t, rep, true, "ssl_key_file/load error")
	if fd := finding(t, rep, "ssl_key_file", "load", LevelError); fd.Message != `could not load private key file "server.key": unsupported` || !strings.Contains(fd.Fix, "pgcert key strip") {
		t.Errorf("DER key: %+v", fd)
	}

	testdatadir.Write(t, dir, "server.key", []byte("not a key\n"), 0o600)
	rep = check(t, dir)
	wantProblems(t, rep, true, "ssl_key_file/load error")

	enc, err := keys.MarshalEncryptedPKCS8PEM(p.Server.Key, []byte("sesame"), keys.EncryptOptions{Iterations: 1000})
	if err != nil {
		t.Fatal(err)
	}
	testdatadir.Write(t, dir, "server.key", enc, 0o600)
	rep = check(t, dir)
	wantProblems(t, rep, true, "ssl_key_file/passphrase error")
	if fd := finding(t, rep, "ssl_key_file", "passphrase", LevelError); fd.Message != `could not load private key file "server.key": processing error` {
		t.Errorf("encrypted key: %+v", fd)
	}

	conf := filepath.Join(dir, "postgresql.conf")
	data, _ := os.ReadFile(conf)
	testdatadir.Write(t, dir, "postgresql.conf", append(data, "ssl_passphrase_command = 'echo sesame'\n"...), 0o600)
	rep = check(t, dir)
	wantProblems(t, rep, false, "ssl_key_file/passphrase warning")
	if fd := finding(t, rep, "ssl_key_file", "match", LevelOK); !strings.Contains(fd.Message, "--passin") {
		t.Errorf("unmatched encrypted key: %+v", fd)
	}
	rep = check(t, dir, withPassphrase("sesame"))
	wantProblems(t, rep, false, "ssl_key_file/passphrase warning")
	finding(t, rep, "ssl_key_file", "match", LevelOK)
	rep = check(t, dir, withPassphrase("wrong"))
	wantProblems(t, rep, true, "ssl_key_file/passphrase warning", "ssl_key_file/passphrase error")
	rep = check(t, dir, strict)
	wantProblems(t, rep, true, "ssl_key_file/passphrase warning")
	if rep.OK || !rep.Strict {
		t.Errorf("--strict with a warning: ok %v", rep.OK)
	}

	testdatadir.Write(t, dir, "server.key", p.Server.KeyPEM(t), 0o644)
	rep = check(t, dir)
	wantProblems(t, rep, true, "ssl_key_file/permissions error")
	fd := finding(t, rep, "ssl_key_file", "permissions", LevelError)
	if fd.Message != `private key file "server.key" has group or world access` || !strings.HasPrefix(fd.Detail, "File must have permissions") || fd.Fix != "chmod 0600 "+filepath.Join(dir, "server.key") {
		t.Errorf("key 0644: %+v", fd)
	}
}

func TestCertificates(t *testing.T) {
	p := testdatadir.NewPKI(t)
	for _, tc := range []struct {
		name  string
		leaf  *testpki.Cert
		opts  []opt
		fails bool
		want  []string
		check func(t *testing.T, r *Report)
	}{
		{name: "expires within the warning", leaf: testpki.Make(t, testpki.Template{CN: "db.example.com", DNS: []string{"db.example.com"}, NotAfter: testpki.Now.Add(10 * 24 * time.Hour)}, p.Inter),
			want: []string{"ssl_cert_file/expiry warning"}},
		{name: "expires after --warn-days", leaf: testpki.Make(t, testpki.Template{CN: "db.example.com", DNS: []string{"db.example.com"}, NotAfter: testpki.Now.Add(10 * 24 * time.Hour)}, p.Inter),
			opts: []opt{warnDays(5)}},
		{name: "expired", leaf: testpki.Make(t, testpki.Template{CN: "db.example.com", DNS: []string{"db.example.com"}, NotBefore: testpki.Now.Add(-48 * time.Hour), NotAfter: testpki.Now.Add(-24 * time.Hour)}, p.Inter),
			fails: true, want: []string{"ssl_cert_file/validity error"},
			check: func(t *testing.T, r *Report) {
				fd := finding(t, r, "ssl_cert_file", "validity", LevelError)
				if fd.Message != "the server certificate CN=db.example.com expired on "+testpki.Date(-24*time.Hour)+" (1 day ago)" || !strings.HasSuffix(fd.Detail, "certificate has expired") {
					t.Errorf("%+v", fd)
				}
			}},
		{name: "no SAN", leaf: testpki.Make(t, testpki.Template{CN: "db.example.com"}, p.Inter),
			opts: []opt{hosts("db.example.com")}, want: []string{"ssl_cert_file/san warning"}},
		{name: "client certificate as server certificate", leaf: p.Inter.Client(t, "db.example.com"),
			fails: true, want: []string{"ssl_cert_file/purpose error", "ssl_cert_file/san warning"}},
		{name: "broken signature", leaf: p.Server.BrokenSignature(t),
			fails: true, want: []string{"ssl_cert_file/chain error"},
			check: func(t *testing.T, r *Report) {
				fd := finding(t, r, "ssl_cert_file", "chain", LevelError)
				if !strings.Contains(fd.Message, "does not verify with the key of CN=check intermediate") || !strings.HasSuffix(fd.Detail, "certificate signature failure") {
					t.Errorf("%+v", fd)
				}
			}},
		{name: "wrong host", leaf: p.Server, opts: []opt{hosts("other.example.com", "10.0.0.5")},
			fails: true, want: []string{"ssl_cert_file/host error"},
			check: func(t *testing.T, r *Report) {
				fd := finding(t, r, "ssl_cert_file", "host", LevelError)
				if fd.Source != SourceLibpq || fd.Message != `server certificate for "db.example.com" (and 1 other name) does not match host name "other.example.com"` {
					t.Errorf("%+v", fd)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testdatadir.New(t, p, nil)
			testdatadir.Write(t, dir, "server.crt", testpki.Bundle(tc.leaf, p.Inter), 0o644)
			testdatadir.Write(t, dir, "server.key", tc.leaf.KeyPEM(t), 0o600)
			rep := check(t, dir, tc.opts...)
			wantProblems(t, rep, tc.fails, tc.want...)
			if tc.check != nil {
				tc.check(t, rep)
			}
		})
	}
}

func TestServerVerifiesAgainstCAFile(t *testing.T) {
	p := testdatadir.NewPKI(t)
	dir := testdatadir.New(t, p, []string{"ssl_ca_file = 'root.crt'"})
	testdatadir.Write(t, dir, "root.crt", p.Root.PEM(), 0o644)
	rep := check(t, dir)
	wantProblems(t, rep, false)
	if fd := finding(t, rep, "ssl_cert_file", "verify", LevelOK); !strings.Contains(fd.Message, "CN=check root (from root.crt)") {
		t.Errorf("%+v", fd)
	}
	finding(t, rep, "ssl_ca_file", "client-certificates", LevelOK)

	// A server.crt without its intermediate, which only ssl_ca_file holds.
	testdatadir.Write(t, dir, "server.crt", p.Server.PEM(), 0o644)
	testdatadir.Write(t, dir, "root.crt", testpki.Bundle(p.Root, p.Inter), 0o644)
	rep = check(t, dir)
	wantProblems(t, rep, false, "ssl_cert_file/chain warning")
}

func TestVerifyFailure(t *testing.T) {
	p := testdatadir.NewPKI(t)
	critical := pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{5, 0}}
	leaf := testpki.Make(t, testpki.Template{CN: "db.example.com", DNS: []string{"db.example.com"}, ExtraExtensions: []pkix.Extension{critical}}, p.Inter)
	dir := testdatadir.New(t, p, []string{"ssl_ca_file = 'root.crt'"})
	testdatadir.Write(t, dir, "root.crt", p.Root.PEM(), 0o644)
	testdatadir.Write(t, dir, "server.crt", testpki.Bundle(leaf, p.Inter), 0o644)
	testdatadir.Write(t, dir, "server.key", leaf.KeyPEM(t), 0o600)
	rep := check(t, dir)
	wantProblems(t, rep, true, "ssl_cert_file/verify error")
	fd := finding(t, rep, "ssl_cert_file", "verify", LevelError)
	if fd.Message != "a client trusting CN=check root refuses the server: unhandled critical extension" || !strings.Contains(fd.Detail, "certificate verify failed") {
		t.Errorf("%+v", fd)
	}
}

func TestCAFile(t *testing.T) {
	p := testdatadir.NewPKI(t)
	for _, tc := range []struct {
		name  string
		data  []byte
		fails bool
		want  []string
	}{
		{"leaf in ssl_ca_file", testpki.Bundle(p.Root, p.Server), true, []string{"ssl_ca_file/ca-only error"}},
		{"intermediate without its root", p.Inter.PEM(), true, []string{"ssl_ca_file/root error"}},
		{"garbage", []byte("nothing\n"), true, []string{"ssl_ca_file/load error"}},
		{"expired root", testpki.Make(t, testpki.Template{CN: "old root", IsCA: true, MaxPath: -1, NotBefore: testpki.Now.Add(-48 * time.Hour), NotAfter: testpki.Now.Add(-time.Hour)}, nil).PEM(),
			true, []string{"ssl_ca_file/validity error"}},
		{"duplicate", testpki.Bundle(p.Root, p.Root), false, []string{"ssl_ca_file/duplicate warning"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testdatadir.New(t, p, []string{"ssl_ca_file = 'root.crt'"})
			testdatadir.Write(t, dir, "root.crt", tc.data, 0o644)
			rep := check(t, dir)
			// server.crt verifies against a CA file only when it holds the root.
			var got []string
			for _, pr := range problems(rep) {
				if !strings.HasPrefix(pr, "ssl_cert_file/") {
					got = append(got, pr)
				}
			}
			if rep.OK == tc.fails || strings.Join(got, ", ") != strings.Join(tc.want, ", ") {
				t.Fatalf("ok %v, problems %v; want fails %v, %v", rep.OK, problems(rep), tc.fails, tc.want)
			}
		})
	}
	dir := testdatadir.New(t, p, []string{"ssl_ca_file = 'nothere.crt'"})
	rep := check(t, dir)
	wantProblems(t, rep, true, "ssl_ca_file/access error")
	if fd := finding(t, rep, "ssl_ca_file", "access", LevelError); fd.Message != `could not load root certificate file "nothere.crt": No such file or directory` {
		t.Errorf("%+v", fd)
	}
}

func TestCRLs(t *testing.T) {
	p := testdatadir.NewPKI(t)
	now := testpki.Now
	good := func(ca *testpki.Cert) []byte { return ca.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(90*24*time.Hour)) }
	stranger := testpki.Root(t, "check root")
	for _, tc := range []struct {
		name     string
		crls     []byte
		ca       bool
		fails    bool
		want     []string
		rootOnly bool
	}{
		{"every CA", append(good(p.Root), good(p.Inter)...), true, false, nil, false},
		// pgcert init --intermediate: root.crt holds the root, the intermediate that
		// signed the server's and the clients' certificates is in server.crt.
		{"intermediate only in server.crt", append(good(p.Root), good(p.Inter)...), true, false, nil, true},
		{"root missing", good(p.Inter), true, true, []string{"ssl_crl_file/crl-missing error"}, false},
		{"expired", append(good(p.Root), p.Inter.CRLPEM(t, 1, now.Add(-48*time.Hour), now.Add(-time.Hour))...), true, true, []string{"ssl_crl_file/crl-validity error"}, false},
		{"expires soon", append(good(p.Root), p.Inter.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(24*time.Hour))...), true, false, []string{"ssl_crl_file/crl-validity warning"}, false},
		{"not yet valid", append(good(p.Root), p.Inter.CRLPEM(t, 1, now.Add(time.Hour), now.Add(48*time.Hour))...), true, true, []string{"ssl_crl_file/crl-validity error"}, false},
		{"signed by another key", append(good(p.Inter), stranger.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(90*24*time.Hour))...), true, true,
			[]string{"ssl_crl_file/crl-signature error", "ssl_crl_file/crl-missing error"}, false},
		{"no ssl_ca_file", good(p.Root), false, false, []string{"ssl_crl_file/crl-unused warning"}, false},
		{"garbage", []byte("nothing"), true, true, []string{"ssl_crl_file/load error", "ssl_crl_file/crl-missing error", "ssl_crl_file/crl-missing error"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf := []string{"ssl_crl_file = 'root.crl'"}
			if tc.ca {
				conf = append(conf, "ssl_ca_file = 'root.crt'")
			}
			dir := testdatadir.New(t, p, conf)
			if tc.rootOnly {
				testdatadir.Write(t, dir, "root.crt", testpki.Bundle(p.Root), 0o644)
			} else {
				testdatadir.Write(t, dir, "root.crt", testpki.Bundle(p.Root, p.Inter), 0o644)
			}
			testdatadir.Write(t, dir, "root.crl", tc.crls, 0o644)
			rep := check(t, dir)
			wantProblems(t, rep, tc.fails, tc.want...)
		})
	}
}

func TestCRLDir(t *testing.T) {
	p := testdatadir.NewPKI(t)
	now := testpki.Now
	rootCRL := p.Root.CRL(t, 1, now.Add(-time.Hour), now.Add(90*24*time.Hour))
	interCRL := p.Inter.CRL(t, 1, now.Add(-time.Hour), now.Add(90*24*time.Hour))
	name := func(der []byte, n int) string {
		c, err := x509.ParseRevocationList(der)
		if err != nil {
			t.Fatal(err)
		}
		h, err := crl.NameHash(c.RawIssuer)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%08x.r%d", h, n)
	}
	pemOf := func(der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}) }
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		fails bool
		want  []string
	}{
		{"hashed", map[string][]byte{name(rootCRL, 0): pemOf(rootCRL), name(interCRL, 0): pemOf(interCRL)}, false, nil},
		{"one missing, one not hashed", map[string][]byte{name(rootCRL, 0): pemOf(rootCRL), "inter.crl": pemOf(interCRL)}, true,
			[]string{"ssl_crl_dir/crl-name warning", "ssl_crl_dir/crl-missing error"}},
		{"gap", map[string][]byte{name(rootCRL, 0): pemOf(rootCRL), name(interCRL, 1): pemOf(interCRL)}, true,
			[]string{"ssl_crl_dir/crl-name warning", "ssl_crl_dir/crl-missing error"}},
		{"misnamed", map[string][]byte{name(rootCRL, 0): pemOf(interCRL), name(interCRL, 0): pemOf(rootCRL)}, true,
			[]string{"ssl_crl_dir/crl-name error", "ssl_crl_dir/crl-name error", "ssl_crl_dir/crl-missing error", "ssl_crl_dir/crl-missing error"}},
		{"DER", map[string][]byte{name(rootCRL, 0): rootCRL, name(interCRL, 0): pemOf(interCRL)}, true,
			[]string{"ssl_crl_dir/load error", "ssl_crl_dir/crl-missing error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testdatadir.New(t, p, []string{"ssl_ca_file = 'root.crt'", "ssl_crl_dir = 'crls'"})
			testdatadir.Write(t, dir, "root.crt", testpki.Bundle(p.Root, p.Inter), 0o644)
			if err := os.Mkdir(filepath.Join(dir, "crls"), 0o755); err != nil {
				t.Fatal(err)
			}
			for n, data := range tc.files {
				testdatadir.Write(t, dir, filepath.Join("crls", n), data, 0o644)
			}
			rep := check(t, dir)
			wantProblems(t, rep, tc.fails, tc.want...)
		})
	}
}

func TestSettings(t *testing.T) {
	p := testdatadir.NewPKI(t)
	for _, tc := range []struct {
		name  string
		conf  []string
		hba   []string
		fails bool
		want  []string
	}{
		{name: "ssl off", conf: []string{"ssl = off"}, fails: true, want: []string{"postgresql.conf/ssl error", "pg_hba.conf/hba warning"}},
		{name: "TLSv1 allowed", conf: []string{"ssl_min_protocol_version = 'TLSv1'"}, want: []string{"postgresql.conf/protocol warning"}},
		// PostgreSQL 13 and later refuse an empty minimum (e2e's TestCheckRefusedSettings
		// starts the server with it); 12 accepts it, any version then allowed.
		{name: "no minimum protocol", conf: []string{"ssl_min_protocol_version = ''"}, fails: true, want: []string{"postgresql.conf/config error"}},
		{name: "NULL ciphers", conf: []string{"ssl_ciphers = 'HIGH:!aNULL:eNULL'"}, want: []string{"postgresql.conf/ciphers warning"}},
		{name: "anonymous ciphers", conf: []string{"ssl_ciphers = 'HIGH:MEDIUM'"}, want: []string{"postgresql.conf/ciphers warning"}},
		{name: "syntax error", conf: []string{"ssl_cert_file = server.crt"}, fails: true, want: []string{"postgresql.conf/config error"}},
		{name: "missing include", conf: []string{"include 'nothere.conf'"}, fails: true, want: []string{"postgresql.conf/config error"}},
		{name: "bad boolean", conf: []string{"ssl_passphrase_command_supports_reload = maybe"}, fails: true, want: []string{"postgresql.conf/config error"}},
		{name: "clientcert=1 on 15", hba: []string{"hostssl all all 0.0.0.0/0 md5 clientcert=1"}, fails: true, want: []string{"pg_hba.conf/hba error"}},
		{name: "cert without ssl_ca_file", hba: []string{"hostssl all all 0.0.0.0/0 cert"}, fails: true, want: []string{"pg_hba.conf/hba error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testdatadir.New(t, p, tc.conf, tc.hba...)
			rep := check(t, dir)
			wantProblems(t, rep, tc.fails, tc.want...)
		})
	}

	dir := testdatadir.New(t, p, []string{"ssl_cert_file = server.crt"})
	rep := check(t, dir)
	fd := finding(t, rep, "postgresql.conf", "config", LevelError)
	conf := filepath.Join(dir, "postgresql.conf")
	if fd.Message != fmt.Sprintf(`syntax error in file "%s" line 2, near token "server.crt"`, conf) || fd.File != conf || fd.Line != 2 || fd.Source != SourceServer {
		t.Errorf("syntax error: %+v", fd)
	}

	dir = testdatadir.New(t, p, nil, "hostssl all all 0.0.0.0/0 md5 clientcert=1")
	rep = check(t, dir)
	fd = finding(t, rep, "pg_hba.conf", "hba", LevelError)
	if fd.Message != `invalid value for clientcert: "1"` || fd.Line != 1 || !strings.Contains(fd.Fix, "clientcert=verify-ca") {
		t.Errorf("clientcert=1: %+v", fd)
	}
}

func TestOldVersion(t *testing.T) {
	p := testdatadir.NewPKI(t)
	dir := testdatadir.New(t, p, []string{"ssl_crl_dir = 'crls'"}, "hostssl all all 0.0.0.0/0 md5 clientcert=1")
	testdatadir.Write(t, dir, "PG_VERSION", []byte("11\n"), 0o600)
	rep := check(t, dir)
	wantProblems(t, rep, true, "postgresql.conf/config error", "postgresql.conf/protocol warning", "pg_hba.conf/hba error")
	if fd := finding(t, rep, "pg_hba.conf", "hba", LevelError); fd.Message != "client certificates can only be checked if a root certificate store is available" {
		t.Errorf("clientcert=1 on 11 is valid, but needs ssl_ca_file: %+v", fd)
	}
	if fd := finding(t, rep, "postgresql.conf", "config", LevelError); !strings.HasPrefix(fd.Message, `unrecognized configuration parameter "ssl_crl_dir"`) {
		t.Errorf("%+v", fd)
	}
	if rep.Version != "11" {
		t.Errorf("version %q", rep.Version)
	}
}

// TestRefusedSettings covers the settings that stop PostgreSQL 15 at start although
// the configuration parses (e2e/check_settings_test.go starts the real server with
// each), and their harmless neighbours.
func TestRefusedSettings(t *testing.T) {
	p := testdatadir.NewPKI(t)
	for _, tc := range []struct {
		name    string
		conf    []string
		want    []string
		message string // the message of the first problem, when set
	}{
		{name: "unknown protocol version", conf: []string{"ssl_min_protocol_version = 'TLSv1.9'"},
			want: []string{"postgresql.conf/config error"}, message: `invalid value for parameter "ssl_min_protocol_version": "TLSv1.9"`},
		{name: "unknown maximum", conf: []string{"ssl_max_protocol_version = 'TLSv2'"},
			want: []string{"postgresql.conf/config error"}, message: `invalid value for parameter "ssl_max_protocol_version": "TLSv2"`},
		{name: "protocol names ignore case", conf: []string{"ssl_min_protocol_version = 'tlsv1.3'"}},
		{name: "minimum above maximum", conf: []string{"ssl_min_protocol_version = 'TLSv1.3'", "ssl_max_protocol_version = 'TLSv1.2'"},
			want: []string{"postgresql.conf/protocol error"}, message: "could not set SSL protocol version range"},
		{name: "maximum at the minimum", conf: []string{"ssl_min_protocol_version = 'TLSv1.2'", "ssl_max_protocol_version = 'TLSv1.2'"}},
		{name: "no cipher", conf: []string{"ssl_ciphers = 'NOTACIPHER'"},
			want: []string{"postgresql.conf/ciphers error"}, message: "could not set the cipher list (no valid ciphers available)"},
		{name: "one unknown cipher among known ones", conf: []string{"ssl_ciphers = 'HIGH:!aNULL:NOTACIPHER'"}},
		{name: "a suite by name", conf: []string{"ssl_ciphers = 'ECDHE-ECDSA-AES256-GCM-SHA384'"}},
		{name: "unknown curve", conf: []string{"ssl_ecdh_curve = 'nocurve'"},
			want: []string{"postgresql.conf/ecdh-curve error"}, message: "ECDH: unrecognized curve name: nocurve"},
		{name: "NIST name of a curve", conf: []string{"ssl_ecdh_curve = 'P-256'"},
			want: []string{"postgresql.conf/ecdh-curve error"}, message: "ECDH: unrecognized curve name: P-256"},
		{name: "X25519 is no EC curve", conf: []string{"ssl_ecdh_curve = 'X25519'"},
			want: []string{"postgresql.conf/ecdh-curve error"}, message: "ECDH: could not create key"},
		{name: "another curve", conf: []string{"ssl_ecdh_curve = 'secp384r1'"}},
		{name: "missing DH parameters", conf: []string{"ssl_dh_params_file = 'nothere.pem'"},
			want: []string{"postgresql.conf/dh-params error"}, message: `could not open DH parameters file "nothere.pem": No such file or directory`},
		{name: "unknown parameter", conf: []string{"no_such_parameter = 1"},
			want: []string{"postgresql.conf/config error"}, message: `unrecognized configuration parameter "no_such_parameter" in file "%s" line 2`},
		{name: "an extension's parameter", conf: []string{"myext.setting = 1"}},
		{name: "ssl off: the SSL settings are not used", conf: []string{"ssl = off", "ssl_ciphers = 'NOTACIPHER'", "ssl_ecdh_curve = 'nocurve'"},
			want: []string{"postgresql.conf/ssl error", "pg_hba.conf/hba warning"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testdatadir.New(t, p, tc.conf)
			rep := check(t, dir)
			wantProblems(t, rep, len(tc.want) > 0 && strings.HasSuffix(tc.want[0], " error"), tc.want...)
			if tc.message == "" {
				return
			}
			group, chk, _ := strings.Cut(strings.Fields(tc.want[0])[0], "/")
			fd := finding(t, rep, group, chk, LevelError)
			want := tc.message
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, filepath.Join(dir, "postgresql.conf"))
			}
			if fd.Message != want || fd.Source != SourceServer || fd.Line == 0 || fd.Fix == "" {
				t.Errorf("finding %+v; want the message %q with its line and a fix", fd, want)
			}
			if strings.Contains(want, "ssl_min_protocol_version") && findings(rep, "postgresql.conf", "protocol") != 0 {
				t.Errorf("a refused value also has a protocol finding: %v", problems(rep))
			}
		})
	}
}

// findings counts the findings of group and check.
func findings(r *Report, group, check string) int {
	n := 0
	for _, g := range r.Files {
		if g.Setting == group || g.Name == group {
			for _, fd := range g.Findings {
				if fd.Check == check {
					n++
				}
			}
		}
	}
	return n
}

// TestRevokedIntermediate checks an intermediate CA revoked in its root's CRL: the
// server refuses every client certificate under it (e2e's "revoked intermediate"
// case confirms it with a real server and psql).
func TestRevokedIntermediate(t *testing.T) {
	p := testdatadir.NewPKI(t)
	now := testpki.Now
	dir := testdatadir.New(t, p, []string{"ssl_ca_file = 'root.crt'", "ssl_crl_file = 'root.crl'"})
	testdatadir.Write(t, dir, "root.crt", p.Root.PEM(), 0o644)
	crls := append(p.Root.CRLPEM(t, 2, now.Add(-time.Hour), now.Add(90*24*time.Hour), testpki.Revoked{Cert: p.Inter.Cert, At: now.Add(-time.Hour)}),
		p.Inter.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(90*24*time.Hour))...)
	testdatadir.Write(t, dir, "root.crl", crls, 0o644)
	rep := check(t, dir)
	wantProblems(t, rep, true, "ssl_crl_file/crl-revoked error")
	fd := finding(t, rep, "ssl_crl_file", "crl-revoked", LevelError)
	if !strings.Contains(fd.Message, "revokes the intermediate CA CN=check intermediate") || !strings.Contains(fd.Detail, `the client sees "SSL error: sslv3 alert certificate revoked"`) {
		t.Errorf("%+v", fd)
	}

	// The same CRLs without the revocation: nothing to say.
	testdatadir.Write(t, dir, "root.crl", append(p.Root.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(90*24*time.Hour)),
		p.Inter.CRLPEM(t, 1, now.Add(-time.Hour), now.Add(90*24*time.Hour))...), 0o644)
	wantProblems(t, check(t, dir), false)
}

// TestEd25519SignedServerCertificate checks that a server certificate signed with
// Ed25519 is reported: libpq cannot hash it for SCRAM channel binding.
func TestEd25519SignedServerCertificate(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	root := testpki.Make(t, testpki.Template{CN: "ed root", IsCA: true, MaxPath: -1, Key: edKey}, nil)
	server := root.Server(t, "db.example.com")
	p := testdatadir.PKI{Root: root, Inter: root, Server: server}
	dir := testdatadir.New(t, p, nil)
	testdatadir.Write(t, dir, "server.crt", server.PEM(), 0o644)
	rep := check(t, dir)
	wantProblems(t, rep, true, "ssl_cert_file/signature error")
	fd := finding(t, rep, "ssl_cert_file", "signature", LevelError)
	if fd.Message != "could not find digest for NID UNDEF" || fd.Source != SourceLibpq || !strings.Contains(fd.Detail, "scram-sha-256") {
		t.Errorf("%+v", fd)
	}

	dir = testdatadir.New(t, p, nil, "local all all peer", "hostssl all all 0.0.0.0/0 trust")
	testdatadir.Write(t, dir, "server.crt", server.PEM(), 0o644)
	wantProblems(t, check(t, dir), false, "ssl_cert_file/signature warning")
}

// TestHBAIncludeLoop checks @file inclusions in pg_hba.conf that come back to a file
// being read: the server then never starts (e2e confirms it).
func TestHBAIncludeLoop(t *testing.T) {
	p := testdatadir.NewPKI(t)
	for _, tc := range []struct {
		name  string
		hba   string
		files map[string]string
		loop  string // the finding's message, empty when there is none
	}{
		{"a file that includes itself", "hostssl @users.txt all 0.0.0.0/0 scram-sha-256", map[string]string{"users.txt": "@users.txt\n"},
			"@file inclusions loop: pg_hba.conf -> users.txt -> users.txt"},
		{"two files that include each other", "hostssl all @a.txt 0.0.0.0/0 scram-sha-256", map[string]string{"a.txt": "alice, @sub/b.txt\n", "sub/b.txt": "bob @../a.txt\n"},
			"@file inclusions loop: pg_hba.conf -> a.txt -> sub/b.txt -> a.txt"},
		{"pg_hba.conf itself", "hostssl @pg_hba.conf all 0.0.0.0/0 scram-sha-256", nil,
			"@file inclusions loop: pg_hba.conf -> pg_hba.conf"},
		{"a list without a loop", "hostssl all @users.txt 0.0.0.0/0 scram-sha-256", map[string]string{"users.txt": "alice # @users.txt in a comment\n@more.txt\n", "more.txt": "bob\n"}, ""},
		{"a quoted name", `hostssl all "@users.txt" 0.0.0.0/0 scram-sha-256`, map[string]string{"users.txt": "@users.txt\n"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testdatadir.New(t, p, nil, "local all all peer", tc.hba)
			for name, data := range tc.files {
				testdatadir.Write(t, dir, name, []byte(data), 0o600)
			}
			rep := check(t, dir)
			if tc.loop == "" {
				wantProblems(t, rep, false)
				return
			}
			wantProblems(t, rep, true, "pg_hba.conf/hba-include error")
			fd := finding(t, rep, "pg_hba.conf", "hba-include", LevelError)
			if fd.Message != tc.loop || fd.Line != 2 || !strings.Contains(fd.Detail, "exceeded maxAllocatedDescs") {
				t.Errorf("%+v", fd)
			}
		})
	}
}

// TestEmptyMinimumOn12 checks that PostgreSQL 12, which still offers the empty
// minimum protocol, gets a warning for it rather than an error.
func TestEmptyMinimumOn12(t *testing.T) {
	p := testdatadir.NewPKI(t)
	dir := testdatadir.New(t, p, []string{"ssl_min_protocol_version = ''"})
	testdatadir.Write(t, dir, "PG_VERSION", []byte("12\n"), 0o600)
	wantProblems(t, check(t, dir), false, "postgresql.conf/protocol warning")
}

// TestFIFOsAreNotRead plants FIFOs where the check reads files the database user
// controls: a check run as root must not wait on them for ever (a hang fails the
// test by its timeout).
func TestFIFOsAreNotRead(t *testing.T) {
	p := testdatadir.NewPKI(t)
	dir := testdatadir.New(t, p, nil, "local all all peer", "hostssl all @users.txt 0.0.0.0/0 scram-sha-256")
	for _, name := range []string{"server.key", "users.txt"} {
		path := filepath.Join(dir, name)
		os.Remove(path)
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rep := check(t, dir)
	wantProblems(t, rep, true, "ssl_key_file/permissions error")
	if fd := finding(t, rep, "ssl_key_file", "permissions", LevelError); !strings.Contains(fd.Message, "server.key") {
		t.Errorf("%+v", fd)
	}
	if _, err := readFile(filepath.Join(dir, "users.txt")); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("reading a FIFO: %v", err)
	}
}

// opens reports whether fn opened the file at path, by the IN_OPEN event of an
// inotify watch on it: the kernel queues it at the open, before fn returns.
func opens(t *testing.T, path string, fn func()) bool {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		t.Skipf("no inotify: %v", err)
	}
	defer unix.Close(fd)
	if _, err := unix.InotifyAddWatch(fd, path, unix.IN_OPEN); err != nil {
		t.Fatal(err)
	}
	fn()
	buf := make([]byte, 4096)
	n, err := unix.Read(fd, buf)
	return err == nil && n > 0
}

// TestSpecialFilesAreNotOpened: a setting the database user wrote (ALTER SYSTEM)
// may name a device whose mere open does something, such as /dev/watchdog (which
// reboots the machine unless its opener stops it); the check, run as root, must
// see what the file is before it opens it. A FIFO stands for the device here.
func TestSpecialFilesAreNotOpened(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watchdog")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	if opens(t, path, func() { _, err = readFile(path) }) {
		t.Errorf("readFile opened the FIFO")
	}
	if err == nil || err.Error() != path+" is not a regular file" {
		t.Errorf("reading a FIFO: %v", err)
	}
	if !opens(t, path, func() {
		if fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK, 0); err == nil {
			unix.Close(fd)
		}
	}) {
		t.Errorf("the watch sees no open")
	}
}
