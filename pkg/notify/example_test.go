package notify_test

import (
	"fmt"

	"github.com/pgcert/pgcert/pkg/notify"
)

// stdout is a Reporter that prints, as a command line would to standard error.
type stdout struct{}

func (stdout) Infof(format string, args ...any) { fmt.Printf("info: "+format+"\n", args...) }
func (stdout) Warnf(format string, args ...any) { fmt.Printf("warning: "+format+"\n", args...) }

func ExampleOr() {
	notify.Or(stdout{}).Warnf("%s expires in %d days", "root.crl", 3)
	notify.Or(nil).Warnf("nobody hears this")
	// Output:
	// warning: root.crl expires in 3 days
}
