package bootstrap_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

func ExampleSelfSignedResult_WriteText() {
	dir, dd, _, err := fixture(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	r, err := bootstrap.WriteSelfSigned(bootstrap.SelfSignedOptions{
		DataDir: dd, Hosts: []string{"db.example.com"}, Days: 825, Now: func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var info bytes.Buffer
	if err := r.WriteText(&info, os.Stdout); err != nil {
		fmt.Println(err)
		return
	}
	lines := strings.Split(strings.TrimSpace(info.String()), "\n")
	fmt.Println(lines[2])
	fmt.Println(strings.Replace(lines[3], dir, "DIR", 1))
	// Output:
	// ssl = on
	// certificate for DNS:db.example.com, valid until 2028-06-03 12:00:00 UTC (825 days)
	// add to DIR/pgdata/postgresql.conf, then restart the server:
}

func ExampleRefuseCAIssued() {
	dir, dd, c, err := fixture(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	fmt.Println(bootstrap.RefuseCAIssued(dd.Dir, false))
	plan, err := bootstrap.NewPlan(bootstrap.Options{
		DataDir: dd, CA: c, Hosts: []string{"db.example.com"}, Days: 30,
		Now: func() time.Time { return now }, CRLs: makeCRLs,
	})
	if err == nil {
		_, err = plan.Apply()
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	err = bootstrap.RefuseCAIssued(dd.Dir, false)
	fmt.Println(strings.Contains(err.Error(), filepath.Join(dd.Dir, "server.crt")+" was issued by the CA"))
	fmt.Println(bootstrap.RefuseCAIssued(dd.Dir, true))
	// Output:
	// <nil>
	// true
	// <nil>
}

func ExampleEscapeSubjectValue() {
	v := bootstrap.EscapeSubjectValue("a/b+c")
	rdn, err := selfsign.ParseSubject("/CN=" + v)
	fmt.Println(v, len(rdn), err)
	// Output: a\/b\+c 1 <nil>
}
