package probe_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/metrics"
	"github.com/pgcert/pgcert/pkg/probe"
)

func ExampleTargetsFromArgs() {
	targets, err := probe.TargetsFromArgs([]string{"db1.example.com", "db2.example.com:5433", "[2001:db8::5]"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range targets {
		fmt.Println(t.Name, t.Host, t.Port)
	}
	_, err = probe.TargetsFromArgs([]string{"db1.example.com", "db2:http"})
	fmt.Println(err)
	// Output:
	// db1.example.com:5432 db1.example.com 5432
	// db2.example.com:5433 db2.example.com 5433
	// [2001:db8::5]:5432 2001:db8::5 5432
	// argument 2: probe: bad target: "http": port must be a number from 1 to 65535
}

func ExampleReadTargets() {
	list := `# production
db1.example.com
db2.example.com:5433   # the reporting replica

10.0.0.7:5432
`
	targets, err := probe.ReadTargets(strings.NewReader(list), "fleet.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range targets {
		fmt.Println(t.Name, "from", t.Source)
	}
	_, err = probe.ReadTargets(strings.NewReader("db1\ndb2:5432:1\n"), "fleet.txt")
	fmt.Println(err)
	// Output:
	// db1.example.com:5432 from fleet.txt:2
	// db2.example.com:5433 from fleet.txt:3
	// 10.0.0.7:5432 from fleet.txt:5
	// fleet.txt:2: probe: bad target: "db2:5432:1": not an IPv6 address
}

func ExampleReadServiceFile() {
	conf := `# ~/.pg_service.conf
[billing]
host=db1.example.com,db2.example.com
port=5432,5433
dbname=billing
sslmode=verify-full

[reports]
host=reports.example.com
hostaddr=10.0.0.9
sslrootcert=/etc/pgcert/reports-root.crt

[local]
dbname=postgres
`
	targets, err := probe.ReadServiceFile(strings.NewReader(conf), "pg_service.conf")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range targets {
		fmt.Printf("%s: host %q hostaddr %q port %d sslmode %q socket %q\n", t.Name, t.Host, t.HostAddr, t.Port, t.SSLMode, t.Socket)
	}
	_, err = probe.ReadServiceFile(strings.NewReader("[billing]\nhost = db1.example.com\n"), "pg_service.conf")
	fmt.Println(err)
	// Output:
	// billing (db1.example.com:5432): host "db1.example.com" hostaddr "" port 5432 sslmode "verify-full" socket ""
	// billing (db2.example.com:5433): host "db2.example.com" hostaddr "" port 5433 sslmode "verify-full" socket ""
	// reports: host "reports.example.com" hostaddr "10.0.0.9" port 5432 sslmode "" socket ""
	// local: host "" hostaddr "" port 5432 sslmode "" socket "default"
	// pg_service.conf:2: syntax error: "host " is not a libpq connection keyword (libpq refuses the service too; no spaces around '=')
}

// sslOffServer stands in for a PostgreSQL server with ssl = off: it answers 'N' to
// every SSLRequest.
func sslOffServer() (port int, stop func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			io.ReadFull(c, make([]byte, 8))
			c.Write([]byte("N"))
			c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port, func() { ln.Close() }
}

func ExampleProbeAll() {
	port, stop := sslOffServer()
	defer stop()
	targets := []probe.Target{
		{Name: "ssl-off", Host: "127.0.0.1", Port: port},
		{Name: "local", Service: "local", Socket: "default"},
	}
	rep := probe.ProbeAll(context.Background(), targets, probe.FleetOptions{Parallel: 8, Timeout: 10 * time.Second})
	for _, r := range rep.Targets {
		fmt.Println(r.Name, r.Status, r.Status.Failed())
	}
	fmt.Println(rep.Summary.Text())
	fmt.Println(rep.OK)
	// Output:
	// ssl-off no-ssl true
	// local skipped false
	// 2 targets: 0 ok, 1 failed (1 no-ssl), 1 skipped
	// false
}

func ExampleFleetReport_WriteText() {
	rep := &probe.FleetReport{
		Targets: []probe.FleetResult{
			{Target: probe.Target{Name: "db1.example.com:5432"}, Status: probe.StatusRefused, Error: "connection refused: nothing listens there"},
			{Target: probe.Target{Name: "local"}, Status: probe.StatusSkipped, Error: "reached through a Unix-domain socket (default), where libpq uses no SSL"},
		},
		Summary: probe.FleetSummary{Targets: 2, Failed: 1, Skipped: 1, ByStatus: map[probe.Status]int{probe.StatusRefused: 1, probe.StatusSkipped: 1}},
	}
	rep.WriteText(os.Stdout)
	// Output:
	// db1.example.com:5432 refused      connection refused: nothing listens there
	// local                skipped      reached through a Unix-domain socket (default), where libpq uses no SSL
	// 2 targets: 0 ok, 1 failed (1 refused), 1 skipped
}

func ExampleFleetReport_Metrics() {
	rep := &probe.FleetReport{
		Time: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		Targets: []probe.FleetResult{
			{Target: probe.Target{Name: "db1.example.com:5432"}, Status: probe.StatusTimeout, Seconds: 5},
		},
	}
	metrics.Write(os.Stdout, rep.Metrics())
	// Output:
	// # HELP pgcert_probe_last_run_timestamp_seconds Unix time the last pgcert probe run started.
	// # TYPE pgcert_probe_last_run_timestamp_seconds gauge
	// pgcert_probe_last_run_timestamp_seconds 1.780272e+09
	// # HELP pgcert_probe_ok 1 when the server's SSL is fine, 0 when the probe failed or found a problem.
	// # TYPE pgcert_probe_ok gauge
	// pgcert_probe_ok{target="db1.example.com:5432",status="timeout"} 0
	// # HELP pgcert_probe_verdict_ok 1 when libpq would accept the server's certificate, 0 when it would refuse it.
	// # TYPE pgcert_probe_verdict_ok gauge
	// # HELP pgcert_probe_certificate_days_left Whole days until a certificate the server sends expires (negative once expired).
	// # TYPE pgcert_probe_certificate_days_left gauge
	// # HELP pgcert_probe_certificate_expiry_timestamp_seconds Unix time a certificate the server sends expires (notAfter).
	// # TYPE pgcert_probe_certificate_expiry_timestamp_seconds gauge
	// # HELP pgcert_probe_duration_seconds Seconds the probe of the server took.
	// # TYPE pgcert_probe_duration_seconds gauge
	// pgcert_probe_duration_seconds{target="db1.example.com:5432"} 5
}
