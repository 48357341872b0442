package doctor

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcert/pgcert/pkg/style"
)

// brackets marks each painted word, so that a test sees what is painted how.
type brackets struct{}

func (brackets) Green(s string) string  { return "<g>" + s + "</g>" }
func (brackets) Yellow(s string) string { return "<y>" + s + "</y>" }
func (brackets) Red(s string) string    { return "<r>" + s + "</r>" }
func (brackets) Bold(s string) string   { return "<b>" + s + "</b>" }

func TestReportWriteText(t *testing.T) {
	rep := &Report{
		DataDirectory: "/d", Version: "16", VersionAssumed: true, DatabaseUser: "pg", Errors: 1, Warnings: 2,
		Files: []Group{
			{Name: "postgresql.conf", Path: "postgresql.conf", Findings: []Finding{
				{Level: LevelError, Source: SourceServer, Message: `unrecognized configuration parameter "ssl_foo"`, File: "/d/postgresql.conf", Line: 7},
			}},
			{Name: "root.crt", Setting: "ssl_ca_file", Path: "/d/root.crt", Findings: []Finding{
				{Level: LevelOK, Source: SourcePgcert, Message: "fine", File: "/d/x", Line: 3},
				{Level: LevelWarning, Source: SourceLibpq, Message: "w1", Detail: "more"},
				{Level: LevelWarning, Source: SourcePgcert, Message: "w2", Fix: "do it"},
			}},
		},
	}
	var b strings.Builder
	rep.WriteText(&b, brackets{})
	want := `<b>data directory</b> /d (PostgreSQL 16 rules assumed, database user pg)

<b>postgresql.conf</b>
  <r>error  </r>  server: unrecognized configuration parameter "ssl_foo"
           at /d/postgresql.conf:7

<b>root.crt (ssl_ca_file)  /d/root.crt</b>
  <g>ok     </g>  fine
  <y>warning</y>  libpq: w1
           more
  <y>warning</y>  w2
           fix: do it

<r>1 error</r>, <y>2 warnings</y>
`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	b.Reset()
	(&Report{DataDirectory: "/d", Version: "15", DatabaseUser: "pg"}).WriteText(&b, brackets{})
	if want := "<b>data directory</b> /d (PostgreSQL 15, database user pg)\n\n<g>all ok</g>\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestExpiringReportWriteText(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	days := func(n int) *int { return &n }
	rep := &ExpiringReport{WarnDays: 30, Expired: 1, Expiring: 0, Items: []ExpiringItem{
		{Kind: KindCRL, File: "root.crl", Issuer: "CN=CA", Expires: &at, DaysLeft: days(-2), Status: ExpiryExpired},
		{Kind: "certificate", File: "server.crt", Subject: "CN=db", Expires: &at, DaysLeft: days(90), Status: "ok"},
		{Kind: KindCRL, File: "old.crl", Issuer: "CN=Old", Status: "ok"},
	}}
	var b strings.Builder
	if err := rep.WriteText(&b, brackets{}); err != nil {
		t.Fatal(err)
	}
	want := ` DAYS  EXPIRES     KIND         STATUS    FILE / NAME
   -2  2026-05-01  crl          <r>expired </r>  root.crl: CRL of CN=CA
   90  2026-05-01  certificate  <g>ok      </g>  server.crt: CN=db
never  -           crl          <g>ok      </g>  old.crl: CRL of CN=Old
1 expired, 0 expiring within 30 days
`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	b.Reset()
	(&ExpiringReport{}).WriteText(&b, style.Plain)
	if !strings.HasSuffix(b.String(), "no certificate or CRL found\n") {
		t.Errorf("empty list: %q", b.String())
	}
}
