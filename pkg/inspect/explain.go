package inspect

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
)

// Explain names path in an error of Describe on its content, and says what to do:
// the key format's own hint, what pgcert show reads, or that the file is damaged.
func Explain(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "inspect: ")
	var hints []string
	var fe *keys.FormatError
	var unrecognized *UnrecognizedError
	switch {
	case errors.As(err, &fe) && fe.Hint != "":
		hints = append(hints, fe.Hint)
	case errors.As(err, &unrecognized):
		hints = append(hints, "pgcert show reads PEM files (-----BEGIN CERTIFICATE----- and the like) and DER certificates, requests, CRLs and keys")
	case errors.Is(err, ErrUndecodablePEM):
		hints = append(hints, "the file is damaged or truncated; copy it again from its source")
	}
	return &hint.Error{Err: fmt.Errorf("%s: %s", path, msg), Hints: hints}
}
