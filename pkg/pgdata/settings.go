package pgdata

import (
	"fmt"
	"path/filepath"
)

// SSL is the server's SSL configuration: every ssl_* parameter with the value the
// server would use, its built-in default where the configuration does not set it.
type SSL struct {
	// Enabled is ssl (default off).
	Enabled bool
	// CertFile is ssl_cert_file (default server.crt), KeyFile ssl_key_file (default
	// server.key): the names PostgreSQL used before 9.2, when they were not settable.
	CertFile, KeyFile string
	// CAFile is ssl_ca_file, CRLFile ssl_crl_file, CRLDir ssl_crl_dir (14+): empty by
	// default, which means no client certificates are checked and no CRL is used.
	CAFile, CRLFile, CRLDir string
	// PassphraseCommand is ssl_passphrase_command (11+, default empty: the server
	// prompts on a terminal, which it has none of under pg_ctl or systemd).
	PassphraseCommand string
	// PassphraseCommandSupportsReload is ssl_passphrase_command_supports_reload (11+,
	// default off).
	PassphraseCommandSupportsReload bool
	// MinProtocolVersion is ssl_min_protocol_version: TLSv1.2 from 13, TLSv1 in 12,
	// empty before 12 (no such parameter). MaxProtocolVersion is
	// ssl_max_protocol_version (12+, default empty: no limit).
	MinProtocolVersion, MaxProtocolVersion string
	// Ciphers is ssl_ciphers (default HIGH:MEDIUM:+3DES:!aNULL).
	Ciphers string
	// PreferServerCiphers is ssl_prefer_server_ciphers (default on).
	PreferServerCiphers bool
	// Set holds, by lower-case parameter name, the assignment each parameter that is
	// not at its default comes from, for messages that name a file and line.
	Set map[string]Setting
}

// The SSL parameters the server knows, and the major version that added each.
var sslParams = []struct {
	name  string
	since int
}{
	{"ssl", 0},
	{"ssl_cert_file", 9},
	{"ssl_key_file", 9},
	{"ssl_ca_file", 9},
	{"ssl_crl_file", 9},
	{"ssl_crl_dir", 14},
	{"ssl_passphrase_command", 11},
	{"ssl_passphrase_command_supports_reload", 11},
	{"ssl_min_protocol_version", 12},
	{"ssl_max_protocol_version", 12},
	{"ssl_ciphers", 0},
	{"ssl_prefer_server_ciphers", 9},
}

// SSLParameters returns the names of the SSL parameters that version v knows.
func SSLParameters(v Version) []string {
	var out []string
	for _, p := range sslParams {
		if v.Major >= p.since {
			out = append(out, p.name)
		}
	}
	return out
}

// SSL returns the SSL configuration for a server of version v. A boolean the server
// would refuse is reported with the server's words (`parameter "ssl" requires a
// Boolean value`) as a *ConfError wrapping ErrValue naming its file and line, and a
// parameter v does not know as the server's `unrecognized configuration parameter`;
// the other values are still filled in.
func (c *Config) SSL(v Version) (SSL, error) {
	s := SSL{
		CertFile:            "server.crt",
		KeyFile:             "server.key",
		Ciphers:             "HIGH:MEDIUM:+3DES:!aNULL",
		PreferServerCiphers: true,
		Set:                 map[string]Setting{},
	}
	switch {
	case v.Major >= 13:
		s.MinProtocolVersion = "TLSv1.2"
	case v.Major == 12:
		s.MinProtocolVersion = "TLSv1"
	}
	var errs []error
	for _, p := range sslParams {
		set, ok := c.Lookup(p.name)
		if !ok {
			continue
		}
		if v.Major < p.since {
			errs = append(errs, &ConfError{File: set.File, Line: set.Line, Err: ErrValue,
				Message: fmt.Sprintf(`unrecognized configuration parameter "%s" in file "%s" line %d`, set.Name, set.File, set.Line)})
			continue
		}
		s.Set[p.name] = set
		var b *bool
		switch p.name {
		case "ssl":
			b = &s.Enabled
		case "ssl_passphrase_command_supports_reload":
			b = &s.PassphraseCommandSupportsReload
		case "ssl_prefer_server_ciphers":
			b = &s.PreferServerCiphers
		case "ssl_cert_file":
			s.CertFile = set.Value
		case "ssl_key_file":
			s.KeyFile = set.Value
		case "ssl_ca_file":
			s.CAFile = set.Value
		case "ssl_crl_file":
			s.CRLFile = set.Value
		case "ssl_crl_dir":
			s.CRLDir = set.Value
		case "ssl_passphrase_command":
			s.PassphraseCommand = set.Value
		case "ssl_min_protocol_version":
			s.MinProtocolVersion = set.Value
		case "ssl_max_protocol_version":
			s.MaxProtocolVersion = set.Value
		case "ssl_ciphers":
			s.Ciphers = set.Value
		}
		if b != nil {
			val, ok := ParseBool(set.Value)
			if !ok {
				errs = append(errs, &ConfError{File: set.File, Line: set.Line, Err: ErrValue,
					Message: fmt.Sprintf(`parameter "%s" requires a Boolean value`, p.name)})
				continue
			}
			*b = val
		}
	}
	return s, joinErrors(errs)
}

// HBAFile returns the pg_hba.conf the server reads: hba_file when set, else
// pg_hba.conf in configDir, the directory the server's -D names (the data directory,
// or the configuration directory of a Debian-style layout). A relative hba_file is
// taken relative to the data directory.
func (c *Config) HBAFile(configDir string) string {
	return c.pathSetting("hba_file", configDir, HBAFileName)
}

// IdentFile returns the pg_ident.conf the server reads, like HBAFile.
func (c *Config) IdentFile(configDir string) string {
	return c.pathSetting("ident_file", configDir, IdentFileName)
}

func (c *Config) pathSetting(name, configDir, def string) string {
	if s, ok := c.Lookup(name); ok && s.Value != "" {
		return Resolve(c.DataDir, s.Value)
	}
	return filepath.Join(configDir, def)
}

// Resolve returns the file a path setting names: relative paths are relative to the
// data directory, where the server runs. An empty value stays empty (the feature is
// off).
func Resolve(dataDir, value string) string {
	if value == "" || filepath.IsAbs(value) {
		return value
	}
	return filepath.Join(dataDir, value)
}

// Files returns the files the SSL settings name, resolved against the data
// directory, by parameter name; unset (empty) ones are left out.
func (s SSL) Files(dataDir string) map[string]string {
	out := map[string]string{}
	for name, v := range map[string]string{
		"ssl_cert_file": s.CertFile, "ssl_key_file": s.KeyFile, "ssl_ca_file": s.CAFile,
		"ssl_crl_file": s.CRLFile, "ssl_crl_dir": s.CRLDir,
	} {
		if v != "" {
			out[name] = Resolve(dataDir, v)
		}
	}
	return out
}
