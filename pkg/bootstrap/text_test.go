package bootstrap

import (
	"strings"
	"testing"
)

func TestResultWriteTextConfigured(t *testing.T) {
	base := func() *Result {
		return &Result{DataDir: "/d", Version: "16", VersionAssumed: true, CA: CA{Dir: "/ca"},
			Server:  Issued{Serial: "01", SANs: "DNS:x", NotAfter: "2028-01-01T00:00:00Z"},
			Clients: []Client{{Role: "standby", Dir: "/ca/clients/standby", Replication: true, PrimaryConninfo: "host=x sslpassword='a'"}}}
	}
	r := base()
	r.Configured, r.Configuration = true, ConfigureEffect{ServerConfig: true}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\nconfigured for PostgreSQL 16 (assumed: no PG_VERSION); reload the server (pg_ctl reload, or SELECT pg_reload_conf()):\n",
		"  standby (replication; CREATE ROLE standby LOGIN REPLICATION): /ca/clients/standby\n    primary_conninfo = 'host=x sslpassword=''a'''\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %q in\n%s", want, b.String())
		}
	}
	r = base()
	r.Configured, r.Configuration = true, ConfigureEffect{PgcertConf: "/d/pgcert.conf"}
	b.Reset()
	r.WriteText(&b)
	if want := "\nwrote /d/pgcert.conf for PostgreSQL 16 (assumed: no PG_VERSION); no postgresql.conf includes it yet (add include_if_exists 'pgcert.conf'):\n"; !strings.Contains(b.String(), want) {
		t.Errorf("no %q in\n%s", want, b.String())
	}
}
