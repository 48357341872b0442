package stepca

import (
	"fmt"
	"strings"
)

// UnreachableError says that the CA did not answer: down, wrong address, or a
// TLS handshake that failed.
type UnreachableError struct {
	// URL is what was asked.
	URL string
	Err error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("stepca: the CA at %s did not answer: %v", e.URL, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// RefusedError says that the CA answered with an error, and what it said.
type RefusedError struct {
	// URL is what was asked; Status the HTTP status; Message step-ca's message
	// (or the start of the body when it sent no JSON message).
	URL     string
	Status  int
	Message string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("stepca: the CA refused %s (HTTP %d): %s", e.URL, e.Status, e.Message)
}

// PasswordError says that the provisioner's password does not decrypt its key.
type PasswordError struct{ Provisioner string }

func (e *PasswordError) Error() string {
	return fmt.Sprintf("stepca: the password does not decrypt the key of provisioner %q", e.Provisioner)
}

// UnknownProvisionerError says that the CA has no JWK provisioner of that name.
type UnknownProvisionerError struct {
	Name string
	// Known are the names of the CA's JWK provisioners.
	Known []string
}

func (e *UnknownProvisionerError) Error() string {
	known := "none"
	if len(e.Known) > 0 {
		known = strings.Join(e.Known, ", ")
	}
	return fmt.Sprintf("stepca: the CA has no JWK provisioner %q (its JWK provisioners: %s)", e.Name, known)
}

// RootMismatchError says that the root the CA sent is not the one its
// fingerprint names: the URL reaches another CA, or someone in between.
type RootMismatchError struct {
	URL, Want, Got string
}

func (e *RootMismatchError) Error() string {
	return fmt.Sprintf("stepca: the root certificate from %s has SHA-256 fingerprint %s, not %s", e.URL, e.Got, e.Want)
}
