package probe

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pgcert/pgcert/internal/words"
)

// maxNameWidth caps the name column, so that one long service name does not push
// every line's status off a terminal's width.
const maxNameWidth = 40

// WriteText writes the report for a person: one line per target, in the order
// probed (name, status, then what the server serves and libpq's verdict, or why
// there is nothing to judge), then a summary line.
func (r *FleetReport) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	width := 0
	for _, t := range r.Targets {
		width = max(width, len(t.Name))
	}
	width = min(width, maxNameWidth)
	for _, t := range r.Targets {
		fmt.Fprintf(bw, "%-*s %-12s %s\n", width, t.Name, t.Status, t.detail())
	}
	bw.WriteString(r.Summary.Text() + "\n")
	return bw.Flush()
}

// detail is the rest of a target's line.
func (t *FleetResult) detail() string {
	if t.Status != StatusOK && t.Status != StatusProblem {
		return t.Error
	}
	var parts []string
	if len(t.Chain) > 0 {
		c := t.Chain[0]
		parts = append(parts, fmt.Sprintf("%s, until %s (%d days left)", c.Subject, dateText(c.NotAfter), c.DaysLeft))
	}
	if v := t.Verdict; v != nil && v.OK {
		parts = append(parts, fmt.Sprintf("libpq sslmode=%s accepts it", v.Mode))
	}
	parts = append(parts, t.Problems...)
	return strings.Join(parts, "; ")
}

// Text is the summary in one line: "N targets: A ok, B with problems, C failed
// (the failures by status), D skipped", leaving out what is zero.
func (s FleetSummary) Text() string {
	parts := []string{fmt.Sprintf("%d ok", s.OK)}
	if s.Problems > 0 {
		parts = append(parts, fmt.Sprintf("%d with problems", s.Problems))
	}
	if s.Failed > 0 {
		var failed []Status
		for st := range s.ByStatus {
			if st.Failed() && st != StatusProblem {
				failed = append(failed, st)
			}
		}
		slices.Sort(failed)
		kinds := make([]string, len(failed))
		for i, st := range failed {
			kinds[i] = fmt.Sprintf("%d %s", s.ByStatus[st], st)
		}
		parts = append(parts, fmt.Sprintf("%d failed (%s)", s.Failed, strings.Join(kinds, ", ")))
	}
	if s.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", s.Skipped))
	}
	return fmt.Sprintf("%s: %s", words.Plural(s.Targets, "target", "targets"), strings.Join(parts, ", "))
}
