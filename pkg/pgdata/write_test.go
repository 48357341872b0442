package pgdata

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPgcertConf(t *testing.T) {
	got, err := PgcertConf(DefaultSSLFiles, v15)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseConf("pgcert.conf", got)
	if err != nil {
		t.Fatal(err)
	}
	want := []Directive{{"ssl", "on", 5}, {"ssl_cert_file", "server.crt", 6}, {"ssl_key_file", "server.key", 7},
		{"ssl_ca_file", "root.crt", 8}, {"ssl_crl_file", "root.crl", 9}}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("pgcert.conf = %+v\n%s", d, got)
	}
	odd := SSLFiles{Cert: "/etc/ssl/it's here/server.crt", Key: `C:\k`, CRLDir: "crl.d"}
	got, err = PgcertConf(odd, v15)
	if err != nil {
		t.Fatal(err)
	}
	if d, err = ParseConf("f", got); err != nil || len(d) != 4 || d[1].Value != odd.Cert || d[2].Value != odd.Key || d[3].Name != "ssl_crl_dir" {
		t.Errorf("%+v %v", d, err)
	}
	if _, err := PgcertConf(odd, Version{Major: 13}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("ssl_crl_dir on 13: %v", err)
	}
}

func TestEnsureInclude(t *testing.T) {
	orig := []byte("# conf\nssl = off\nssl_cert_file = 'old.crt'")
	out, changed := EnsureInclude(orig, "/d")
	if !changed || !bytes.HasPrefix(out, orig) {
		t.Fatalf("changed %v:\n%s", changed, out)
	}
	if want := string(orig) + "\n# Added by pgcert: the SSL settings are in pgcert.conf.\ninclude_if_exists 'pgcert.conf'\n"; string(out) != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
	if again, changed := EnsureInclude(out, "/d"); changed || !bytes.Equal(again, out) {
		t.Error("a second run changed the file")
	}
	for _, existing := range []string{
		"INCLUDE = 'pgcert.conf'\n", "include_if_exists './pgcert.conf'  # pgcert\n", "include '/d/pgcert.conf'\n", "include 'x/../pgcert.conf'\n",
	} {
		if _, changed := EnsureInclude([]byte("a = 1\n"+existing), "/d"); changed {
			t.Errorf("%q not recognised", existing)
		}
	}
	for _, other := range []string{"include 'other/pgcert.conf'\n", "# include 'pgcert.conf'\n", "include_dir 'pgcert.conf'\n"} {
		if _, changed := EnsureInclude([]byte(other), "/d"); !changed {
			t.Errorf("%q taken for pgcert's include", other)
		}
	}
	crlf, _ := EnsureInclude([]byte("a = 1\r\n"), "/d")
	if !bytes.HasSuffix(crlf, []byte("pgcert.conf.\r\ninclude_if_exists 'pgcert.conf'\r\n")) {
		t.Errorf("CRLF: %q", crlf)
	}
	if empty, _ := EnsureInclude(nil, "/d"); !bytes.HasPrefix(empty, []byte("# Added by pgcert")) {
		t.Errorf("empty: %q", empty)
	}
}

