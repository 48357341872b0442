package doctor_test

import (
	"os"

	"github.com/pgcert/pgcert/pkg/doctor"
	"github.com/pgcert/pgcert/pkg/style"
)

func ExampleReport_WriteText() {
	rep := &doctor.Report{
		DataDirectory: "/srv/pgdata", Version: "15", DatabaseUser: "postgres", Warnings: 1,
		Files: []doctor.Group{{
			Name: "server.crt", Setting: "ssl_cert_file", Path: "/srv/pgdata/server.crt",
			Findings: []doctor.Finding{
				{Level: doctor.LevelOK, Check: "load", Source: doctor.SourcePgcert, Message: "loads"},
				{Level: doctor.LevelWarning, Check: "expiry", Source: doctor.SourcePgcert,
					Message: "expires on 2026-03-01 (in 13 days)", Fix: "pgcert renew -D /srv/pgdata"},
			},
		}},
	}
	rep.WriteText(os.Stdout, style.Plain)
	// Output:
	// data directory /srv/pgdata (PostgreSQL 15, database user postgres)
	//
	// server.crt (ssl_cert_file)  /srv/pgdata/server.crt
	//   ok       loads
	//   warning  expires on 2026-03-01 (in 13 days)
	//            fix: pgcert renew -D /srv/pgdata
	//
	// 1 warning
}

func ExampleExpiringReport_WriteText() {
	s, done := exampleDataDir()
	defer done()
	rep := doctor.Check(s, doctor.Options{Now: checkedAt, WarnDays: doctor.DefaultWarnDays})
	rep.Expiring().WriteText(os.Stdout, style.Plain)
	// Output:
	//  DAYS  EXPIRES     KIND         STATUS    FILE / NAME
	//    13  2026-03-01  certificate  expiring  server.crt: CN=db.example.com
	// 0 expired, 1 expiring within 30 days
}
