// Package notify is how pgcert's libraries tell the person running them what they
// should know on the way — a CRL kept although out of date, a certificate cut to its
// CA's lifetime, a directory created — without printing: the caller decides where
// it goes (pgcert's command line sends it to standard error).
package notify

// Reporter hears what a person should know on the way. Infof is progress, which a
// quiet caller may drop; Warnf is about the person's secrets and files, which a
// caller should always show.
type Reporter interface {
	Infof(format string, args ...any)
	Warnf(format string, args ...any)
}

// Or returns r, or a Reporter that drops everything when r is nil, so that a
// library reports without testing each time for a caller that gave none.
func Or(r Reporter) Reporter {
	if r == nil {
		return silent{}
	}
	return r
}

// silent is the Reporter of a caller that gives none.
type silent struct{}

func (silent) Infof(string, ...any) {}
func (silent) Warnf(string, ...any) {}
