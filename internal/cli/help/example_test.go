package help_test

import (
	"fmt"
	"strings"

	"github.com/pgcert/pgcert/internal/cli/help"
)

func ExampleLong() {
	long := help.Long("crl gen", "days", "180")
	fmt.Println(strings.Contains(long, "--days defaults to 180:"))
	// Output: true
}

func ExampleExample() {
	fmt.Println(strings.SplitN(help.Example("ca sign"), "\n", 2)[0])
	// Output:   # instead of: openssl x509 -req -in server.csr -text -days 365 -CA root.crt -CAkey root.key -CAcreateserial -out server.crt
}

func ExampleCommands() {
	fmt.Println(help.Commands()[:3])
	// Output: [ ca ca init]
}
