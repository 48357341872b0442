package keyperm

import (
	"strings"
	"testing"
)

// brackets marks each painted word, so that a test sees what is painted how.
type brackets struct{}

func (brackets) Green(s string) string  { return "<g>" + s + "</g>" }
func (brackets) Yellow(s string) string { return "<y>" + s + "</y>" }
func (brackets) Red(s string) string    { return "<r>" + s + "</r>" }
func (brackets) Bold(s string) string   { return "<b>" + s + "</b>" }

func TestWriteFilesLabels(t *testing.T) {
	var b strings.Builder
	WriteFiles(&b, []FileReport{
		{Name: "crl/5d1a2b3c.r0", Setting: "ssl_crl_dir", Kind: FileCRLDirEntry, OK: true},
		{Name: "server.key", Setting: "ssl_key_file", Kind: FileServerKey, LinkTarget: "/etc/ssl/private/db.key", Message: "m"},
	}, brackets{})
	want := "<g>ok   </g>  crl/5d1a2b3c.r0\n<r>error</r>  server.key (ssl_key_file) -> /etc/ssl/private/db.key: m\n"
	if got := b.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWriteChangesLink(t *testing.T) {
	var b strings.Builder
	(&Report{Changes: []ChangeReport{{Name: "server.key", Path: "/t/db.key", Link: "server.key", OldMode: "0644", Mode: "0600"}}}).WriteChanges(&b, "")
	want := "server.key: chmod 0600 /t/db.key (was 0644)\nserver.key is a symbolic link: fixed its target /t/db.key, not the link\n"
	if got := b.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	b.Reset()
	(&Report{}).WriteChanges(&b, "")
	if b.Len() != 0 {
		t.Errorf("an empty none printed %q", b.String())
	}
}
