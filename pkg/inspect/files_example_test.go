package inspect_test

import (
	"fmt"
	"os"
	"time"

	"github.com/pgcert/pgcert/pkg/inspect"
)

func ExampleDescribeFiles() {
	files, err := inspect.DescribeFiles([]string{"testdata/bundle.pem", "testdata/root.crl"}, inspect.FilesOptions{
		Now:      time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		ReadFile: os.ReadFile,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files {
		for _, o := range f.Objects {
			fmt.Println(f.Path, o.Type, o.Encoding)
		}
	}
	_, err = inspect.DescribeFiles([]string{"testdata/gen.sh"}, inspect.FilesOptions{ReadFile: os.ReadFile})
	fmt.Println(err != nil)
	// Output:
	// testdata/bundle.pem certificate PEM
	// testdata/bundle.pem certificate PEM
	// testdata/root.crl crl PEM
	// true
}
