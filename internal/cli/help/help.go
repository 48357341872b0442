// Package help holds the long description and the examples of every pgcert command,
// one text file per command, embedded in the binary.
//
// The file of `pgcert ca issue server` is ca_issue_server.txt (the command's path
// without "pgcert", spaces made underscores); the top-level command's is pgcert.txt.
// A file has two sections, each opened by a marker line:
//
//	--- long
//	What the command does, over as many paragraphs as it needs.
//
//	Exit codes: 0 success; 2 bad usage.
//	--- example
//	  pgcert ca issue server --host db.example.com
//
// Why this shape: a command's help is prose that is edited as a whole, and a text
// file shows it as it prints — wrapped at the width a terminal shows it, without Go's
// quoting, reviewed as prose in a diff — while the command's Go file keeps only its
// one-line summary, so the command tree still reads from the code. The long text and
// the examples are read and changed together, so they share one file; marker lines
// are used instead of a richer format because the help must print byte for byte as
// written. The one substitution is {{name}}, filled by the command with a value that
// lives in a Go constant (a default number of days, the list of revocation reasons),
// so that the help cannot drift from the code.
//
// A missing file, a malformed one or an unfilled {{name}} is a programming error,
// found by every test that builds the command tree: the functions panic.
package help

import (
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
)

//go:embed *.txt
var files embed.FS

// The marker lines that open a file's two sections.
const (
	longMarker    = "--- long\n"
	exampleMarker = "\n--- example\n"
)

// text is one command's help as its file holds it.
type text struct{ long, example string }

// load reads and parses every file once, on first use.
var load = sync.OnceValue(func() map[string]text {
	entries, err := files.ReadDir(".")
	if err != nil {
		panic(err)
	}
	m := make(map[string]text, len(entries))
	for _, e := range entries {
		data, err := files.ReadFile(e.Name())
		if err != nil {
			panic(err)
		}
		t, err := parse(string(data))
		if err != nil {
			panic(fmt.Sprintf("help/%s: %v", e.Name(), err))
		}
		m[commandOf(e.Name())] = t
	}
	return m
})

// commandOf names the command a file is for, as Long wants it.
func commandOf(file string) string {
	name := strings.TrimSuffix(file, path.Ext(file))
	if name == "pgcert" {
		return ""
	}
	return strings.ReplaceAll(name, "_", " ")
}

// parse splits a file into its sections; each must be there, in order, and hold text.
func parse(s string) (text, error) {
	if !strings.HasPrefix(s, longMarker) {
		return text{}, fmt.Errorf("does not start with %q", strings.TrimSpace(longMarker))
	}
	if !strings.HasSuffix(s, "\n") {
		return text{}, fmt.Errorf("does not end with a newline")
	}
	long, example, ok := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(s, longMarker), "\n"), exampleMarker)
	if !ok || strings.Contains(example, exampleMarker) {
		return text{}, fmt.Errorf("wants one %q line", strings.TrimSpace(exampleMarker))
	}
	if strings.TrimSpace(long) == "" || strings.TrimSpace(example) == "" {
		return text{}, fmt.Errorf("has an empty section")
	}
	return text{long, example}, nil
}

func get(command string) text {
	t, ok := load()[command]
	if !ok {
		panic(fmt.Sprintf("help: no file for command %q", command))
	}
	return t
}

// Long returns the long description of command (its path without "pgcert", as typed:
// "ca issue server"; "" for pgcert itself), with each {{name}} replaced by the value
// following name in fill, which lists name, value pairs.
func Long(command string, fill ...string) string {
	s := get(command).long
	if len(fill)%2 != 0 {
		panic(fmt.Sprintf("help: %q: fill wants name, value pairs", command))
	}
	for i := 0; i < len(fill); i += 2 {
		name := "{{" + fill[i] + "}}"
		if !strings.Contains(s, name) {
			panic(fmt.Sprintf("help: %q has no %s", command, name))
		}
		s = strings.ReplaceAll(s, name, fill[i+1])
	}
	if _, rest, ok := strings.Cut(s, "{{"); ok {
		name, _, _ := strings.Cut(rest, "}}")
		panic(fmt.Sprintf("help: %q: {{%s}} is not filled", command, name))
	}
	return s
}

// Example returns the examples of command, named as for Long.
func Example(command string) string {
	return get(command).example
}

// Commands lists the commands that have a help file, named as for Long, sorted; a
// test compares it with the command tree so that no file is left without a command.
func Commands() []string {
	m := load()
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
