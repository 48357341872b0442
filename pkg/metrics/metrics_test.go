package metrics

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestRoundTrip: what Write writes, Parse reads back the same, with every escape.
func TestRoundTrip(t *testing.T) {
	in := []Family{
		{Name: "a_b:c", Help: "back\\slash and\nnewline", Type: Gauge, Samples: []Sample{
			{Labels: []Label{{"x", "quote \" backslash \\ newline \n end"}, {"y", ""}}, Value: 1.5},
			{Labels: []Label{{"x", "other"}}, Value: math.Inf(-1)},
			{Value: -2},
		}},
		{Name: "empty", Help: "", Type: "untyped"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	want := "# HELP a_b:c back\\\\slash and\\nnewline\n# TYPE a_b:c gauge\n" +
		"a_b:c{x=\"quote \\\" backslash \\\\ newline \\n end\",y=\"\"} 1.5\na_b:c{x=\"other\"} -Inf\na_b:c -2\n" +
		"# HELP empty \n# TYPE empty untyped\n"
	if buf.String() != want {
		t.Errorf("wrote\n%s\nwant\n%s", buf.String(), want)
	}
	out, err := Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("read back %#v", out)
	}
}

// TestWriteRefuses: names, reserved labels and duplicates the collector would drop
// the file for are refused.
func TestWriteRefuses(t *testing.T) {
	for _, f := range [][]Family{
		{{Name: "1abc", Type: Gauge}},
		{{Name: "a-b", Type: Gauge}},
		{{Name: "a", Type: "gaugey"}},
		{{Name: "a", Type: Gauge}, {Name: "a", Type: Gauge}},
		{{Name: "a", Type: Gauge, Samples: []Sample{{Labels: []Label{{"__name", "x"}}}}}},
		{{Name: "a", Type: Gauge, Samples: []Sample{{Labels: []Label{{"a-b", "x"}}}}}},
		{{Name: "a", Type: Gauge, Samples: []Sample{{Labels: []Label{{"l", "x"}, {"l", "y"}}}}}},
		{{Name: "a", Type: Gauge, Samples: []Sample{{Labels: []Label{{"l", "x"}, {"m", "y"}}}, {Labels: []Label{{"m", "y"}, {"l", "x"}}}}}},
	} {
		if err := Write(&bytes.Buffer{}, f); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
}

// TestParseRefuses: what breaks the text format's rules is refused with its line.
func TestParseRefuses(t *testing.T) {
	head := "# HELP a x\n# TYPE a gauge\n"
	for _, text := range []string{
		"a 1\n",                               // no TYPE
		head + "b 1\n",                        // another family's sample
		head + "a{l=\"x\"} 1 1700000000\n",    // timestamp
		head + "a{l=\"x\\q\"} 1\n",            // bad escape
		head + "a{l=\"x} 1\n",                 // unterminated
		head + "a{l=\"x\" m=\"y\"} 1\n",       // no comma
		head + "a{1l=\"x\"} 1\n",              // label name
		head + "a one\n",                      // value
		head + "a{l=\"x\"} 1\na{l=\"x\"} 2\n", // duplicate
		head + head,                           // family twice
		"# HELP a x\n# TYPE a gauge\n# TYPE a gauge\n",
		"# HELP 9a x\n",
	} {
		if _, err := Parse(strings.NewReader(text)); !errors.Is(err, ErrFormat) {
			t.Errorf("%q: %v", text, err)
		}
	}
}
