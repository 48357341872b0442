package chain

// Reporter hears what a person should know on the way: a file that starts with
// the wrong certificate, a duplicate left out, a root about to expire.
type Reporter interface {
	Infof(format string, args ...any)
	Warnf(format string, args ...any)
}

// silent is the Reporter of a caller that gives none.
type silent struct{}

func (silent) Infof(string, ...any) {}
func (silent) Warnf(string, ...any) {}

// reporterOr returns r, or a Reporter that drops everything when r is nil.
func reporterOr(r Reporter) Reporter {
	if r == nil {
		return silent{}
	}
	return r
}
