package help

import (
	"strings"
	"testing"
)

// TestEveryFileParses reads every embedded file: each has both sections, with text.
func TestEveryFileParses(t *testing.T) {
	entries, err := files.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 30 {
		t.Fatalf("only %d help files", len(entries))
	}
	for _, e := range entries {
		data, err := files.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		txt, err := parse(string(data))
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
			continue
		}
		if strings.TrimSpace(txt.long) == "" || strings.TrimSpace(txt.example) == "" {
			t.Errorf("%s: an empty section", e.Name())
		}
		for _, sec := range []string{txt.long, txt.example} {
			if strings.HasSuffix(sec, "\n") || strings.HasSuffix(sec, " ") {
				t.Errorf("%s: a section ends in white space, which the help would print", e.Name())
			}
		}
	}
}

func TestParseRefusesMalformedFiles(t *testing.T) {
	for name, s := range map[string]string{
		"no long marker":   "text\n--- example\n  pgcert x\n",
		"no example":       "--- long\ntext\n",
		"two examples":     "--- long\ntext\n--- example\n  a\n--- example\n  b\n",
		"empty long":       "--- long\n\n--- example\n  pgcert x\n",
		"empty example":    "--- long\ntext\n--- example\n \n",
		"no final newline": "--- long\ntext\n--- example\n  pgcert x",
	} {
		if _, err := parse(s); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
	got, err := parse("--- long\nline 1\n\nline 2\n--- example\n  pgcert x\n  pgcert y\n")
	if err != nil {
		t.Fatal(err)
	}
	if got.long != "line 1\n\nline 2" || got.example != "  pgcert x\n  pgcert y" {
		t.Errorf("parsed %q", got)
	}
}

func TestLongFillsPlaceholders(t *testing.T) {
	if s := Long("selfsign", "days", "7"); !strings.Contains(s, "valid for 7 days") || strings.Contains(s, "{{") {
		t.Errorf("selfsign's long text, filled: %q", s)
	}
	for name, call := range map[string]func(){
		"unfilled":     func() { Long("selfsign") },
		"unknown name": func() { Long("selfsign", "days", "7", "hours", "1") },
		// Made at run time: staticcheck already refuses an odd literal list.
		"odd fill":               func() { Long("selfsign", strings.Fields("days")...) },
		"no such file":           func() { Long("no such command") },
		"no such file, examples": func() { Example("no such command") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			call()
		}()
	}
}
