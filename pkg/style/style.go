// Package style is how pgcert's reports paint their human form: a Style colours a
// word (the levels ok, warning and error; headings), and the writers that print
// reports take one, so that a report's text lives beside its type while the choice
// of colour (a terminal, NO_COLOR, --no-color) stays with the program that prints it.
//
// The package holds no colour codes: a program passes its own Style, and Plain
// where no colour is wanted (files, pipes, tests).
package style

import (
	"fmt"
	"io"
)

// Style paints text for a person. Each method returns its argument, possibly
// wrapped in a terminal's colour codes; it never changes the words, so that a
// report reads the same with or without colour.
type Style interface {
	Green(string) string
	Yellow(string) string
	Red(string) string
	Bold(string) string
}

// Plain is the Style without colour: every method returns its argument unchanged.
var Plain Style = plain{}

type plain struct{}

func (plain) Green(s string) string  { return s }
func (plain) Yellow(s string) string { return s }
func (plain) Red(s string) string    { return s }
func (plain) Bold(s string) string   { return s }

// Pad pads s with spaces to n characters. Reports pad a word before painting it:
// colour codes take no room on a terminal, and padding after them would misalign
// the columns.
func Pad(s string, n int) string {
	return fmt.Sprintf("%-*s", n, s)
}

// Indented writes label and text on one line indented by n spaces, and nothing when
// text is empty, so that a report can list optional details (a fix, a location)
// without testing each one.
func Indented(w io.Writer, n int, label, text string) {
	if text == "" {
		return
	}
	fmt.Fprintf(w, "%*s%s%s\n", n, "", label, text)
}

// Field is one labelled line of a two-column list.
type Field struct{ Label, Value string }

// Fields writes fields as an aligned two-column list indented by two spaces, each
// label followed by a colon, as `pgcert show` prints a certificate.
func Fields(w io.Writer, fields []Field) {
	width := 0
	for _, fl := range fields {
		width = max(width, len(fl.Label))
	}
	for _, fl := range fields {
		fmt.Fprintf(w, "  %-*s  %s\n", width+1, fl.Label+":", fl.Value)
	}
}
