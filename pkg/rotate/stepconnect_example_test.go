package rotate_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/rotate"
	"github.com/pgcert/pgcert/pkg/stepca"
)

// NewStepRemote returns no remote when nothing names a step-ca, and refuses one
// for a data directory that records a CA directory.
func ExampleNewStepRemote() {
	dir, caDir := dataDir()
	defer os.RemoveAll(filepath.Dir(dir))
	r, err := rotate.NewStepRemote(rotate.StepRemoteOptions{DataDir: dir})
	fmt.Println(r == nil, err)

	c, _ := ca.Open(caDir)
	if err := c.BindDataDir(dir); err != nil {
		panic(err)
	}
	_, err = rotate.NewStepRemote(rotate.StepRemoteOptions{DataDir: dir, Connect: stepca.ConnectOptions{URL: "https://ca.example:9000"}})
	fmt.Println(err != nil)
	// Output:
	// true <nil>
	// true
}
