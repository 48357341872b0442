package pgdata

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// PgcertConfName is the file that holds the SSL settings pgcert manages. It sits beside
// postgresql.conf (the data directory, or /etc/postgresql/<version>/<cluster> on
// Debian), because a relative include is relative to the including file; pgcert owns
// it whole and rewrites it freely, so the admin's postgresql.conf changes only by one
// include line.
const PgcertConfName = "pgcert.conf"

// includeLine is the line pgcert adds to postgresql.conf. include_if_exists rather than
// include: removing pgcert.conf turns pgcert's settings off instead of stopping the
// server from starting; `pgcert check` reports an include whose file is gone.
const includeLine = "include_if_exists '" + PgcertConfName + "'"

// SSLFiles are the file names pgcert.conf gives the server, as written into the
// settings: relative names are relative to the data directory.
type SSLFiles struct {
	Cert, Key, CA, CRL, CRLDir string
}

// DefaultSSLFiles are the names of the PostgreSQL manual and of the server before 9.2:
// server.crt, server.key, root.crt, root.crl, all in the data directory.
var DefaultSSLFiles = SSLFiles{Cert: "server.crt", Key: "server.key", CA: "root.crt", CRL: "root.crl"}

// ErrUnsupported marks something the target version cannot do.
var ErrUnsupported = errors.New("pgdata: not supported by this PostgreSQL version")

// PgcertConf returns the contents of pgcert.conf for a server of version v: ssl = on
// and the file settings that are not empty. ssl_crl_dir needs PostgreSQL 14.
func PgcertConf(f SSLFiles, v Version) ([]byte, error) {
	if f.CRLDir != "" && v.Major < 14 {
		return nil, fmt.Errorf("%w: ssl_crl_dir needs PostgreSQL 14 (this is %s)", ErrUnsupported, v)
	}
	var b bytes.Buffer
	b.WriteString("# SSL settings managed by pgcert; rewritten by `pgcert init --configure`.\n")
	b.WriteString("# postgresql.conf includes this file on its last line, so these settings win\n")
	b.WriteString("# over earlier lines of postgresql.conf, but not over postgresql.auto.conf\n")
	b.WriteString("# (ALTER SYSTEM). Relative paths are relative to the data directory.\n")
	b.WriteString("ssl = on\n")
	for _, s := range []struct{ name, value string }{
		{"ssl_cert_file", f.Cert}, {"ssl_key_file", f.Key}, {"ssl_ca_file", f.CA},
		{"ssl_crl_file", f.CRL}, {"ssl_crl_dir", f.CRLDir},
	} {
		if s.value != "" {
			fmt.Fprintf(&b, "%s = %s\n", s.name, QuoteConfValue(s.value))
		}
	}
	return b.Bytes(), nil
}

// QuoteConfValue quotes s as a postgresql.conf string that the server reads back as s:
// a single quote doubled, a backslash as two, control characters as escapes. A NUL cannot
// be written (the server would cut the value there) and is dropped.
func QuoteConfValue(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			b.WriteString("''")
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case 0:
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\%03o`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// EnsureInclude returns postgresql.conf with pgcert's include line appended, unless an
// include or include_if_exists of pgcert.conf is already there (in any spelling that
// names the same file from confDir, the directory of postgresql.conf). The include
// goes at the end so that pgcert's settings win over every earlier assignment in
// postgresql.conf; the original bytes are kept as they are, with only a newline added
// when the last line lacks one, and CRLF line ends when the file uses them.
func EnsureInclude(conf []byte, confDir string) (out []byte, changed bool) {
	if hasPgcertInclude(conf, confDir) {
		return conf, false
	}
	nl := "\n"
	if bytes.Contains(conf, []byte("\r\n")) {
		nl = "\r\n"
	}
	out = append([]byte(nil), conf...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, nl...)
	}
	out = append(out, "# Added by pgcert: the SSL settings are in "+PgcertConfName+"."+nl...)
	out = append(out, includeLine+nl...)
	return out, true
}

func hasPgcertInclude(conf []byte, confDir string) bool {
	dirs, _ := ParseConf("postgresql.conf", conf)
	want := filepath.Join(confDir, PgcertConfName)
	for _, d := range dirs {
		switch strings.ToLower(d.Name) {
		case dirInclude, dirIncludeIfExists:
			if absolute(d.Value, filepath.Join(confDir, ConfFileName)) == want {
				return true
			}
		}
	}
	return false
}

// Shadow is an assignment that a later one overrides.
type Shadow struct {
	// Setting is the overridden assignment; By is the one the server uses.
	Setting, By Setting
	// AutoConf reports that By is in postgresql.auto.conf, written by ALTER SYSTEM:
	// `ALTER SYSTEM RESET <name>` removes it.
	AutoConf bool
}

// Shadowed returns the assignments made in file (pgcert.conf, say) that the server will
// not use because a later assignment of the same parameter wins: a line of
// postgresql.conf after the include, or postgresql.auto.conf.
func (c *Config) Shadowed(file string) []Shadow {
	var out []Shadow
	for _, s := range c.Settings {
		if s.File != file {
			continue
		}
		by, _ := c.Lookup(s.Name)
		if by == s {
			continue
		}
		out = append(out, Shadow{Setting: s, By: by,
			AutoConf: by.File == filepath.Join(c.DataDir, AutoConfFileName)})
	}
	return out
}

// SetIn returns the assignments of the named parameters that file makes and the server
// uses: c.SetIn(filepath.Join(dir, "postgresql.auto.conf"), SSLParameters(v)...)
// lists the SSL settings ALTER SYSTEM has made, which win over any file pgcert writes.
func (c *Config) SetIn(file string, names ...string) []Setting {
	var out []Setting
	for _, n := range names {
		if s, ok := c.Lookup(n); ok && s.File == file {
			out = append(out, s)
		}
	}
	return out
}
