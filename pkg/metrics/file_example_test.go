package metrics_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/metrics"
)

func ExampleWriteFile() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "pgcert.prom")
	err := metrics.WriteFile(path, []metrics.Family{{Name: "pgcert_up", Help: "1.", Type: metrics.Gauge, Samples: []metrics.Sample{{Value: 1}}}})
	fi, _ := os.Stat(path)
	fmt.Println(err, fi.Mode().Perm())
	// Output: <nil> -rw-r--r--
}

func ExampleReadFile() {
	dir, _ := os.MkdirTemp("", "pgcert-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "pgcert.prom")
	fmt.Println(len(metrics.ReadFile(path)))
	metrics.WriteFile(path, []metrics.Family{{Name: "pgcert_up", Help: "1.", Type: metrics.Gauge, Samples: []metrics.Sample{{Value: 1}}}})
	fams := metrics.ReadFile(path)
	fmt.Println(fams[0].Name, fams[0].Samples[0].Value)
	// Output:
	// 0
	// pgcert_up 1
}
