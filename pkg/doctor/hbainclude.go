package doctor

import (
	"path/filepath"
	"strings"
	"unicode"

	"github.com/pgcert/pgcert/pkg/pgdata"
)

// maxIncludeDepth bounds how deep includeLoop follows @file inclusions that do not
// loop: far beyond any real set-up, and well within the server's own limit on open
// files, which is what a loop runs into.
const maxIncludeDepth = 32

// includeLoop returns, for a pg_hba.conf record, the chain of @file inclusions that
// comes back to a file already being read, or nil. The server (tokenize_inc_file)
// reads an unquoted @file token of the database and user fields as a list of names,
// relative to the directory of the file that names it, and follows @file tokens in
// that list too: a loop makes it open the same file until it runs out of file
// descriptors and stops.
func includeLoop(hbaPath string, l pgdata.HBALine) []string {
	for _, tok := range append(append([]pgdata.HBAToken{}, l.Databases...), l.Users...) {
		if tok.Quoted || !strings.HasPrefix(tok.Text, "@") {
			continue
		}
		if loop := followInclude(hbaPath, tok.Text[1:], []string{hbaPath}); loop != nil {
			return loop
		}
	}
	return nil
}

// followInclude reads the @file name, named in the file from, with stack the files
// being read, and returns the loop it finds.
func followInclude(from, name string, stack []string) []string {
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(from), name)
	}
	for _, p := range stack {
		if p == path {
			return append(stack, path)
		}
	}
	if len(stack) > maxIncludeDepth {
		return nil
	}
	data, err := readFile(path)
	if err != nil || len(data) > pgdata.MaxConfigFileSize {
		// The server logs a file it cannot open and reads it as empty.
		return nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		for _, tok := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			if strings.HasPrefix(tok, "@") && len(tok) > 1 {
				if loop := followInclude(path, tok[1:], append(stack, path)); loop != nil {
					return loop
				}
			}
		}
	}
	return nil
}
