package metrics

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Gauge is the TYPE of a value that goes up and down, such as days left.
const Gauge = "gauge"

// Label is one name="value" pair of a sample.
type Label struct {
	Name, Value string
}

// Sample is one line of a family: its labels and value.
type Sample struct {
	Labels []Label
	Value  float64
}

// Family is one metric: its name, HELP text, TYPE and samples.
type Family struct {
	Name    string
	Help    string
	Type    string
	Samples []Sample
}

var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	types      = map[string]bool{"counter": true, Gauge: true, "histogram": true, "summary": true, "untyped": true}
)

// Write writes families in the text format: for each, a HELP and a TYPE line, then
// its samples. It refuses a name Prometheus would refuse, a label name starting with
// "__" (reserved), a label given twice in one sample, two families of one name and
// two samples with the same labels, since the collector drops the whole file for
// any of them.
func Write(w io.Writer, families []Family) error {
	bw := bufio.NewWriter(w)
	seen := map[string]bool{}
	for _, f := range families {
		if err := checkFamily(f, seen); err != nil {
			return err
		}
		fmt.Fprintf(bw, "# HELP %s %s\n# TYPE %s %s\n", f.Name, escapeHelp(f.Help), f.Name, f.Type)
		for _, s := range f.Samples {
			bw.WriteString(f.Name)
			if len(s.Labels) > 0 {
				bw.WriteByte('{')
				for i, l := range s.Labels {
					if i > 0 {
						bw.WriteByte(',')
					}
					fmt.Fprintf(bw, "%s=\"%s\"", l.Name, escapeValue(l.Value))
				}
				bw.WriteByte('}')
			}
			fmt.Fprintf(bw, " %s\n", FormatValue(s.Value))
		}
	}
	return bw.Flush()
}

func checkFamily(f Family, seen map[string]bool) error {
	if !metricName.MatchString(f.Name) {
		return fmt.Errorf("metrics: invalid metric name %q", f.Name)
	}
	if seen[f.Name] {
		return fmt.Errorf("metrics: %s given twice", f.Name)
	}
	seen[f.Name] = true
	if !types[f.Type] {
		return fmt.Errorf("metrics: %s: invalid type %q", f.Name, f.Type)
	}
	keys := map[string]bool{}
	for _, s := range f.Samples {
		names := map[string]bool{}
		for _, l := range s.Labels {
			if !labelName.MatchString(l.Name) || strings.HasPrefix(l.Name, "__") {
				return fmt.Errorf("metrics: %s: invalid label name %q", f.Name, l.Name)
			}
			if names[l.Name] {
				return fmt.Errorf("metrics: %s: label %s given twice", f.Name, l.Name)
			}
			names[l.Name] = true
		}
		k := labelKey(s.Labels)
		if keys[k] {
			return fmt.Errorf("metrics: %s: two samples with labels {%s}", f.Name, k)
		}
		keys[k] = true
	}
	return nil
}

// labelKey identifies a label set whatever the order of its labels.
func labelKey(ls []Label) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = l.Name + "=" + strconv.Quote(l.Value)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// FormatValue writes a value as the text format spells it: NaN, +Inf, -Inf, or
// the shortest decimal that reads back as v.
func FormatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// escapeHelp escapes a HELP text: backslash and line feed.
func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

// escapeValue escapes a label value: backslash, double quote and line feed.
func escapeValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// ErrFormat marks a line Parse refuses.
var ErrFormat = errors.New("metrics: malformed text format")

// Parse reads the text format back into families, in file order, refusing what
// Prometheus refuses: a malformed line, name or escape, a sample before its
// family's TYPE line or of another family than the last declared, a family
// declared twice, two samples with the same labels. Comments other than HELP and
// TYPE and blank lines are skipped; sample timestamps are not accepted, since
// node_exporter's textfile collector refuses them.
func Parse(r io.Reader) ([]Family, error) {
	var out []Family
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		fail := func(why string) error { return fmt.Errorf("%w: line %d: %s: %q", ErrFormat, n, why, line) }
		switch {
		case strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE "):
			name, rest, _ := strings.Cut(line[7:], " ")
			if !metricName.MatchString(name) {
				return nil, fail("invalid metric name")
			}
			if len(out) == 0 || out[len(out)-1].Name != name {
				if seen[name] {
					return nil, fail("family declared twice")
				}
				seen[name] = true
				out = append(out, Family{Name: name})
			}
			f := &out[len(out)-1]
			if line[2] == 'H' {
				h, err := unescape(rest, false)
				if err != nil {
					return nil, fail(err.Error())
				}
				f.Help = h
			} else {
				if !types[rest] || f.Type != "" {
					return nil, fail("invalid or repeated TYPE")
				}
				f.Type = rest
			}
		case strings.HasPrefix(line, "#"):
		default:
			s, name, err := parseSample(line)
			if err != nil {
				return nil, fail(err.Error())
			}
			if len(out) == 0 || out[len(out)-1].Name != name || out[len(out)-1].Type == "" {
				return nil, fail("sample outside its family's HELP and TYPE")
			}
			f := &out[len(out)-1]
			f.Samples = append(f.Samples, s)
			if err := checkFamily(*f, map[string]bool{}); err != nil {
				return nil, fail(err.Error())
			}
		}
	}
	return out, sc.Err()
}

// parseSample reads `name{label="value",...} value`.
func parseSample(line string) (Sample, string, error) {
	var s Sample
	i := strings.IndexAny(line, "{ ")
	if i < 0 {
		return s, "", errors.New("no value")
	}
	name, rest := line[:i], line[i:]
	if !metricName.MatchString(name) {
		return s, "", errors.New("invalid metric name")
	}
	if rest[0] == '{' {
		rest = rest[1:]
		for {
			if strings.HasPrefix(rest, "}") {
				rest = rest[1:]
				break
			}
			eq := strings.Index(rest, `="`)
			if eq < 0 {
				return s, "", errors.New("invalid label")
			}
			l := Label{Name: rest[:eq]}
			if !labelName.MatchString(l.Name) {
				return s, "", errors.New("invalid label name")
			}
			rest = rest[eq+2:]
			end := closingQuote(rest)
			if end < 0 {
				return s, "", errors.New("unterminated label value")
			}
			v, err := unescape(rest[:end], true)
			if err != nil {
				return s, "", err
			}
			l.Value, rest = v, rest[end+1:]
			s.Labels = append(s.Labels, l)
			if strings.HasPrefix(rest, ",") {
				rest = rest[1:]
			} else if !strings.HasPrefix(rest, "}") {
				return s, "", errors.New("expected , or } after a label")
			}
		}
	}
	if !strings.HasPrefix(rest, " ") {
		return s, "", errors.New("no value")
	}
	fields := strings.Fields(rest)
	if len(fields) != 1 {
		return s, "", errors.New("want exactly one value and no timestamp")
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return s, "", errors.New("invalid value")
	}
	s.Value = v
	return s, name, nil
}

// closingQuote returns the index of the first unescaped '"' in s, or -1.
func closingQuote(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// unescape undoes escapeValue (quote true) or escapeHelp; any other escape, and an
// unescaped line feed or quote in a value, is an error.
func unescape(s string, quote bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			if quote && c == '"' {
				return "", errors.New("unescaped quote")
			}
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(s) {
			return "", errors.New("trailing backslash")
		}
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case '"':
			if !quote {
				return "", errors.New(`\" in HELP`)
			}
			b.WriteByte('"')
		default:
			return "", fmt.Errorf("invalid escape \\%c", s[i])
		}
	}
	return b.String(), nil
}
