package world

import (
	"fmt"
	"math/big"
	"net"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Spec is a parsed world specification: the certificates (with their keys), the
// CRLs and the files to write, each in the order the spec lists them.
type Spec struct {
	// Name is the spec's file name, used in error messages.
	Name string
	// Defaults apply to every certificate and CRL that does not say otherwise.
	Defaults Defaults
	// Certs, CRLs and Files are the entries of the spec's sections.
	Certs []*CertSpec
	CRLs  []*CRLSpec
	Files []*FileSpec
}

// Defaults are the values a certificate or CRL takes when it does not give its own.
type Defaults struct {
	// Key is the key type of certificates that name none: "ec:P-256" unless the
	// spec says otherwise, pgcert's default, fast to generate.
	Key KeySpec
	// NotBefore is the start of validity; zero means the time of the run.
	NotBefore time.Time
	// Days is the validity of certificates from NotBefore; 365 unless the spec
	// says otherwise.
	Days int
	// CRLDays is how long a CRL stays current; crl.DefaultDays (180) unless the
	// spec says otherwise.
	CRLDays int
}

// KeySpec says what key a certificate has.
type KeySpec struct {
	// Type is "ec", "rsa", "rsa-pss" or "ed25519".
	Type string
	// Bits is the RSA size, Curve the ECDSA curve.
	Bits  int
	Curve string
}

// CertSpec is one certificate and its key.
type CertSpec struct {
	// Name is the certificate's key in the spec's certs map.
	Name string
	// Issuer names the signing certificate; empty means self-signed.
	Issuer string
	// Subject is in openssl's -subj syntax: "/O=PGDG/OU=a+OU=b/CN=x".
	Subject string
	// SAN lists "DNS:", "IP:", "email:" and "URI:" entries. When the spec
	// gives no san field, a leaf gets its CN copied into a DNS or IP SAN, as
	// pgcert's commands do; an empty list means no subjectAltName at all.
	SAN []string
	// CA makes a CA certificate (basicConstraints CA:TRUE, keyCertSign, cRLSign);
	// PathLen, when set, limits the CAs below it.
	CA      bool
	PathLen *int
	// Key is the certificate's key type; the key is generated once and kept
	// while the type is unchanged.
	Key KeySpec
	// Serial is the serial number; nil means 128 random bits.
	Serial *big.Int
	// NotBefore and NotAfter bound the validity; zero values come from Days and
	// the defaults. Either may lie in the past or the future, for expired and not
	// yet valid certificates.
	NotBefore, NotAfter time.Time
	Days                int
	// KeyUsage and ExtKeyUsage name the usages as openssl does
	// (digitalSignature, keyEncipherment, ...; serverAuth, clientAuth, ...); nil
	// means the defaults for a CA or a leaf.
	KeyUsage    []string
	ExtKeyUsage []string
	// Version is 3, or 1 for a certificate without extensions.
	Version int
	// NoExtensions writes a version 3 certificate without any extension.
	NoExtensions bool
	// Testing allows a non-standard certificate: no names, an IP address in a
	// dNSName, no subjectAltName on a leaf, version 1, no extensions.
	Testing bool

	line int
}

// CRLSpec is one CRL.
type CRLSpec struct {
	// Name is the CRL's key in the spec's crls map.
	Name string
	// Issuer names the CA certificate that signs it.
	Issuer string
	// Number is the CRL number; 1 when not given.
	Number *big.Int
	// ThisUpdate is the issue time (zero: the time of the run), NextUpdate the end
	// (zero: ThisUpdate plus Days, or the default).
	ThisUpdate, NextUpdate time.Time
	Days                   int
	// Revoked are the CRL's entries, in this order.
	Revoked []RevokedSpec

	line int
}

// RevokedSpec is one entry of a CRL: a certificate of the spec or a bare serial.
type RevokedSpec struct {
	// Cert names a certificate of the spec, whose serial is listed; Serial is
	// a serial of a certificate the spec does not make. Exactly one is set.
	Cert   string
	Serial *big.Int
	// Date is the revocation time; zero means the CRL's ThisUpdate.
	Date time.Time
	// Reason is an RFC 5280 reason name (keyCompromise, superseded, ...); empty
	// writes no reasonCode.
	Reason string
}

// FileSpec is one file or directory of the output.
type FileSpec struct {
	// Path is relative to the output directory, with "/" separators.
	Path string
	// Kind is "cert", "key", "crl", "concat" or "crldir"; Ref the certificate,
	// key or CRL name; Parts the concatenated items ("cert:NAME", "key:NAME",
	// "crl:NAME", "file:PATH") or the CRLs of a hashed directory.
	Kind  string
	Ref   string
	Parts []string
	// Format is "pem" or "der" for certificates and CRLs; for keys one of
	// KeyFormats.
	Format string
	// Passphrase encrypts a key in the encrypted and legacy formats.
	Passphrase string
	// Mode is the file's permission bits: 0600 for keys, 0644 for the rest
	// (0755 for directories) unless the spec says otherwise.
	Mode uint32

	line int
}

// KeyFormats are the key file formats: PKCS#8 PEM (pgcert's default) and DER,
// encrypted PKCS#8 PEM and DER (PBES2, AES-256-CBC), PKCS#1/SEC1 PEM and DER
// (openssl's "traditional" forms), and legacy encrypted PEM with AES-128, 192 or
// 256 ("Proc-Type: 4,ENCRYPTED").
var KeyFormats = []string{"pkcs8", "pkcs8-der", "encrypted", "encrypted-der", "traditional", "traditional-der", "legacy-aes128", "legacy-aes192", "legacy-aes256"}

// SpecError is a mistake in a spec, at a line and field.
type SpecError struct {
	// File is the spec's name, Line its line (0 when the mistake has none).
	File string
	Line int
	// Field is the path of the field: "certs.server.san".
	Field string
	// Msg says what is wrong.
	Msg string
}

// Error reads "pki.yaml:12: certs.server.san: ...".
func (e *SpecError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field == "" {
		return loc + ": " + e.Msg
	}
	return loc + ": " + e.Field + ": " + e.Msg
}

// nameRE is what certificate and CRL names may be: they appear in references and
// in messages.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.+-]*$`)

// parser walks the YAML tree, remembering the file name for errors.
type parser struct {
	file string
}

func (p *parser) errf(n *yaml.Node, field, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &SpecError{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// fields iterates a mapping, refusing keys not in allowed, so that a mistyped
// field is an error rather than silently ignored.
func (p *parser) fields(n *yaml.Node, field string, allowed []string, fn func(key string, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errf(n, field, "want a mapping")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		sub := k.Value
		if field != "" {
			sub = field + "." + k.Value
		}
		if allowed != nil && !contains(allowed, k.Value) {
			return p.errf(k, sub, "unknown field (known: %s)", strings.Join(allowed, ", "))
		}
		if seen[k.Value] {
			return p.errf(k, sub, "given twice")
		}
		seen[k.Value] = true
		if err := fn(k.Value, v); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *parser) str(n *yaml.Node, field string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", p.errf(n, field, "want a string")
	}
	return n.Value, nil
}

func (p *parser) integer(n *yaml.Node, field string) (int, error) {
	if n.Kind != yaml.ScalarNode {
		return 0, p.errf(n, field, "want a number")
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil || v < 0 {
		return 0, p.errf(n, field, "want a non-negative number, not %q", n.Value)
	}
	return v, nil
}

func (p *parser) boolean(n *yaml.Node, field string) (bool, error) {
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		return false, p.errf(n, field, "want true or false")
	}
	return b, nil
}

func (p *parser) list(n *yaml.Node, field string) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, field, "want a list")
	}
	out := []string{}
	for i, c := range n.Content {
		s, err := p.str(c, fmt.Sprintf("%s[%d]", field, i))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// timeValue reads an RFC 3339 time ("2023-06-29T01:01:01Z") or a date.
func (p *parser) timeValue(n *yaml.Node, field string) (time.Time, error) {
	if n.Kind != yaml.ScalarNode {
		return time.Time{}, p.errf(n, field, "want a time")
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, n.Value); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, p.errf(n, field, "want a time as 2023-06-29T01:01:01Z or 2023-06-29, not %q", n.Value)
}

// serial reads a serial number in decimal or 0x-prefixed hexadecimal.
func (p *parser) serial(n *yaml.Node, field string) (*big.Int, error) {
	if n.Kind != yaml.ScalarNode {
		return nil, p.errf(n, field, "want a number")
	}
	v, ok := new(big.Int).SetString(n.Value, 0)
	if !ok || v.Sign() < 0 || v.BitLen() > 159 {
		return nil, p.errf(n, field, "want a non-negative number below 2^159 (decimal or 0x hex), not %q", n.Value)
	}
	return v, nil
}

func (p *parser) keySpec(n *yaml.Node, field string) (KeySpec, error) {
	s, err := p.str(n, field)
	if err != nil {
		return KeySpec{}, err
	}
	typ, arg, _ := strings.Cut(strings.ToLower(s), ":")
	switch typ {
	case "ec":
		switch strings.ToUpper(arg) {
		case "", "P-256", "P256":
			return KeySpec{Type: "ec", Curve: "P-256"}, nil
		case "P-384", "P384":
			return KeySpec{Type: "ec", Curve: "P-384"}, nil
		}
	case "rsa", "rsa-pss":
		bits := 2048
		if arg != "" {
			bits, err = strconv.Atoi(arg)
		}
		if err == nil && (bits == 2048 || bits == 3072 || bits == 4096) {
			return KeySpec{Type: typ, Bits: bits}, nil
		}
	case "ed25519":
		if arg == "" {
			return KeySpec{Type: "ed25519"}, nil
		}
	}
	return KeySpec{}, p.errf(n, field, "unknown key %q (want ec:P-256, ec:P-384, rsa:2048|3072|4096, rsa-pss:2048|3072|4096 or ed25519)", s)
}

// Parse reads a spec. name is the file name errors are reported with; every error
// is a *SpecError naming the line and the field.
func Parse(name string, data []byte) (*Spec, error) {
	p := &parser{file: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &SpecError{File: name, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return nil, &SpecError{File: name, Msg: "empty spec"}
	}
	root := doc.Content[0]
	s := &Spec{Name: name, Defaults: Defaults{Key: KeySpec{Type: "ec", Curve: "P-256"}, Days: 365}}
	var certsNode, crlsNode, filesNode *yaml.Node
	err := p.fields(root, "", []string{"defaults", "certs", "crls", "files"}, func(k string, v *yaml.Node) error {
		switch k {
		case "defaults":
			return p.defaults(v, &s.Defaults)
		case "certs":
			certsNode = v
		case "crls":
			crlsNode = v
		case "files":
			filesNode = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	certs := map[string]*CertSpec{}
	if certsNode != nil {
		err := p.fields(certsNode, "certs", nil, func(k string, v *yaml.Node) error {
			c, err := p.cert(k, v, s.Defaults)
			if err != nil {
				return err
			}
			certs[k] = c
			s.Certs = append(s.Certs, c)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	crls := map[string]*CRLSpec{}
	if crlsNode != nil {
		err := p.fields(crlsNode, "crls", nil, func(k string, v *yaml.Node) error {
			c, err := p.crl(k, v, certs)
			if err != nil {
				return err
			}
			crls[k] = c
			s.CRLs = append(s.CRLs, c)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if filesNode == nil {
		return nil, noFiles(name, root)
	}
	files := map[string]*FileSpec{}
	err = p.fields(filesNode, "files", nil, func(k string, v *yaml.Node) error {
		f, err := p.fileSpec(k, v, certs, crls, files)
		if err != nil {
			return err
		}
		files[f.Path] = f
		s.Files = append(s.Files, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// An empty files mapping is refused like a missing one: Make would otherwise
	// succeed having written nothing, and a CI script would go on without its PKI.
	if len(s.Files) == 0 {
		return nil, noFiles(name, filesNode)
	}
	if err := p.checkIssuers(s, certs); err != nil {
		return nil, err
	}
	return s, nil
}

func noFiles(file string, at *yaml.Node) *SpecError {
	return &SpecError{File: file, Line: at.Line, Field: "files", Msg: "nothing to write: list the files to make under files:"}
}

func (p *parser) defaults(n *yaml.Node, d *Defaults) error {
	return p.fields(n, "defaults", []string{"key", "not_before", "days", "crl_days"}, func(k string, v *yaml.Node) error {
		var err error
		f := "defaults." + k
		switch k {
		case "key":
			d.Key, err = p.keySpec(v, f)
		case "not_before":
			d.NotBefore, err = p.timeValue(v, f)
		case "days":
			d.Days, err = p.integer(v, f)
		case "crl_days":
			d.CRLDays, err = p.integer(v, f)
		}
		return err
	})
}

var certFields = []string{"issuer", "subject", "san", "ca", "pathlen", "key", "serial", "not_before", "not_after", "days", "key_usage", "ext_key_usage", "version", "extensions", "testing"}

func (p *parser) cert(name string, n *yaml.Node, d Defaults) (*CertSpec, error) {
	field := "certs." + name
	if !nameRE.MatchString(name) {
		return nil, p.errf(n, field, "a name is letters, digits and _.+- only")
	}
	c := &CertSpec{Name: name, Key: d.Key, Version: 3, line: n.Line}
	var sanNode, versionNode, extNode *yaml.Node
	err := p.fields(n, field, certFields, func(k string, v *yaml.Node) error {
		var err error
		f := field + "." + k
		switch k {
		case "issuer":
			c.Issuer, err = p.str(v, f)
		case "subject":
			if c.Subject, err = p.str(v, f); err == nil {
				err = checkSubject(c.Subject)
				if err != nil {
					err = p.errf(v, f, "%v", err)
				}
			}
		case "san":
			sanNode = v
			if c.SAN, err = p.list(v, f); err == nil {
				err = p.checkSANs(v, f, c.SAN)
			}
		case "ca":
			c.CA, err = p.boolean(v, f)
		case "pathlen":
			var pl int
			if pl, err = p.integer(v, f); err == nil {
				c.PathLen = &pl
			}
		case "key":
			c.Key, err = p.keySpec(v, f)
		case "serial":
			c.Serial, err = p.serial(v, f)
		case "not_before":
			c.NotBefore, err = p.timeValue(v, f)
		case "not_after":
			c.NotAfter, err = p.timeValue(v, f)
		case "days":
			c.Days, err = p.integer(v, f)
		case "key_usage":
			if c.KeyUsage, err = p.list(v, f); err == nil {
				for i, u := range c.KeyUsage {
					if _, ok := keyUsages[u]; !ok {
						return p.errf(v.Content[i], f, "unknown key usage %q", u)
					}
				}
			}
		case "ext_key_usage":
			if c.ExtKeyUsage, err = p.list(v, f); err == nil {
				for i, u := range c.ExtKeyUsage {
					if _, ok := extKeyUsages[u]; !ok {
						return p.errf(v.Content[i], f, "unknown extended key usage %q", u)
					}
				}
			}
		case "version":
			versionNode = v
			if c.Version, err = p.integer(v, f); err == nil && c.Version != 1 && c.Version != 3 {
				err = p.errf(v, f, "want 1 or 3")
			}
		case "extensions":
			extNode = v
			var s string
			if s, err = p.str(v, f); err == nil && s != "none" {
				err = p.errf(v, f, `the only value is "none" (a certificate without extensions)`)
			}
			c.NoExtensions = true
		case "testing":
			c.Testing, err = p.boolean(v, f)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if c.Subject == "" {
		return nil, p.errf(n, field+".subject", "missing: give the subject as /CN=name (or / for an empty one, with testing: true)")
	}
	if c.Version == 1 {
		c.NoExtensions = true
	}
	if c.CA && c.Key.Type == "rsa-pss" {
		return nil, p.errf(n, field+".key", "an RSA-PSS key cannot sign the CRLs and certificates a CA makes here; use rsa or ec")
	}
	if c.CA && c.NoExtensions {
		return nil, p.errf(n, field+".ca", "a CA certificate needs its basicConstraints extension")
	}
	if c.PathLen != nil && !c.CA {
		return nil, p.errf(n, field+".pathlen", "only for a CA (ca: true)")
	}
	if sanNode == nil && !c.CA && !c.NoExtensions {
		c.SAN = cnSAN(c.Subject)
	}
	if c.Testing {
		return c, nil
	}
	// What the ordinary commands refuse is allowed only where the spec says so.
	why := ""
	at, atField := n, field
	if sanNode != nil {
		at, atField = sanNode, field+".san"
	}
	switch {
	case versionNode != nil && c.Version == 1:
		why, at, atField = "a version 1 certificate", versionNode, field+".version"
	case extNode != nil:
		why, at, atField = "a certificate without extensions", extNode, field+".extensions"
	case c.Subject == "/" && len(c.SAN) == 0:
		why = "a certificate with no names"
	case len(c.SAN) == 0 && !c.CA:
		why = "a leaf certificate without subjectAltName"
	}
	if why == "" && sanNode != nil {
		for i, san := range c.SAN {
			if v, ok := strings.CutPrefix(san, "DNS:"); ok && net.ParseIP(v) != nil {
				why, at, atField = "an IP address in a dNSName", sanNode.Content[i], field+".san"
			}
		}
	}
	if why != "" {
		return nil, p.errf(at, atField, "%s is non-standard; mark the certificate testing: true if that is what the test needs", why)
	}
	return c, nil
}

// checkSANs reads "DNS:", "IP:", "email:" and "URI:" entries.
func (p *parser) checkSANs(n *yaml.Node, field string, sans []string) error {
	for i, s := range sans {
		typ, v, ok := strings.Cut(s, ":")
		if !ok || v == "" {
			return p.errf(n.Content[i], field, "%q: want DNS:name, IP:address, email:address or URI:uri", s)
		}
		switch typ {
		case "DNS", "email", "URI":
		case "IP":
			if net.ParseIP(v) == nil {
				return p.errf(n.Content[i], field, "%q is not an IP address", v)
			}
		default:
			return p.errf(n.Content[i], field, "%q: want DNS:name, IP:address, email:address or URI:uri", s)
		}
	}
	return nil
}

var reasons = map[string]int{
	"unspecified": 0, "keyCompromise": 1, "cACompromise": 2, "affiliationChanged": 3,
	"superseded": 4, "cessationOfOperation": 5, "certificateHold": 6, "removeFromCRL": 8,
	"privilegeWithdrawn": 9, "aACompromise": 10,
}

func (p *parser) crl(name string, n *yaml.Node, certs map[string]*CertSpec) (*CRLSpec, error) {
	field := "crls." + name
	if !nameRE.MatchString(name) {
		return nil, p.errf(n, field, "a name is letters, digits and _.+- only")
	}
	c := &CRLSpec{Name: name, line: n.Line}
	var issuerNode *yaml.Node
	err := p.fields(n, field, []string{"issuer", "number", "this_update", "next_update", "days", "revoked"}, func(k string, v *yaml.Node) error {
		var err error
		f := field + "." + k
		switch k {
		case "issuer":
			issuerNode = v
			c.Issuer, err = p.str(v, f)
		case "number":
			c.Number, err = p.serial(v, f)
		case "this_update":
			c.ThisUpdate, err = p.timeValue(v, f)
		case "next_update":
			c.NextUpdate, err = p.timeValue(v, f)
		case "days":
			c.Days, err = p.integer(v, f)
		case "revoked":
			if v.Kind != yaml.SequenceNode {
				return p.errf(v, f, "want a list")
			}
			for i, e := range v.Content {
				r, err := p.revoked(e, fmt.Sprintf("%s[%d]", f, i), c, certs)
				if err != nil {
					return err
				}
				c.Revoked = append(c.Revoked, r)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	issuer, ok := certs[c.Issuer]
	switch {
	case c.Issuer == "":
		return nil, p.errf(n, field+".issuer", "missing: name the CA certificate that signs the CRL")
	case !ok:
		return nil, p.errf(issuerNode, field+".issuer", "no certificate %q in certs", c.Issuer)
	case !issuer.CA:
		return nil, p.errf(issuerNode, field+".issuer", "%q is not a CA (ca: true)", c.Issuer)
	}
	for _, r := range c.Revoked {
		if r.Cert != "" && certs[r.Cert].Issuer != c.Issuer {
			return nil, p.errf(n, field+".revoked", "%q is not issued by %q", r.Cert, c.Issuer)
		}
	}
	return c, nil
}

func (p *parser) revoked(n *yaml.Node, field string, c *CRLSpec, certs map[string]*CertSpec) (RevokedSpec, error) {
	var r RevokedSpec
	err := p.fields(n, field, []string{"cert", "serial", "date", "reason"}, func(k string, v *yaml.Node) error {
		var err error
		f := field + "." + k
		switch k {
		case "cert":
			if r.Cert, err = p.str(v, f); err == nil && certs[r.Cert] == nil {
				err = p.errf(v, f, "no certificate %q in certs", r.Cert)
			}
		case "serial":
			r.Serial, err = p.serial(v, f)
		case "date":
			r.Date, err = p.timeValue(v, f)
		case "reason":
			if r.Reason, err = p.str(v, f); err == nil {
				if _, ok := reasons[r.Reason]; !ok {
					err = p.errf(v, f, "unknown reason %q", r.Reason)
				}
			}
		}
		return err
	})
	if err == nil && (r.Cert == "") == (r.Serial == nil) {
		err = p.errf(n, field, "give either cert: NAME or serial: N")
	}
	return r, err
}

func (p *parser) fileSpec(name string, n *yaml.Node, certs map[string]*CertSpec, crls map[string]*CRLSpec, files map[string]*FileSpec) (*FileSpec, error) {
	field := "files." + name
	clean := path.Clean(name)
	if name == "" || path.IsAbs(name) || clean != name || clean == "." || strings.HasPrefix(clean, "../") || clean == ".." {
		return nil, p.errf(n, field, "want a relative path without . or .. parts")
	}
	if clean == StateFile || strings.HasPrefix(clean, StateFile+"/") {
		return nil, p.errf(n, field, "%s is where the state of the world is kept", StateFile)
	}
	for other := range files {
		if strings.HasPrefix(clean, other+"/") || strings.HasPrefix(other, clean+"/") {
			return nil, p.errf(n, field, "inside or around %s, also in files", other)
		}
	}
	f := &FileSpec{Path: clean, line: n.Line}
	var modeNode *yaml.Node
	err := p.fields(n, field, []string{"cert", "key", "crl", "concat", "crldir", "format", "passphrase", "mode"}, func(k string, v *yaml.Node) error {
		var err error
		fld := field + "." + k
		switch k {
		case "cert", "key", "crl":
			if f.Kind != "" {
				return p.errf(v, fld, "a file is one of cert, key, crl, concat, crldir")
			}
			f.Kind = k
			if f.Ref, err = p.str(v, fld); err != nil {
				return err
			}
			if (k == "crl" && crls[f.Ref] == nil) || (k != "crl" && certs[f.Ref] == nil) {
				return p.errf(v, fld, "no %s %q in %ss", map[string]string{"cert": "certificate", "key": "certificate", "crl": "CRL"}[k], f.Ref, map[string]string{"cert": "cert", "key": "cert", "crl": "crl"}[k])
			}
		case "concat", "crldir":
			if f.Kind != "" {
				return p.errf(v, fld, "a file is one of cert, key, crl, concat, crldir")
			}
			f.Kind = k
			if f.Parts, err = p.list(v, fld); err != nil {
				return err
			}
			for i, part := range f.Parts {
				if err := p.checkPart(v.Content[i], fld, k, part, certs, crls, files); err != nil {
					return err
				}
			}
		case "format":
			f.Format, err = p.str(v, fld)
		case "passphrase":
			f.Passphrase, err = p.str(v, fld)
		case "mode":
			modeNode = v
			var m uint64
			if v.Kind != yaml.ScalarNode {
				return p.errf(v, fld, "want an octal mode such as 0600")
			}
			m, err = strconv.ParseUint(v.Value, 8, 32)
			if err != nil || m > 0o777 {
				return p.errf(v, fld, "want an octal mode such as 0600, not %q", v.Value)
			}
			f.Mode = uint32(m)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if f.Kind == "" {
		return nil, p.errf(n, field, "say what the file holds: cert, key, crl, concat or crldir")
	}
	switch f.Kind {
	case "cert", "crl":
		if f.Format == "" {
			f.Format = "pem"
		}
		if f.Format != "pem" && f.Format != "der" {
			return nil, p.errf(n, field+".format", "want pem or der")
		}
	case "key":
		if f.Format == "" {
			f.Format = "pkcs8"
		}
		if !contains(KeyFormats, f.Format) {
			return nil, p.errf(n, field+".format", "want one of %s", strings.Join(KeyFormats, ", "))
		}
		encrypted := f.Format == "encrypted" || f.Format == "encrypted-der" || strings.HasPrefix(f.Format, "legacy-")
		if encrypted != (f.Passphrase != "") {
			if encrypted {
				return nil, p.errf(n, field+".passphrase", "the %s format needs a passphrase", f.Format)
			}
			return nil, p.errf(n, field+".passphrase", "only for the encrypted formats")
		}
		if k := certs[f.Ref].Key.Type; k == "ed25519" && (f.Format == "traditional" || f.Format == "traditional-der" || strings.HasPrefix(f.Format, "legacy-")) {
			return nil, p.errf(n, field+".format", "an Ed25519 key has no traditional form; use pkcs8")
		}
	default:
		if f.Format != "" || f.Passphrase != "" {
			return nil, p.errf(n, field+".format", "only for cert, key and crl files")
		}
	}
	if f.Mode == 0 && modeNode == nil {
		switch f.Kind {
		case "key":
			f.Mode = 0o600
		case "crldir":
			f.Mode = 0o755
		default:
			f.Mode = 0o644
		}
	}
	return f, nil
}

func (p *parser) checkPart(n *yaml.Node, field, kind, part string, certs map[string]*CertSpec, crls map[string]*CRLSpec, files map[string]*FileSpec) error {
	if kind == "crldir" {
		if crls[part] == nil {
			return p.errf(n, field, "no CRL %q in crls", part)
		}
		return nil
	}
	typ, ref, _ := strings.Cut(part, ":")
	switch typ {
	case "cert", "key":
		if certs[ref] != nil {
			return nil
		}
		return p.errf(n, field, "no certificate %q in certs", ref)
	case "crl":
		if crls[ref] != nil {
			return nil
		}
		return p.errf(n, field, "no CRL %q in crls", ref)
	case "file":
		if f := files[ref]; f != nil && f.Kind != "crldir" {
			return nil
		}
		return p.errf(n, field, "no file %q listed before this one", ref)
	}
	return p.errf(n, field, "%q: want cert:NAME, key:NAME, crl:NAME or file:PATH", part)
}

// checkIssuers checks that every issuer exists and is a CA, and that issuers form
// no cycle.
func (p *parser) checkIssuers(s *Spec, certs map[string]*CertSpec) error {
	for _, c := range s.Certs {
		if c.Issuer == "" {
			continue
		}
		issuer, ok := certs[c.Issuer]
		field := "certs." + c.Name + ".issuer"
		switch {
		case !ok:
			return &SpecError{File: p.file, Line: c.line, Field: field, Msg: fmt.Sprintf("no certificate %q in certs", c.Issuer)}
		case !issuer.CA:
			return &SpecError{File: p.file, Line: c.line, Field: field, Msg: fmt.Sprintf("%q is not a CA (ca: true)", c.Issuer)}
		}
		seen := map[string]bool{c.Name: true}
		for x := issuer; x != nil && x.Issuer != ""; x = certs[x.Issuer] {
			if seen[x.Name] {
				return &SpecError{File: p.file, Line: c.line, Field: field, Msg: "issuers form a cycle through " + x.Name}
			}
			seen[x.Name] = true
		}
	}
	return nil
}

// checkSubject checks a subject in openssl's -subj syntax.
func checkSubject(s string) error {
	if s == "/" {
		return nil
	}
	_, err := parseSubject(s)
	return err
}
