package rotate_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/rotate"
)

func ExampleLockForWriting() {
	dir, caDir := dataDir()
	defer os.RemoveAll(filepath.Dir(caDir))
	os.WriteFile(filepath.Join(dir, ".pgcert-tmp-killed"), []byte("a key a killed write left"), 0o600)
	say := func(msg string) { fmt.Println(msg) }
	release, err := rotate.LockForWriting(dir, keyperm.SystemLookup{}, say, say)
	if err != nil {
		panic(err)
	}
	defer release()
	_, err = os.Stat(filepath.Join(dir, ".pgcert-tmp-killed"))
	fmt.Println(os.IsNotExist(err))
	// Output: true
}
