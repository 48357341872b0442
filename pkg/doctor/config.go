package doctor

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/pkg/pgdata"
)

// configGroup reports on postgresql.conf and the files it includes: what the server
// would refuse in them, whether SSL is on, and settings that weaken it.
func (c *checker) configGroup() {
	cfg, dd := c.s.Config, c.s.Dir
	g := c.group(filepath.Base(cfg.File), cfg.File, "")
	if !dd.IsDataDir {
		g.warn("data-directory", "%s is not a data directory (it has no %s)", dd.Dir, strings.Join(dd.Missing, " or ")).
			detail("the rules of PostgreSQL %s are assumed", dd.Version)
	}
	for _, e := range c.s.ConfErrs {
		fd := g.add(LevelError, "config", SourceServer, e.Message).
			detail("the server stops at start with: configuration file \"%s\" contains errors (on a reload it keeps its old settings)", cfg.File)
		if e.File != "" {
			fd.at(e.File, e.Line).fix("correct line %d of %s", e.Line, e.File)
		}
	}
	extra := c.settingErrors()
	for _, e := range extra {
		detail := fmt.Sprintf("the server stops at start with: configuration file \"%s\" contains errors (on a reload it keeps its old settings)", cfg.File)
		if e.hint != "" {
			detail = e.hint + " " + detail
		}
		g.add(LevelError, "config", SourceServer, e.message).detail("%s", detail).
			at(e.set.File, e.set.Line).fix("correct line %d of %s", e.set.Line, e.set.File)
	}
	if len(c.s.ConfErrs) == 0 && len(extra) == 0 {
		var names []string
		for _, f := range cfg.Files {
			names = append(names, c.relName(f))
		}
		g.ok("config", "the server reads %s without error", strings.Join(names, ", "))
	}

	ssl := c.s.SSL
	set, isSet := ssl.Set["ssl"]
	if ssl.Enabled {
		g.ok("ssl", "ssl = on").at(set.File, set.Line)
	} else {
		fd := g.fail("ssl", "ssl is off: the server refuses every SSL connection").
			fix("set ssl = on in %s (or ALTER SYSTEM SET ssl = on), then reload the server", filepath.Base(cfg.File))
		if isSet {
			fd.at(set.File, set.Line)
		}
	}
	c.protocolFinding(g)
	c.cipherFinding(g)
	if ssl.Enabled {
		c.curveFinding(g)
		c.dhParamsFinding(g)
	}
}

// weakProtocols are the ssl_min_protocol_version values below TLSv1.2, which RFC 8996
// deprecates and PostgreSQL 13 stopped allowing by default.
var weakProtocols = map[string]bool{"tlsv1": true, "tlsv1.1": true}

func (c *checker) protocolFinding(g *Group) {
	ssl := c.s.SSL
	v := ssl.MinProtocolVersion
	switch {
	case v == "":
		switch {
		case c.s.Dir.Version.Major < 12:
			g.warn("protocol", "PostgreSQL %s accepts TLSv1 and TLSv1.1 and cannot be told otherwise (ssl_min_protocol_version came in 12)", c.s.Dir.Version)
		case c.s.Dir.Version.Major >= 13:
			// Since 13 the server refuses an empty minimum: a configuration error,
			// reported as one.
		default:
			fd := g.warn("protocol", "ssl_min_protocol_version is empty: any TLS version OpenSSL allows is accepted, TLSv1 and TLSv1.1 included").
				fix("set ssl_min_protocol_version = 'TLSv1.2'")
			if set, ok := ssl.Set["ssl_min_protocol_version"]; ok {
				fd.at(set.File, set.Line)
			}
		}
	case weakProtocols[strings.ToLower(v)]:
		fd := g.warn("protocol", "ssl_min_protocol_version = '%s' accepts protocol versions below TLSv1.2", v).
			detail("TLS 1.0 and 1.1 are deprecated (RFC 8996) and broken in several ways").
			fix("set ssl_min_protocol_version = 'TLSv1.2' (the default since PostgreSQL 13)")
		if set, ok := ssl.Set["ssl_min_protocol_version"]; ok {
			fd.at(set.File, set.Line)
		}
	case protocolRank(v) == -2:
		// The value is a configuration error, reported as one.
	case ssl.Enabled && c.protocolRange(g):
	default:
		g.ok("protocol", "ssl_min_protocol_version = '%s'", v)
	}
}

