// Package testnotify keeps what a library reports through a notify.Reporter, so
// that a test can assert what a person running pgcert would be told.
package testnotify

import "fmt"

// Recorder is a notify.Reporter that keeps every line, prefixed "info: " or
// "warning: " as pgcert's command line labels them, so that a test tells progress
// from a warning by the line alone.
type Recorder struct {
	Lines []string
}

// Infof keeps a line of progress.
func (r *Recorder) Infof(format string, args ...any) {
	r.Lines = append(r.Lines, "info: "+fmt.Sprintf(format, args...))
}

// Warnf keeps a warning.
func (r *Recorder) Warnf(format string, args ...any) {
	r.Lines = append(r.Lines, "warning: "+fmt.Sprintf(format, args...))
}
