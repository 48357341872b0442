package pgdata

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

var v15 = Version{Major: 15}

func TestParseHBARecords(t *testing.T) {
	in := "# TYPE DATABASE USER ADDRESS METHOD\n" +
		"local   all             postgres                                peer\n" +
		"local all all ident map=m\n" +
		"\n" +
		"hostssl db1,\"all\",\"a \"\"q\"\" b\" +grp,@users.txt 192.168.1.0/24 cert clientname=DN map=certmap # comment\n" +
		"host all all 10.1.2.3 255.255.0.0 scram-sha-256\r\n" +
		"hostnossl all all .example.com md5\n" +
		"hostssl all all \\\n" +
		"  ::1/128 \\\n" +
		"  scram-sha-256 clientcert=verify-full\n" +
		"host all all samehost trust\n" +
		"host\tall\tall\tall\treject"
	lines, err := ParseHBA("pg_hba.conf", []byte(in), v15)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 8 {
		t.Fatalf("%d lines", len(lines))
	}
	tok := func(s string) HBAToken { return HBAToken{Text: s} }
	q := func(s string) HBAToken { return HBAToken{Text: s, Quoted: true} }
	l := lines[2]
	if l.Line != 5 || l.Type != "hostssl" || l.Method != "cert" ||
		!reflect.DeepEqual(l.Databases, []HBAToken{tok("db1"), q("all"), q(`a "q" b`)}) ||
		!reflect.DeepEqual(l.Users, []HBAToken{tok("+grp"), tok("@users.txt")}) ||
		l.Prefix != netip.MustParsePrefix("192.168.1.0/24") ||
		!reflect.DeepEqual(l.Options, []HBAOption{{"clientname", "DN"}, {"map", "certmap"}}) {
		t.Errorf("line 5: %+v", l)
	}
	if l.Databases[1].Keyword("all") || !lines[0].Databases[0].Keyword("all") {
		t.Error("a quoted all is no keyword")
	}
	if lines[1].Method != "peer" {
		t.Errorf("local ident is peer: %q", lines[1].Method)
	}
	if l := lines[3]; l.Line != 6 || l.Mask != "255.255.0.0" || l.Prefix != netip.MustParsePrefix("10.1.0.0/16") || l.Method != "scram-sha-256" {
		t.Errorf("netmask line: %+v", l)
	}
	if l := lines[4]; l.Hostname != ".example.com" || l.Prefix.IsValid() {
		t.Errorf("host name line: %+v", l)
	}
	if l := lines[5]; l.Line != 8 || l.Prefix != netip.MustParsePrefix("::1/128") || l.Raw != "hostssl all all   ::1/128   scram-sha-256 clientcert=verify-full" {
		t.Errorf("continued line: %+v", l)
	}
	if v, ok := lines[5].Option("clientcert"); !ok || v != "verify-full" || !lines[5].NeedsClientCert() {
		t.Error("clientcert option")
	}
	if l := lines[6]; l.Line != 11 || l.Address != "samehost" || l.Prefix.IsValid() {
		t.Errorf("samehost: %+v", l)
	}
	if !lines[7].IsHost() || lines[0].IsHost() {
		t.Error("IsHost")
	}
}

