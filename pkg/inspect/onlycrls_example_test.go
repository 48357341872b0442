package inspect_test

import (
	"fmt"
	"os"
	"time"

	"github.com/pgcert/pgcert/pkg/inspect"
)

func ExampleOnlyCRLs() {
	for _, file := range []string{"testdata/root.crl", "testdata/root.pem"} {
		data, err := os.ReadFile(file)
		if err != nil {
			panic(err)
		}
		objs, err := inspect.Describe(data, time.Now())
		if err != nil {
			panic(err)
		}
		crls, err := inspect.OnlyCRLs(file, objs)
		fmt.Println(len(crls), err)
	}
	// Output:
	// 1 <nil>
	// 0 testdata/root.pem holds no CRL
}