// TestConfigureDataDir does what `pgcert init --configure` does to postgresql.conf and
// reads the result back: pgcert's settings win over postgresql.conf, and what ALTER
// SYSTEM set, or a line added after the include, is reported as winning over them.
func TestConfigureDataDir(t *testing.T) {
	dir := tree(t, map[string]string{
		"postgresql.conf":      "ssl = off\nssl_cert_file = 'old.crt'\n",
		"postgresql.auto.conf": "ssl_ca_file = 'alter-system.crt'\n",
	})
	conf := filepath.Join(dir, ConfFileName)
	data, _ := os.ReadFile(conf)
	out, _ := EnsureInclude(data, dir)
	pc, _ := PgcertConf(DefaultSSLFiles, v15)
	if err := os.WriteFile(conf, append(out, "ssl_key_file = 'later.key'\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, PgcertConfName), pc, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	ssl, err := cfg.SSL(v15)
	if err != nil {
		t.Fatal(err)
	}
	if !ssl.Enabled || ssl.CertFile != "server.crt" || ssl.CRLFile != "root.crl" || ssl.CAFile != "alter-system.crt" || ssl.KeyFile != "later.key" {
		t.Errorf("SSL = %+v", ssl)
	}
	sh := cfg.Shadowed(filepath.Join(dir, PgcertConfName))
	if len(sh) != 2 || sh[0].Setting.Name != "ssl_key_file" || sh[0].AutoConf || sh[0].By.Line != 5 ||
		sh[1].Setting.Name != "ssl_ca_file" || !sh[1].AutoConf {
		t.Errorf("shadowed = %+v", sh)
	}
	auto := cfg.SetIn(filepath.Join(dir, AutoConfFileName), SSLParameters(v15)...)
	if len(auto) != 1 || auto[0].Name != "ssl_ca_file" {
		t.Errorf("SetIn = %+v", auto)
	}
}

func TestCertRules(t *testing.T) {
	str := func(rs []HBARule) []string {
		var out []string
		for _, r := range rs {
			out = append(out, strings.Join(strings.Fields(r.String()), " "))
		}
		return out
	}
	tests := []struct {
		o    CertRulesOptions
		v    Version
		want []string
	}{
		{CertRulesOptions{}, v15, []string{"hostssl all all 0.0.0.0/0 cert", "hostssl all all ::/0 cert"}},
		{CertRulesOptions{Method: "scram-sha-256", Addresses: []string{"10.0.0.0/8"}}, v15, []string{"hostssl all all 10.0.0.0/8 scram-sha-256 clientcert=verify-full"}},
		{CertRulesOptions{Method: "md5", VerifyCA: true, Addresses: []string{"10.0.0.0/8"}}, Version{Major: 12}, []string{"hostssl all all 10.0.0.0/8 md5 clientcert=verify-ca"}},
		{CertRulesOptions{Method: "md5", Addresses: []string{"10.0.0.0/8"}}, Version{9, 6}, []string{"hostssl all all 10.0.0.0/8 md5 clientcert=1"}},
		{CertRulesOptions{Map: "certs", ClientName: "DN", Database: "app db", User: "app", Addresses: []string{"::1/128"}}, v15,
			[]string{`hostssl "app db" app ::1/128 cert map=certs clientname=DN`}},
	}
	for _, tt := range tests {
		rs, err := CertRules(tt.o, tt.v)
		if err != nil || !reflect.DeepEqual(str(rs), tt.want) {
			t.Errorf("%+v: %q %v", tt.o, str(rs), err)
		}
		for _, r := range rs {
			if _, err := ParseHBA("f", []byte(r.String()), tt.v); err != nil {
				t.Errorf("%s does not parse: %v", r, err)
			}
		}
	}
	for _, bad := range []struct {
		o CertRulesOptions
		v Version
	}{
		{CertRulesOptions{ClientName: "DN"}, Version{Major: 13}},
		{CertRulesOptions{ClientName: "cn"}, v15},
		{CertRulesOptions{VerifyCA: true}, v15},
		{CertRulesOptions{Method: "trust"}, v15},
		{CertRulesOptions{Method: "scram-sha-256"}, Version{9, 6}},
		{CertRulesOptions{Method: "md5", Map: "m"}, v15},
		{CertRulesOptions{Addresses: []string{"10.0.0.0/8 # x"}}, v15},
	} {
		if _, err := CertRules(bad.o, bad.v); err == nil {
			t.Errorf("%+v on %s accepted", bad.o, bad.v)
		}
	}
}

// initdbHBA is the shape of the pg_hba.conf initdb writes.
const initdbHBA = `# PostgreSQL Client Authentication Configuration File
# TYPE  DATABASE        USER            ADDRESS                 METHOD

# "local" is for Unix domain socket connections only
local   all             all                                     trust
# IPv4 local connections:
host    all             all             127.0.0.1/32            trust
# IPv6 local connections:
host    all             all             ::1/128                 trust
local   replication     all                                     trust
`

func TestEnsureHBA(t *testing.T) {
	rules, err := CertRules(CertRulesOptions{}, v15)
	if err != nil {
		t.Fatal(err)
	}
	out, changed, err := EnsureHBA([]byte(initdbHBA), rules, v15)
	if err != nil || !changed {
		t.Fatalf("%v %v", changed, err)
	}
	at := strings.Index(initdbHBA, "# IPv4")
	head := strings.Index(initdbHBA, "host    all")
	if !bytes.HasPrefix(out, []byte(initdbHBA[:head])) || !bytes.HasSuffix(out, []byte(initdbHBA[head:])) || at > head {
		t.Errorf("original bytes not kept:\n%s", out)
	}
	lines, err := ParseHBA("f", out, v15)
	if err != nil {
		t.Fatal(err)
	}
	if lines[1].Type != "hostssl" || lines[1].Method != "cert" || lines[2].Prefix.String() != "::/0" || lines[3].Type != "host" {
		t.Errorf("order: %+v", lines)
	}
	if f := CheckHBA(lines, SSL{Enabled: true, CAFile: "root.crt"}); len(f) != 0 {
		t.Errorf("findings: %+v", f)
	}
	again, changed, err := EnsureHBA(out, rules, v15)
	if err != nil || changed || !bytes.Equal(again, out) {
		t.Errorf("second run changed it: %v", err)
	}
	// A rule already there in another spelling is not added again; the other is.
	partial := "hostssl \"all\" all 0.0.0.0/0 cert\nhostssl all all 0.0.0.0 0.0.0.0 cert\n"
	out, changed, _ = EnsureHBA([]byte(partial), rules, v15)
	if !changed || !bytes.HasSuffix(out, []byte("::/0                    cert\n"+partial)) || bytes.Count(out, []byte("0.0.0.0/0 ")) != 1 {
		t.Errorf("partial:\n%s", out)
	}
	out, _, _ = EnsureHBA([]byte("local all all peer"), rules, v15)
	if !bytes.HasPrefix(out, []byte("local all all peer\n# Added by pgcert")) {
		t.Errorf("no host lines:\n%s", out)
	}
	crlf, _, _ := EnsureHBA([]byte("host all all 0.0.0.0/0 md5\r\n"), rules, v15)
	if !bytes.HasPrefix(crlf, []byte(hbaMarker+"\r\n")) || !bytes.HasSuffix(crlf, []byte("cert\r\nhost all all 0.0.0.0/0 md5\r\n")) {
		t.Errorf("CRLF: %q", crlf)
	}
}
