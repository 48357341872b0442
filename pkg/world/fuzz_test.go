package world

import (
	"errors"
	"testing"
)

// FuzzParse feeds arbitrary specs to Parse: it must never panic, and every error
// must be a *SpecError, which names the file.
func FuzzParse(f *testing.F) {
	f.Add([]byte(testSpec))
	f.Add([]byte(nonStandard))
	f.Add([]byte("certs: {a: {subject: /CN=a, issuer: a, ca: true}}\nfiles: {x: {cert: a}}\n"))
	f.Add([]byte("files:\n  a/b: {crldir: [x]}\n  a: {concat: [file:a/b]}\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("pki.yaml", data)
		if err != nil {
			var se *SpecError
			if !errors.As(err, &se) || se.File != "pki.yaml" {
				t.Fatalf("error %T %v is not a *SpecError", err, err)
			}
			return
		}
		if len(s.Files) == 0 {
			t.Fatal("a spec without files was accepted")
		}
	})
}
