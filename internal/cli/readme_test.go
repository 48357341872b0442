package cli

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeInvocation is a pgcert command line README.md shows, with its line number.
// A line of a code block is a whole command line; a code span of the text may only
// mention a command and some of its flags.
type readmeInvocation struct {
	line  int
	text  string
	whole bool
	// mistyped is a command line a session shows answered by "pgcert: error:
	// unknown command": it must not parse.
	mistyped bool
}

// inlineCode matches a `code span` of a Markdown line.
var inlineCode = regexp.MustCompile("`([^`]+)`")

// optionalFlag matches a flag written as optional, [--reload], in prose.
var optionalFlag = regexp.MustCompile(`\[(--?[a-z][a-z-]*(?: [^\]]+)?)\]`)

// readmeInvocations returns the pgcert command lines of README.md: the lines of code
// blocks that run pgcert, and the code spans of the text that start with "pgcert ".
func readmeInvocations(t *testing.T, text string) []readmeInvocation {
	t.Helper()
	var out []readmeInvocation
	lines := strings.Split(text, "\n")
	inBlock, prompted := false, false
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") {
			inBlock = !inBlock
			prompted = inBlock && blockHasPrompt(lines[i+1:])
			continue
		}
		if inBlock {
			// In a block of a session, commands follow a "$ " prompt and the other
			// lines are their output.
			if prompted && !strings.HasPrefix(trimmed, "$ ") {
				continue
			}
			if _, ok, _ := pgcertArgs(trimmed); ok {
				mistyped := prompted && i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), "pgcert: error: unknown command")
				out = append(out, readmeInvocation{i + 1, trimmed, true, mistyped})
			}
			continue
		}
		for _, m := range inlineCode.FindAllStringSubmatch(line, -1) {
			span := strings.ReplaceAll(m[1], `\|`, "|")
			if strings.HasPrefix(span, "pgcert ") {
				out = append(out, readmeInvocation{i + 1, optionalFlag.ReplaceAllString(span, "$1"), false, false})
			}
		}
	}
	return out
}

// blockHasPrompt reports whether the code block that starts at lines[0] shows a
// shell session: a line starting with a "$ " prompt.
func blockHasPrompt(lines []string) bool {
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "```") {
			return false
		}
		if strings.HasPrefix(l, "$ ") {
			return true
		}
	}
	return false
}

// TestReadmeInvocationsParse checks every pgcert command line README.md and the
// documents of docs/ show against the command tree, without running it: the
// commands and flags they name exist, and in code blocks the positional arguments
// and required flags are right too. A renamed flag or command that the
// documentation still shows fails here.
func TestReadmeInvocationsParse(t *testing.T) {
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, file := range append([]string{"../../README.md"}, docs...) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(file, "../../")
		invocations := readmeInvocations(t, string(data))
		total += len(invocations)
		commands := map[string]bool{}
		for _, inv := range invocations {
			args, _, err := pgcertArgs(inv.text)
			switch {
			case err != nil:
			case inv.mistyped:
				if parseCommandLine(args) == nil {
					err = errors.New("shown as a mistyped command, but it parses")
				}
			case inv.whole:
				err = parseCommandLine(args)
			default:
				err = checkNames(args)
			}
			if err != nil {
				t.Errorf("%s:%d: %s: %v", name, inv.line, inv.text, err)
				continue
			}
			if inv.mistyped {
				continue
			}
			if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
				commands[args[0]] = true
			}
		}
		if name != "README.md" {
			continue
		}
		// The README shows every top-level command at least once.
		for _, want := range []string{"init", "ca", "key", "req", "selfsign", "show", "crl", "chain", "root", "verify", "check", "perms", "probe", "renew"} {
			if !commands[want] {
				t.Errorf("README.md shows no pgcert %s invocation", want)
			}
		}
	}
	if total < 60 {
		t.Fatalf("found only %d pgcert command lines in README.md and docs/*.md", total)
	}
}

func TestReadmeInvocationsFound(t *testing.T) {
	text := "Run `pgcert init -D $PGDATA [--configure]` or `pgcert ca sign r.csr --profile server\\|client`.\n" +
		"```sh\npgcert key new\nsudo pgcert check -D /x\nls -l\n```\n" +
		"```\n$ pgcert crl show root.crl\npgcert crl show: output, not a command\n```\n" +
		"```\n$ pgcert chek\npgcert: error: unknown command \"chek\"\n```\n" +
		"```json\n{\"pgcert \": 1}\n```\n"
	got := readmeInvocations(t, text)
	want := []readmeInvocation{
		{1, "pgcert init -D $PGDATA --configure", false, false},
		{1, "pgcert ca sign r.csr --profile server|client", false, false},
		{3, "pgcert key new", true, false},
		{4, "sudo pgcert check -D /x", true, false},
		{8, "$ pgcert crl show root.crl", true, false},
		{12, "$ pgcert chek", true, true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %+v, want %+v", got[i], want[i])
		}
	}
}

// TestReadmeTestCommandIsCI checks that the command README.md gives for running the
// tests is one CI runs, word for word, so that a newcomer runs what CI does.
func TestReadmeTestCommandIsCI(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "## Test it\n")
	if !ok {
		t.Fatal(`README.md has no "## Test it" section`)
	}
	var command string
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "go test ") {
			command = line
			break
		}
	}
	if command == "" {
		t.Fatal(`README.md's "Test it" shows no go test command`)
	}
	// CI may wrap the command (in time, say) or pipe its output on, not change it.
	for _, line := range strings.Split(string(ci), "\n") {
		if line = strings.TrimSpace(line); !strings.HasPrefix(line, "#") &&
			(line == command || strings.Contains(line, " "+command+" ") || strings.HasSuffix(line, " "+command) || strings.HasPrefix(line, command+" ")) {
			return
		}
	}
	t.Errorf("README.md says to run %q; .ci/run runs no such line", command)
}
