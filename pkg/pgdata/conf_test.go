package pgdata

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseConf(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Directive
		errs []string
	}{
		{"name = value", "ssl = on\n", []Directive{{"ssl", "on", 1}}, nil},
		{"without equals", "ssl on\n", []Directive{{"ssl", "on", 1}}, nil},
		{"no spaces", "ssl=on", []Directive{{"ssl", "on", 1}}, nil},
		{"comments and blank lines", "# c\n\n  \t\nssl = on # trailing\n", []Directive{{"ssl", "on", 4}}, nil},
		{"case kept in name", "SSL = On\n", []Directive{{"SSL", "On", 1}}, nil},
		{"quoted string", "ssl_cert_file = 'server.crt'\n", []Directive{{"ssl_cert_file", "server.crt", 1}}, nil},
		{"doubled quote", "a = 'it''s'\n", []Directive{{"a", "it's", 1}}, nil},
		{"backslash escapes", `a = 'x\ny\tz\\w\'q\b\f\r'` + "\n", []Directive{{"a", "x\ny\tz\\w'q\b\f\r", 1}}, nil},
		{"octal escapes", `a = '\101\1011\7'` + "\n", []Directive{{"a", "AA1\a", 1}}, nil},
		{"octal escape above a byte", `a = '\777'` + "\n", []Directive{{"a", "\xff", 1}}, nil},
		{"unknown escape is the character", `a = '\x\q'` + "\n", []Directive{{"a", "xq", 1}}, nil},
		{"NUL escape ends the value", `a = 'x\0yz'` + "\n", []Directive{{"a", "x", 1}}, nil},
		{"integer with units", "shared_buffers = 128MB\n", []Directive{{"shared_buffers", "128MB", 1}}, nil},
		{"hex", "a = 0x1Fkb\n", []Directive{{"a", "0x1Fkb", 1}}, nil},
		{"negative", "a = -1\n", []Directive{{"a", "-1", 1}}, nil},
		{"real", "a = .5e-3\n", []Directive{{"a", ".5e-3", 1}}, nil},
		{"a lone dot is a real", "a = .\n", []Directive{{"a", ".", 1}}, nil},
		{"unquoted string", "ssl_key_file foo-bar:x/y\n", []Directive{{"ssl_key_file", "foo-bar:x/y", 1}}, nil},
		{"qualified name", "ext.setting = 1\n", []Directive{{"ext.setting", "1", 1}}, nil},
		{"8-bit letters", "a = \xe9t\xe9\n", []Directive{{"a", "\xe9t\xe9", 1}}, nil},
		{"CRLF", "ssl = on\r\nssl_ca_file = 'root.crt'\r\n", []Directive{{"ssl", "on", 1}, {"ssl_ca_file", "root.crt", 2}}, nil},
		{"includes are directives", "include 'a.conf'\nINCLUDE_DIR 'conf.d'\n", []Directive{{"include", "a.conf", 1}, {"INCLUDE_DIR", "conf.d", 2}}, nil},
		{"unquoted conf.d is a qualified name", "include_dir conf.d\n", nil, []string{`syntax error in file "f" line 1, near token "conf.d"`}},
		{"bare file name is a syntax error", "ssl_cert_file = server.crt\nssl = on\n",
			[]Directive{{"ssl", "on", 2}}, []string{`syntax error in file "f" line 1, near token "server.crt"`}},
		{"absolute path unquoted", "a = /etc/x\n", nil, []string{`syntax error in file "f" line 1, near token "/"`}},
		{"unterminated quote", "a = 'abc\nb = 1\n", []Directive{{"b", "1", 2}}, []string{`syntax error in file "f" line 1, near token "'"`}},
		{"quote escaped at the end", `a = 'abc\'` + "\n", nil, []string{`syntax error in file "f" line 1, near token "'"`}},
		{"1e5 is an integer and a stray 5", "a = 1e5\n", nil, []string{`syntax error in file "f" line 1, near token "5"`}},
		{"missing value", "a =\nb = 2\n", []Directive{{"b", "2", 2}}, []string{`syntax error in file "f" line 1, near end of line`}},
		{"missing value at EOF counts one line less", "x = 1\na =", []Directive{{"x", "1", 1}}, []string{`syntax error in file "f" line 1, near end of line`}},
		{"two values", "a = 1 2\n", nil, []string{`syntax error in file "f" line 1, near token "2"`}},
		{"value first", "'a' = 1\n", nil, []string{`syntax error in file "f" line 1, near token "'a'"`}},
		{"last line without newline", "a = 1\nb = 2", []Directive{{"a", "1", 1}, {"b", "2", 2}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConf("f", []byte(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("directives = %+v\nwant         %+v", got, tt.want)
			}
			var msgs []string
			for _, e := range unjoinAll(err) {
				var ce *ConfError
				if !errors.As(e, &ce) || !errors.Is(e, ErrSyntax) {
					t.Errorf("error %v is not a syntax ConfError", e)
					continue
				}
				msgs = append(msgs, ce.Message)
			}
			if !reflect.DeepEqual(msgs, tt.errs) {
				t.Errorf("errors = %q\nwant     %q", msgs, tt.errs)
			}
		})
	}
}

