package testfs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pgcert/pgcert/internal/testfs"
)

// exampleTB is the part of testing.TB the helpers use, for examples, which get
// none: failures panic.
type exampleTB struct{ testing.TB }

func (exampleTB) Helper() {}

func (exampleTB) Fatal(args ...any) { panic(fmt.Sprint(args...)) }

func (exampleTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

func ExampleNames() {
	dir, _ := os.MkdirTemp("", "testfs-example")
	defer os.RemoveAll(dir)
	for _, name := range []string{"server.key", "root.crl", "server.crt"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o600)
	}
	fmt.Println(testfs.Names(exampleTB{}, dir))
	// Output: [root.crl server.crt server.key]
}

func ExampleNoHang() {
	testfs.NoHang(exampleTB{}, "a read of an empty file", func() {
		data, err := os.ReadFile(os.DevNull)
		fmt.Println(len(data), err)
	})
	// Output: 0 <nil>
}

func ExampleRead() {
	dir, _ := os.MkdirTemp("", "testfs-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "PG_VERSION")
	os.WriteFile(path, []byte("15\n"), 0o600)
	fmt.Printf("%q\n", testfs.Read(exampleTB{}, path))
	// Output: "15\n"
}
