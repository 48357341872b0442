package cli

import (
	"time"
)

// sslSettings are the settings whose files the server loads for SSL: the groups of a
// check report that judge the set renew installs.
var sslSettings = map[string]bool{"ssl_cert_file": true, "ssl_key_file": true, "ssl_ca_file": true, "ssl_crl_file": true, "ssl_crl_dir": true}

// validateRenewal is renew's rotate.Validator: pgcert check's checks of the server's
// configuration with the staged files (s.Staged) in place of the current ones, at
// the renewal's clock. Errors in the SSL files refuse the set; their warnings are
// passed on.
func (f *Factory) validateRenewal(s *serverSetup, now time.Time) (problems, warnings []string) {
	c := &checker{
		f: f, opts: &checkOptions{f: f, WarnDays: defaultWarnDays}, s: s, db: s.DBUser,
		now: now, window: defaultWarnDays * 24 * time.Hour,
	}
	for _, g := range c.run().Files {
		if !sslSettings[g.Setting] {
			continue
		}
		for _, fd := range g.Findings {
			msg := g.Name + ": " + fd.Message
			switch fd.Level {
			case levelWarning:
				warnings = append(warnings, msg)
			case levelError:
				if fd.Detail != "" {
					msg += " (" + fd.Detail + ")"
				}
				problems = append(problems, msg)
			}
		}
	}
	return problems, warnings
}
