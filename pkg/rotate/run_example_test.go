package rotate_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/rotate"
)

func ExampleParseWithin() {
	for _, s := range []string{"30", "7d", "36h", "soon"} {
		d, err := rotate.ParseWithin(s)
		fmt.Println(d, err)
	}
	// Output:
	// 720h0m0s <nil>
	// 168h0m0s <nil>
	// 36h0m0s <nil>
	// 0s --within soon: give days (30, 30d) or a duration (720h)
}

func ExampleCommand_Validate() {
	given := func(flag string) bool { return flag == "force" }
	c := rotate.Command{DataDir: "/srv/pg", Rollback: true, Force: true, Wait: rotate.DefaultReloadWait}
	fmt.Println(c.Validate(given))
	c = rotate.Command{DataDir: "/srv/pg", Within: "30d", Wait: rotate.DefaultReloadWait}
	fmt.Println(c.Validate(given))
	// Output:
	// --rollback puts the previous files back: --force does not apply
	// <nil>
}

func ExampleCommand_Run() {
	dir, caDir := dataDir()
	defer os.RemoveAll(filepath.Dir(dir))

	c := rotate.Command{DataDir: dir, Within: "30d", Wait: rotate.DefaultReloadWait}
	err := c.Run(rotate.RunOptions{
		Options: rotate.Options{
			Now:      func() time.Time { return now },
			Validate: func(*pgdata.Setup, time.Time) ([]string, []string) { return nil, nil },
		},
		ReadSetup: func(dir string) (*pgdata.Setup, error) { return pgdata.ReadSetup(dir, keyperm.SystemLookup{}) },
		CAFor:     func(string) (*ca.CA, error) { return ca.Open(caDir) },
		Print: func(rep *rotate.Report) error {
			fmt.Println(rep.Action)
			fmt.Println(rep.Certificate.Reason)
			return nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// renewed
	// it expires in 25 days, within 30 days (--within)
}
