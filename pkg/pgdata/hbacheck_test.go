package pgdata

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCheckHBAIndexAgreesWithPairwise checks the indexed search for an earlier
// covering record against the rule it implements, applied to every earlier record in
// turn, over random pg_hba.conf files mixing keywords, quoted names, networks of both
// families, masks and host names.
func TestCheckHBAIndexAgreesWithPairwise(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	covered, uncovered := 0, 0
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	for round := range 200 {
		var b strings.Builder
		for range 40 {
			typ := pick("host", "hostssl", "hostnogssenc", "hostnossl", "local")
			db := pick("all", "db", "db,other", `"all"`, "other", "sameuser")
			user := pick("all", "bob", "bob,alice", `"all"`, "+admins")
			if typ == "local" {
				fmt.Fprintf(&b, "local %s %s peer\n", db, user)
				continue
			}
			addr := pick("all", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.3/32", "0.0.0.0/0", "::/0",
				"2001:db8::/32", "2001:db8::1/128", "samehost", "samenet", "db.example.com", ".example.com",
				"10.1.2.0 255.255.255.0", "10.0.0.0 255.0.0.0")
			method := pick("cert", "md5", "scram-sha-256 clientcert=verify-ca", "trust clientcert=verify-full", "reject")
			if typ != "hostssl" && (strings.Contains(method, "clientcert") || method == "cert") {
				method = "md5"
			}
			fmt.Fprintf(&b, "%s %s %s %s %s\n", typ, db, user, addr, method)
		}
		lines, err := ParseHBA("f", []byte(b.String()), v15)
		if err != nil {
			t.Fatalf("round %d: %v\n%s", round, err, b.String())
		}
		var idx hbaIndex
		for i, l := range lines {
			want := -1
			for j, e := range lines[:i] {
				if covers(e, l) {
					want = j
					break
				}
			}
			if want < 0 {
				uncovered++
			} else {
				covered++
			}
			if got := idx.firstCovering(l); got != want {
				t.Fatalf("round %d: record %d (line %d): first covering = %d, pairwise rule says %d\n%s", round, i, l.Line, got, want, b.String())
			}
			idx.add(i, l)
		}
	}
	if covered < 100 || uncovered < 100 {
		t.Errorf("the random files gave %d covered and %d uncovered records: too few of one kind to compare", covered, uncovered)
	}
}

// BenchmarkCheckHBA measures CheckHBA on files of distinct client-certificate records:
// the time per record should stay flat as the file grows.
func BenchmarkCheckHBA(b *testing.B) {
	for _, n := range []int{100, 1000, 10000, 100000} {
		var sb strings.Builder
		for i := range n {
			fmt.Fprintf(&sb, "hostssl db%d user%d 10.%d.%d.%d/32 cert\n", i, i, i>>16&255, i>>8&255, i&255)
		}
		lines, err := ParseHBA("f", []byte(sb.String()), v15)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				CheckHBA(lines, SSL{Enabled: true, CAFile: "root.crt"})
			}
		})
	}
}

// covers reports whether every SSL connection that later matches is matched by
// earlier first.
func covers(earlier, later HBALine) bool {
	switch earlier.Type {
	case "host", "hostssl", "hostnogssenc":
	default:
		return false
	}
	if !coversTokens(earlier.Databases, later.Databases) || !coversTokens(earlier.Users, later.Users) {
		return false
	}
	switch {
	case earlier.Address == "all" && earlier.Hostname == "":
		return true
	case earlier.Prefix.IsValid() && later.Prefix.IsValid():
		return earlier.Prefix.Addr().Is4() == later.Prefix.Addr().Is4() &&
			earlier.Prefix.Bits() <= later.Prefix.Bits() && earlier.Prefix.Contains(later.Prefix.Addr())
	}
	return earlier.Address == later.Address && earlier.Mask == later.Mask
}

// coversTokens reports whether the earlier list matches every name the later one does:
// it holds the keyword all, or the very same tokens.
func coversTokens(earlier, later []HBAToken) bool {
	for _, t := range earlier {
		if t.Keyword("all") {
			return true
		}
	}
	if len(earlier) != len(later) {
		return false
	}
	for i := range earlier {
		if earlier[i] != later[i] {
			return false
		}
	}
	return true
}
