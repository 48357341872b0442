package selfsign

import (
	"testing"

	"github.com/pgcert/pgcert/internal/testpki"
)

func BenchmarkParseSubject(b *testing.B) {
	for b.Loop() {
		if _, err := ParseSubject("/C=US/ST=California/O=Acme/OU=DB+CN=db.example.com/emailAddress=dba@example.com"); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkIssue(b *testing.B, kind testpki.KeyKind) {
	root := build(b, Spec{Profile: RootCA, Subject: mustSubject(b, "/CN=Root"), PathLen: 0}, kind, nil)
	key := testpki.KeyOf(b, kind)
	spec := Spec{Profile: ServerLeaf, Subject: mustSubject(b, "/CN=db.example.com"), Now: testNow}
	for b.Loop() {
		if _, err := Build(spec, root.cert, root.key, key.Public()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssueP256(b *testing.B)    { benchmarkIssue(b, testpki.P256) }
func BenchmarkIssueP384(b *testing.B)    { benchmarkIssue(b, testpki.P384) }
func BenchmarkIssueEd25519(b *testing.B) { benchmarkIssue(b, testpki.Ed25519) }
func BenchmarkIssueRSA2048(b *testing.B) { benchmarkIssue(b, testpki.RSA2048) }

func BenchmarkNewAndParseRequestP256(b *testing.B) {
	key := testpki.KeyOf(b, testpki.P256)
	subj := mustSubject(b, "/CN=db.example.com")
	for b.Loop() {
		der, err := NewRequest(key, subj, SANs{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ParseRequest(der); err != nil {
			b.Fatal(err)
		}
	}
}
