package testnotify_test

import (
	"fmt"

	"github.com/pgcert/pgcert/internal/testnotify"
	"github.com/pgcert/pgcert/pkg/notify"
)

// A Recorder is what a test hands a library as its Reporter.
var _ notify.Reporter = (*testnotify.Recorder)(nil)

func ExampleRecorder_Infof() {
	var rec testnotify.Recorder
	rec.Infof("created %s (mode %04o)", "crls", 0o755)
	fmt.Printf("%q\n", rec.Lines)
	// Output: ["info: created crls (mode 0755)"]
}

func ExampleRecorder_Warnf() {
	var rec testnotify.Recorder
	rec.Infof("wrote %s", "server.crt")
	rec.Warnf("%s is not encrypted", "server.key")
	fmt.Printf("%q\n", rec.Lines)
	// Output: ["info: wrote server.crt" "warning: server.key is not encrypted"]
}
