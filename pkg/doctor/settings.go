package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/pgcert/pgcert/pkg/pgdata"
)

// settingError is a value the server refuses while reading its configuration, which
// pgdata's reader does not judge: at start the server logs it and stops with
// "configuration file ... contains errors".
type settingError struct {
	message, hint string
	set           pgdata.Setting
}

// protocolVersions are the values of ssl_min_protocol_version and
// ssl_max_protocol_version, oldest first; the server compares them without regard to
// case. The empty value means no limit.
var protocolVersions = []string{"tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3"}

// protocolRank is v's place in protocolVersions, -1 for the empty value and -2 for a
// value the server refuses.
func protocolRank(v string) int {
	if v == "" {
		return -1
	}
	for i, p := range protocolVersions {
		if strings.EqualFold(p, v) {
			return i
		}
	}
	return -2
}

// settingErrors finds the values the server refuses on reading them: parameters
// PostgreSQL 15 does not know (the table is 15's, so other versions are not judged),
// and protocol versions that are not among the values the server offers.
func (c *checker) settingErrors() []settingError {
	var out []settingError
	if c.s.Dir.Version.Major == 15 {
		for _, set := range c.s.Config.Settings {
			name := strings.ToLower(set.Name)
			if strings.Contains(name, ".") || parameters15[name] {
				continue
			}
			out = append(out, settingError{
				message: fmt.Sprintf(`unrecognized configuration parameter "%s" in file "%s" line %d`, set.Name, set.File, set.Line),
				set:     set,
			})
		}
	}
	if c.s.Dir.Version.Major >= 12 {
		for _, name := range []string{"ssl_min_protocol_version", "ssl_max_protocol_version"} {
			set, ok := c.s.Config.Lookup(name)
			// PostgreSQL 13 stopped offering the empty value ("any") for the
			// minimum; the maximum keeps it, meaning no limit.
			noMinimum := name == "ssl_min_protocol_version" && set.Value == "" && c.s.Dir.Version.Major >= 13
			if ok && (protocolRank(set.Value) == -2 || noMinimum) {
				out = append(out, settingError{
					message: fmt.Sprintf(`invalid value for parameter "%s": "%s"`, name, set.Value),
					hint:    "Available values: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3.",
					set:     set,
				})
			}
		}
	}
	return out
}

// protocolRange reports a minimum protocol above the maximum, which the server
// refuses when it sets up SSL: at start, it stops.
func (c *checker) protocolRange(g *Group) bool {
	ssl := c.s.SSL
	lo, hi := protocolRank(ssl.MinProtocolVersion), protocolRank(ssl.MaxProtocolVersion)
	if lo < 0 || hi < 0 || lo <= hi {
		return false
	}
	fd := g.add(LevelError, "protocol", SourceServer, "could not set SSL protocol version range").
		detail(`"ssl_min_protocol_version" cannot be higher than "ssl_max_protocol_version"; with ssl = on the server does not start (on a reload it keeps its old SSL settings)`).
		fix("set ssl_max_protocol_version = '' (no limit), or to '%s' or later", ssl.MinProtocolVersion)
	if set, ok := ssl.Set["ssl_max_protocol_version"]; ok {
		fd.at(set.File, set.Line)
	}
	return true
}

