package doctor_test

import (
	"fmt"

	"github.com/pgcert/pgcert/pkg/doctor"
)

func ExampleCommand_Validate() {
	fmt.Println(doctor.Command{WarnDays: doctor.DefaultWarnDays}.Validate())
	fmt.Println(doctor.Command{DataDir: "/srv/pg", MetricsFile: "check.prom"}.Validate())
	fmt.Println(doctor.Command{DataDir: "/srv/pg", Hosts: []string{"db.example.com"}}.Validate())
	// Output:
	// give the data directory with -D PGDATA
	// --metrics-file goes with --expiring
	// <nil>
}

func ExampleCommand_Run() {
	s, done := exampleDataDir()
	defer done()
	c := doctor.Command{DataDir: s.Dir.Dir, WarnDays: doctor.DefaultWarnDays, Strict: true}
	rep, _, err := c.Run(s, doctor.Options{Now: checkedAt})
	fmt.Println("report ok:", rep.OK, err)
	c.Expiring = true
	_, exp, err := c.Run(s, doctor.Options{Now: checkedAt})
	fmt.Println("expiring ok:", exp.OK, exp.Expiring, err)
	// Output:
	// report ok: false <nil>
	// expiring ok: false 1 <nil>
}