func (c *checker) cipherFinding(g *Group) {
	ssl := c.s.SSL
	risk := pgdata.AnalyzeCiphers(ssl.Ciphers)
	set, isSet := ssl.Set["ssl_ciphers"]
	at := func(fd *Finding) {
		if isSet {
			fd.at(set.File, set.Line)
		}
	}
	if ssl.Enabled && selectsNoCipher(ssl.Ciphers) {
		fd := g.add(LevelError, "ciphers", SourceServer, "could not set the cipher list (no valid ciphers available)").
			detail("ssl_ciphers = '%s' names no cipher suite OpenSSL knows; with ssl = on the server does not start", ssl.Ciphers).
			fix("set ssl_ciphers = 'HIGH:MEDIUM:+3DES:!aNULL', the default")
		at(fd)
		return
	}
	level := "OpenSSL refuses them at its default security level 1; '@SECLEVEL=0' in the list or a system openssl.cnf that lowers the level lets them through"
	if risk.SecLevel0 {
		level = "the list sets @SECLEVEL=0, so OpenSSL offers them"
	}
	if len(risk.NoEncryption) > 0 {
		fd := g.warn("ciphers", "ssl_ciphers = '%s' allows NULL ciphers, which authenticate without encrypting (%s)", ssl.Ciphers, strings.Join(risk.NoEncryption, ", ")).
			detail("the manual: a man-in-the-middle could read and pass communications between client and server; %s", level).
			fix("add :!eNULL to ssl_ciphers, or go back to the default 'HIGH:MEDIUM:+3DES:!aNULL'")
		at(fd)
	}
	if len(risk.NoAuthentication) > 0 {
		fd := g.warn("ciphers", "ssl_ciphers = '%s' allows anonymous ciphers, which encrypt without authenticating the server (%s)", ssl.Ciphers, strings.Join(risk.NoAuthentication, ", ")).
			detail("a man-in-the-middle could pose as the server; %s", level).
			fix("add :!aNULL to ssl_ciphers, as the default 'HIGH:MEDIUM:+3DES:!aNULL' does")
		at(fd)
	}
	if len(risk.NoEncryption) == 0 && len(risk.NoAuthentication) == 0 {
		g.ok("ciphers", "ssl_ciphers = '%s' allows neither NULL nor anonymous ciphers", ssl.Ciphers)
	}
}

// hbaGroup reports what the server would refuse in pg_hba.conf, and the lines that
// will fail SSL clients.
func (c *checker) hbaGroup() {
	path := c.s.Config.HBAFile(c.s.Dir.ConfigDir)
	setting := ""
	if _, ok := c.s.Config.Lookup("hba_file"); ok {
		setting = "hba_file"
	}
	g := c.group(filepath.Base(path), path, setting)
	v := c.s.Dir.Version
	lines, err := pgdata.LoadHBA(path, v)
	problems := 0
	for _, e := range pgdata.ConfErrors(err) {
		problems++
		fd := g.add(LevelError, "hba", SourceServer, e.Message)
		if e.Line == 0 {
			fd.fix("write %s, or point hba_file at it", path)
			continue
		}
		fd.at(path, e.Line).detail("the server refuses the whole file: it does not start (on a reload it keeps the old rules)")
		if v.Major >= 14 && (strings.HasPrefix(e.Message, `invalid value for clientcert: "1"`) || strings.HasPrefix(e.Message, `invalid value for clientcert: "0"`)) {
			fd.fix("clientcert=1 and clientcert=0 are not valid since PostgreSQL 14: write clientcert=verify-ca (or verify-full), or leave clientcert out")
		} else {
			fd.fix("correct line %d of %s", e.Line, path)
		}
	}
	for _, l := range lines {
		loop := includeLoop(path, l)
		if loop == nil {
			continue
		}
		problems++
		names := make([]string, len(loop))
		for i, p := range loop {
			names[i] = c.relName(p)
		}
		g.fail("hba-include", "@file inclusions loop: %s", strings.Join(names, " -> ")).at(path, l.Line).
			detail(`the server opens %s again and again and does not start: FATAL: exceeded maxAllocatedDescs (N) while trying to open file "%s"`, loop[len(loop)-1], loop[len(loop)-1]).
			fix("remove the @ line that includes %s from %s", filepath.Base(loop[len(loop)-1]), loop[len(loop)-2])
	}
	for _, h := range pgdata.CheckHBA(lines, c.s.SSL) {
		problems++
		level := LevelWarning
		if h.Fatal {
			level = LevelError
		}
		source := SourcePgcert
		if h.Server {
			source = SourceServer
		}
		g.add(level, "hba", source, h.Message).at(path, h.Line).fix("%s", h.Hint)
	}
	if problems == 0 {
		certLines := 0
		for _, l := range lines {
			if l.NeedsClientCert() {
				certLines++
			}
		}
		g.ok("hba", "%s, %s asking for a client certificate: nothing SSL clients will trip on",
			plural(len(lines), "record", "records"), plural(certLines, "record", "records"))
	}
}