// cipherAliases are the words of OpenSSL 3.0's cipher-list language (ssl_ciph.c,
// cipher_aliases) besides suite names.
var cipherAliases = map[string]bool{
	"ALL": true, "COMPLEMENTOFALL": true, "COMPLEMENTOFDEFAULT": true, "DEFAULT": true,
	"kRSA": true, "kDHr": true, "kDHd": true, "kDH": true, "kEDH": true, "kDHE": true, "DH": true,
	"kEECDH": true, "kECDHE": true, "ECDH": true, "kPSK": true, "kRSAPSK": true, "kECDHEPSK": true,
	"kDHEPSK": true, "kSRP": true, "kGOST": true, "kGOST18": true, "aRSA": true, "aDSS": true,
	"DSS": true, "aNULL": true, "aECDSA": true, "ECDSA": true, "aPSK": true, "aGOST01": true,
	"aGOST12": true, "aGOST": true, "aSRP": true, "EDH": true, "DHE": true, "EECDH": true,
	"ECDHE": true, "NULL": true, "RSA": true, "ADH": true, "AECDH": true, "PSK": true, "SRP": true,
	"3DES": true, "DES": true, "RC4": true, "RC2": true, "IDEA": true, "SEED": true, "eNULL": true,
	"GOST2012": true, "GOST89": true, "AES128": true, "AES256": true, "AES": true, "AESGCM": true,
	"AESCCM": true, "AESCCM8": true, "CAMELLIA128": true, "CAMELLIA256": true, "CAMELLIA": true,
	"CHACHA20": true, "ARIA128": true, "ARIA256": true, "ARIA": true, "ARIAGCM": true, "CBC": true,
	"MD5": true, "SHA1": true, "SHA": true, "GOST94": true, "GOST89MAC": true, "GOST12": true,
	"SHA256": true, "SHA384": true, "SSLv3": true, "TLSv1": true, "TLSv1.0": true, "TLSv1.2": true,
	"LOW": true, "MEDIUM": true, "HIGH": true, "FIPS": true, "SUITEB128": true,
	"SUITEB128ONLY": true, "SUITEB128C2": true, "SUITEB192": true,
}

// selectsNoCipher reports whether an ssl_ciphers list adds no suite at all: every word
// that adds suites names none OpenSSL knows. OpenSSL then refuses the list, and the
// server with it. A list of known words that removes everything it adds is not
// caught: telling that needs OpenSSL's whole suite table.
func selectsNoCipher(list string) bool {
	words := strings.FieldsFunc(list, func(r rune) bool { return r == ':' || r == ',' || r == ';' || r == ' ' })
	for _, w := range words {
		if w == "" || strings.ContainsAny(w[:1], "!-+@") {
			continue
		}
		known := true
		for _, part := range strings.Split(w, "+") {
			if !cipherAliases[part] && !cipherSuites[part] {
				known = false
			}
		}
		if known {
			return false
		}
	}
	return true
}

// nonECCurves are object short names OpenSSL knows that are not curves it makes an EC
// key on: the server finds them (OBJ_sn2nid) but cannot use them.
var nonECCurves = map[string]bool{"X25519": true, "X448": true, "ED25519": true, "ED448": true}

// curveFinding reports an ssl_ecdh_curve the server cannot use, which stops it at
// start. The name is OpenSSL's short name, compared with case (prime256v1, not
// P-256).
func (c *checker) curveFinding(g *Group) {
	set, ok := c.s.Config.Lookup("ssl_ecdh_curve")
	if !ok || ecCurves[set.Value] {
		return
	}
	msg := "ECDH: unrecognized curve name: " + set.Value
	if nonECCurves[set.Value] {
		msg = "ECDH: could not create key"
	}
	g.add(LevelError, "ecdh-curve", SourceServer, msg).at(set.File, set.Line).
		detail("ssl_ecdh_curve = '%s' is not a curve OpenSSL makes an EC key on; with ssl = on the server does not start", set.Value).
		fix("set ssl_ecdh_curve = 'prime256v1' (the default), or another curve of openssl ecparam -list_curves")
}

// dhParamsFinding reports an ssl_dh_params_file the server cannot open, which stops
// it at start.
func (c *checker) dhParamsFinding(g *Group) {
	set, ok := c.s.Config.Lookup("ssl_dh_params_file")
	if !ok || set.Value == "" || c.s.Dir.Version.Major < 10 {
		return
	}
	_, err := os.Stat(pgdata.Resolve(c.s.Dir.Dir, set.Value))
	if !errors.Is(err, fs.ErrNotExist) {
		return
	}
	g.add(LevelError, "dh-params", SourceServer, fmt.Sprintf(`could not open DH parameters file "%s": No such file or directory`, set.Value)).
		at(set.File, set.Line).
		detail("with ssl = on the server does not start").
		fix("set ssl_dh_params_file = '' to use the built-in ones, or write parameters there: openssl dhparam -out %s 2048", shellWord(pgdata.Resolve(c.s.Dir.Dir, set.Value)))
}