func unjoinAll(err error) []error {
	if err == nil {
		return nil
	}
	return unjoin(err)
}

func TestParseConfGivesUpAfter100Errors(t *testing.T) {
	_, err := ParseConf("f", []byte(strings.Repeat("?\n", 150)))
	errs := unjoinAll(err)
	if len(errs) != 101 || !errors.Is(errs[100], ErrTooManyErrors) ||
		errs[100].(*ConfError).Message != `too many syntax errors found, abandoning file "f"` {
		t.Fatalf("%d errors, last %v", len(errs), errs[len(errs)-1])
	}
	if !errors.Is(err, ErrSyntax) {
		t.Error("errors.Is(ErrSyntax) through the list")
	}
}

func TestQuoteConfValueRoundTrip(t *testing.T) {
	for _, s := range []string{"", "server.crt", "/a b/it's", `C:\x\y`, "tab\there\nnl\r\b\f", "\x01\x1f\x7f5", "\xe9t\xe9", "''\\\\"} {
		q := QuoteConfValue(s)
		d, err := ParseConf("f", []byte("a = "+q+"\n"))
		if err != nil || len(d) != 1 || d[0].Value != s {
			t.Errorf("%q -> %s -> %+v, %v", s, q, d, err)
		}
	}
	if QuoteConfValue("a\x00b") != "'ab'" {
		t.Error("NUL not dropped")
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]int{ // 1 true, 0 false, -1 refused
		"on": 1, "ON": 1, "On": 1, "off": 0, "of": 0, "OFF": 0, "o": -1, "offf": -1, "onn": -1,
		"true": 1, "t": 1, "tr": 1, "TRUE": 1, "truex": -1, "false": 0, "f": 0, "fal": 0,
		"yes": 1, "y": 1, "ye": 1, "no": 0, "n": 0, "nope": -1,
		"1": 1, "0": 0, "10": -1, "01": -1, "": -1, " on": -1, "on ": -1, "maybe": -1,
	} {
		v, ok := ParseBool(in)
		got := -1
		if ok {
			got = 0
			if v {
				got = 1
			}
		}
		if got != want {
			t.Errorf("ParseBool(%q) = %v, %v", in, v, ok)
		}
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]Version{
		"15\n": {15, 0}, "9.6\n": {9, 6}, "10": {10, 0}, " 18 \n": {18, 0}, "9.4\nextra": {9, 4},
	} {
		v, err := ParseVersion([]byte(in))
		if err != nil || v != want {
			t.Errorf("ParseVersion(%q) = %v, %v", in, v, err)
		}
	}
	for _, in := range []string{"", "x", "9", "15.2", "-1", "0", "9.x", "1000"} {
		if _, err := ParseVersion([]byte(in)); !errors.Is(err, ErrBadVersion) {
			t.Errorf("ParseVersion(%q) = %v", in, err)
		}
	}
	if (Version{9, 6}).String() != "9.6" || (Version{15, 0}).String() != "15" {
		t.Error("String")
	}
	if !(Version{9, 6}).AtLeast(9, 4) || (Version{9, 6}).AtLeast(10, 0) || !(Version{15, 0}).AtLeast(14, 0) {
		t.Error("AtLeast")
	}
}
