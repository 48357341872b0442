package pgdata

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func FuzzParseConf(f *testing.F) {
	for _, s := range []string{
		"ssl = on\n", "ssl_cert_file = 'it''s \\101\\n'\n", "a = 0x1Fkb\nb = -.5e+3\n", "include_dir 'conf.d'\n",
		"a = 'unterminated\n", "x =", "name value # c\r\n", "q.x = y:z/w-v\n", "a = '\\", "\xff\xfe = \x80\n", "a = 1e5",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dirs, err := ParseConf("f", data)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, d := range dirs {
			if d.Line < 1 || d.Line > lines || d.Name == "" {
				t.Fatalf("directive %+v out of %d lines", d, lines)
			}
		}
		for _, e := range unjoinAll(err) {
			var ce *ConfError
			if !errors.As(e, &ce) || ce.Line < 0 || ce.Line > lines {
				t.Fatalf("error %v", e)
			}
		}
		// Every value pgcert writes reads back as itself.
		s := strings.ReplaceAll(string(data), "\x00", "")
		back, err := ParseConf("f", []byte("a = "+QuoteConfValue(s)+"\n"))
		if err != nil || len(back) != 1 || back[0].Value != s {
			t.Fatalf("QuoteConfValue(%q) read back as %+v, %v", s, back, err)
		}
	})
}

func FuzzParseHBA(f *testing.F) {
	for _, s := range []string{
		initdbHBA, "hostssl all all 0.0.0.0/0 cert clientcert=verify-full\n", "host \"a,b\"\"\",c all ::1/128 md5\n",
		"hostssl all all \\\n  10.0.0.1 255.255.255.0 scram-sha-256 clientname=DN\n", "local all @file trust # c\n",
		"host all all db.example/24 md5\n", "host all all fe80::1%eth0/64 md5\n", "\\\n\\\n", "host all all 10.0.0.1 ffff:: md5",
	} {
		f.Add([]byte(s), 15)
	}
	f.Fuzz(func(t *testing.T, data []byte, major int) {
		v := Version{Major: 9 + (major%10+10)%10, Minor: 6}
		if v.Major >= 10 {
			v.Minor = 0
		}
		recs, err := ParseHBA("f", data, v)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, r := range recs {
			if r.Line < 1 || r.Line > lines || r.Type == "" {
				t.Fatalf("record %+v", r)
			}
		}
		for _, e := range unjoinAll(err) {
			var ce *ConfError
			if !errors.As(e, &ce) || ce.Line < 1 || ce.Line > lines || !errors.Is(e, ErrHBA) {
				t.Fatalf("error %v", e)
			}
		}
		CheckHBA(recs, SSL{})
		// Inserting pgcert's rules keeps every byte and is done once.
		rules, _ := CertRules(CertRulesOptions{}, v)
		out, changed, err := EnsureHBA(data, rules, v)
		if err != nil {
			t.Fatal(err)
		}
		if changed {
			again, changed2, _ := EnsureHBA(out, rules, v)
			if changed2 {
				t.Fatalf("not idempotent:\n%q\n%q", out, again)
			}
		}
	})
}
