package ca

import (
	"bytes"
	"fmt"
)

// Attr holds index.txt.attr, the settings openssl ca keeps beside its database.
type Attr struct {
	// UniqueSubject makes openssl ca refuse a certificate whose subject is already
	// held by a valid one. openssl assumes true when index.txt.attr is missing, which
	// breaks renewing a certificate before the old one expires; easy-rsa and pgcert
	// write false.
	UniqueSubject bool
}

// DefaultAttr is what openssl ca assumes when index.txt.attr does not exist.
var DefaultAttr = Attr{UniqueSubject: true}

// ParseAttr reads index.txt.attr. Like openssl it reads "unique_subject" as a yes/no
// value by its first letter (y, t, 1 for yes; n, f, 0 for no; anything else keeps
// the default, yes) and ignores other keys, blank lines and '#' comments.
func ParseAttr(data []byte) (Attr, error) {
	a := DefaultAttr
	for n, line := range bytes.Split(data, []byte{'\n'}) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, value, ok := bytes.Cut(line, []byte{'='})
		if !ok {
			return DefaultAttr, fmt.Errorf("ca: index.txt.attr line %d: %q is not key = value", n+1, line)
		}
		if string(bytes.TrimSpace(key)) != "unique_subject" {
			continue
		}
		value = bytes.TrimSpace(value)
		if len(value) > 0 {
			switch value[0] {
			case 'y', 'Y', 't', 'T', '1':
				a.UniqueSubject = true
			case 'n', 'N', 'f', 'F', '0':
				a.UniqueSubject = false
			}
		}
	}
	return a, nil
}

// Format returns a as openssl writes index.txt.attr.
func (a Attr) Format() []byte {
	if a.UniqueSubject {
		return []byte("unique_subject = yes\n")
	}
	return []byte("unique_subject = no\n")
}
