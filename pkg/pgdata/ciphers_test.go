package pgdata

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/pgcert/pgcert/internal/testenv"
)

func TestAnalyzeCiphers(t *testing.T) {
	for _, tc := range []struct {
		list          string
		null, anon    int
		firstNull     string
		secLevel0     bool
		wantAnonFirst string
	}{
		{list: "HIGH:MEDIUM:+3DES:!aNULL"},
		{list: "HIGH:MEDIUM:+3DES", anon: 12},
		{list: "HIGH:MEDIUM:+3DES:!aNULL:eNULL", null: 5, firstNull: "NULL-MD5"},
		{list: "ALL", anon: 12},
		{list: "DEFAULT"},
		{list: "DEFAULT:aNULL:eNULL"},
		{list: "aNULL:DEFAULT", null: 1, anon: 12},
		{list: "ALL:!eNULL:eNULL", anon: 12},
		{list: "ALL:-aNULL:aNULL", anon: 12, null: 1},
		{list: "ALL:-aNULL", anon: 0},
		{list: "NULL-SHA:@SECLEVEL=0", null: 1, firstNull: "NULL-SHA", secLevel0: true},
		{list: "kRSA", null: 3},
		{list: "ECDHE+SHA1", null: 2, firstNull: "ECDHE-ECDSA-NULL-SHA"},
		{list: "AECDH", null: 1, anon: 2},
		{list: "ADH-AES128-SHA", anon: 1, wantAnonFirst: "ADH-AES128-SHA"},
		{list: ""},
		{list: "!", anon: 0},
	} {
		r := AnalyzeCiphers(tc.list)
		if len(r.NoEncryption) != tc.null || len(r.NoAuthentication) != tc.anon || r.SecLevel0 != tc.secLevel0 {
			t.Errorf("AnalyzeCiphers(%q) = %+v, want %d NULL and %d anonymous suites", tc.list, r, tc.null, tc.anon)
			continue
		}
		if tc.firstNull != "" && r.NoEncryption[0] != tc.firstNull {
			t.Errorf("AnalyzeCiphers(%q) NULL suites %v, want %s first", tc.list, r.NoEncryption, tc.firstNull)
		}
		if tc.wantAnonFirst != "" && r.NoAuthentication[0] != tc.wantAnonFirst {
			t.Errorf("AnalyzeCiphers(%q) anonymous suites %v", tc.list, r.NoAuthentication)
		}
	}
}

// TestAnalyzeCiphersMatchesOpenSSL compares the suites AnalyzeCiphers finds with the
// ones `openssl ciphers` enables for the same list, for lists built from every alias
// pgcert models and the ways of combining them.
func TestAnalyzeCiphersMatchesOpenSSL(t *testing.T) {
	openssl := testenv.RequireOpenSSL(t)
	lists := []string{
		"HIGH:MEDIUM:+3DES:!aNULL", "HIGH:MEDIUM:+3DES", "DEFAULT", "DEFAULT:aNULL", "ALL:COMPLEMENTOFALL",
		"ALL:!eNULL:eNULL", "ALL:-aNULL:aNULL", "ALL:-aNULL", "eNULL:!kRSA", "ECDHE+SHA1", "kECDHE+aNULL",
		"DH:ECDH", "EECDH:EDH", "ADH-AES128-SHA:NULL-MD5", "AES128+SHA256", "CAMELLIA:-SHA1", "AESGCM",
		"TLSv1.2+aNULL", "SSLv3", "TLSv1.0", "aRSA:aECDSA", "COMPLEMENTOFDEFAULT", "MD5:SHA384", "SHA,HIGH;!AES256",
		"HIGH:!ADH", "ALL:!AECDH", "aNULL:DEFAULT", "CAMELLIA128 CAMELLIA256", "NULL:-ECDSA", "AES256+SHA:kDHE", "kEDH+AES",
	}
	for alias := range cipherAliases {
		lists = append(lists, alias, "ALL:COMPLEMENTOFALL:!"+alias)
	}
	for _, list := range lists {
		out, _ := exec.Command(openssl, "ciphers", "-tls1_2", list).Output()
		var want []string
		for _, name := range strings.Split(strings.TrimSpace(string(out)), ":") {
			if slices.ContainsFunc(weakSuites, func(s weakSuite) bool { return s.name == name }) {
				want = append(want, name)
			}
		}
		r := AnalyzeCiphers(list)
		got := append(append([]string{}, r.NoEncryption...), r.NoAuthentication...)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q: pgcert finds %v, openssl enables %v", list, got, want)
		}
	}
}

func FuzzAnalyzeCiphers(f *testing.F) {
	for _, s := range []string{"HIGH:MEDIUM:+3DES:!aNULL", "DEFAULT:@SECLEVEL=0", "ALL:-aNULL:aNULL", "ECDHE+SHA1,!", "+:+-!@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		r := AnalyzeCiphers(list)
		if len(r.NoEncryption)+len(r.NoAuthentication) > len(weakSuites) {
			t.Fatalf("%q: %+v", list, r)
		}
		// Forbidding both kinds for good at the end always wins.
		r = AnalyzeCiphers(list + ":!eNULL:!aNULL")
		if len(r.NoEncryption)+len(r.NoAuthentication) != 0 {
			t.Fatalf("%q with !eNULL:!aNULL still enables %+v", list, r)
		}
	})
}
