package inspect_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/inspect"
)

func ExampleExplain() {
	_, err := inspect.Describe([]byte("hello\n"), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	err = inspect.Explain("notes.txt", err)
	var h *hint.Error
	errors.As(err, &h)
	fmt.Println(h.Hints[0])
	// Output:
	// pgcert show reads PEM files (-----BEGIN CERTIFICATE----- and the like) and DER certificates, requests, CRLs and keys
}