func TestParseHBAErrors(t *testing.T) {
	v11, v12, v13, v16 := Version{Major: 11}, Version{Major: 12}, Version{Major: 13}, Version{Major: 16}
	tests := []struct {
		line string
		v    Version
		want string
	}{
		{"hostssl all all 0.0.0.0/0 cert clientcert=verify-ca", v15, `clientcert only accepts "verify-full" when using "cert" authentication`},
		{"hostssl all all 0.0.0.0/0 md5 clientcert=1", v15, `invalid value for clientcert: "1"`},
		{"hostssl all all 0.0.0.0/0 md5 clientcert=0", v15, `invalid value for clientcert: "0"`},
		{"host all all 0.0.0.0/0 md5 clientcert=verify-full", v15, `clientcert can only be configured for "hostssl" rows`},
		{"host all all 0.0.0.0/0 cert", v15, "cert authentication is only supported on hostssl connections"},
		{"hostssl all all 0.0.0.0/0 cert clientname=cn", v15, `invalid value for clientname: "cn"`},
		{"host all all 0.0.0.0/0 md5 clientname=DN", v15, `clientname can only be configured for "hostssl" rows`},
		{"hostssl all all 0.0.0.0/0 cert clientname=DN", v13, `unrecognized authentication option name: "clientname"`},
		{"hostssl all all 0.0.0.0/0 md5 clientcert=1", v13, ""},
		{"hostssl all all 0.0.0.0/0 cert clientcert=0", v12, `clientcert can not be set to "no-verify" when using "cert" authentication`},
		{"hostssl all all 0.0.0.0/0 md5 clientcert=maybe", v12, `invalid value for clientcert: "maybe"`},
		{"hostssl all all 0.0.0.0/0 cert clientcert=0", v11, `clientcert can not be set to 0 when using "cert" authentication`},
		{"hostssl all all 0.0.0.0/0 md5 clientcert=verify-full", v11, ""},
		{"hostgssenc all all 0.0.0.0/0 md5", v11, `invalid connection type "hostgssenc"`},
		{"hostssl all all 0.0.0.0/0 scram-sha-256", Version{9, 6}, `invalid authentication method "scram-sha-256"`},
		{"hostssl all all 0.0.0.0/0 md5 foo", v15, "authentication option not in name=value format: foo"},
		{"hostssl all all 0.0.0.0/0 md5 bar=1", v15, `unrecognized authentication option name: "bar"`},
		{"hostssl all all 0.0.0.0/0 md5 map=x", v15, `authentication option "map" is only valid for authentication methods ident, peer, gssapi, sspi, and cert`},
		{"hosts all all 0.0.0.0/0 md5", v15, `invalid connection type "hosts"`},
		{"host,local all all 0.0.0.0/0 md5", v15, "multiple values specified for connection type"},
		{"host", v15, "end-of-line before database specification"},
		{"host all", v15, "end-of-line before role specification"},
		{"host all all", v15, "end-of-line before IP address specification"},
		{"host all all 10.0.0.0/8,::/0 md5", v15, "multiple values specified for host address"},
		{"host all all 10.0.0.0/8", v15, "end-of-line before authentication method"},
		{"host all all 10.0.0.0/8 md5,trust", v15, "multiple values specified for authentication type"},
		{"host all all 10.0.0.1", v15, "end-of-line before netmask specification"},
		{"host all all 10.0.0.1 255.0.0.0,255.0.0.0 md5", v15, "multiple values specified for netmask"},
		{"host all all 10.0.0.1 md5", v15, `invalid IP mask "md5": Name or service not known`},
		{"host all all 10.0.0.1 ffff:: md5", v15, "IP address and mask do not match"},
		{"host all all 10.0.0.0/33 md5", v15, `invalid CIDR mask in address "10.0.0.0/33"`},
		{"host all all db.example/24 md5", v15, `specifying both host name and CIDR mask is invalid: "db.example/24"`},
		{"host all all 0.0.0.0/0 peer", v15, "peer authentication is only supported on local sockets"},
		{"local all all gss", v15, "gssapi authentication is not supported on local sockets"},
		{"host all all 0.0.0.0/0 krb5", v15, `invalid authentication method "krb5"`},
		{"host all " + strings.Repeat("x", 300) + " 0.0.0.0/0 md5", v15, `authentication file token too long, skipping: "` + strings.Repeat("x", 255) + `"`},
		{"include_dir conf.d", v16, ""},
		{"include_dir conf.d", v15, `invalid connection type "include_dir"`},
	}
	for _, tt := range tests {
		lines, err := ParseHBA("pg_hba.conf", []byte("# first\n"+tt.line+"\n"), tt.v)
		if tt.want == "" {
			if err != nil || len(lines) != 1 {
				t.Errorf("%s (%s): %v", tt.line, tt.v, err)
			}
			continue
		}
		var ce *ConfError
		if !errors.As(err, &ce) || ce.Message != tt.want || ce.Line != 2 || !errors.Is(err, ErrHBA) || len(lines) != 0 {
			t.Errorf("%s (%s):\n got %v\nwant %s", tt.line, tt.v, err, tt.want)
		}
	}
}

func TestParseHBAContinuationNeeds14(t *testing.T) {
	in := []byte("hostssl all all \\\n0.0.0.0/0 cert\n")
	if lines, err := ParseHBA("f", in, v15); err != nil || len(lines) != 1 {
		t.Errorf("15: %v", err)
	}
	if _, err := ParseHBA("f", in, Version{Major: 13}); err == nil {
		t.Error("13 joined the lines")
	}
	// Two backslashes at the end of a continued line do not continue it twice.
	if lines, err := ParseHBA("f", []byte("local all \\\n\\\nall trust\n"), v15); err != nil || len(lines) != 1 || lines[0].Line != 1 {
		t.Errorf("double: %+v %v", lines, err)
	}
}

func TestCheckHBA(t *testing.T) {
	in := "local all all peer\n" +
		"host all all 0.0.0.0/0 scram-sha-256\n" +
		"hostssl all all 10.0.0.0/8 cert\n" +
		"hostssl all all ::/0 cert\n" +
		"hostssl db all 0.0.0.0/0 md5 clientcert=verify-ca\n" +
		"hostnossl all all ::/0 reject\n"
	lines, err := ParseHBA("f", []byte(in), v15)
	if err != nil {
		t.Fatal(err)
	}
	type f struct {
		line  int
		fatal bool
		msg   string
	}
	var got []f
	for _, x := range CheckHBA(lines, SSL{Enabled: true, CAFile: "root.crt"}) {
		got = append(got, f{x.Line, x.Fatal, x.Message})
	}
	want := []f{
		{3, true, "line 2 (host scram-sha-256) matches the same connections first, so line 3 is never used"},
		{5, true, "line 2 (host scram-sha-256) matches the same connections first, so line 5 is never used"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings = %+v", got)
	}
	got = nil
	for _, x := range CheckHBA(lines[2:4], SSL{}) {
		got = append(got, f{x.Line, x.Fatal, x.Message})
	}
	want = []f{
		{3, false, "hostssl record cannot match because SSL is disabled"},
		{3, true, "client certificates can only be checked if a root certificate store is available"},
		{4, false, "hostssl record cannot match because SSL is disabled"},
		{4, true, "client certificates can only be checked if a root certificate store is available"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings without ssl = %+v", got)
	}
}
