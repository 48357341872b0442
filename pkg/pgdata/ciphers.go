package pgdata

import "strings"

// CipherRisk is what an ssl_ciphers list lets in that takes SSL's protection away, as
// AnalyzeCiphers finds it. The lists name cipher suites the OpenSSL way.
type CipherRisk struct {
	// NoEncryption lists the NULL suites the list enables: they authenticate the
	// server but send everything in clear.
	NoEncryption []string
	// NoAuthentication lists the anonymous suites (ADH, AECDH) the list enables: they
	// encrypt, but anyone in the middle can pose as the server.
	NoAuthentication []string
	// SecLevel0 reports that the list sets @SECLEVEL=0. OpenSSL refuses both kinds of
	// suite at security level 1 and above, so without it (or a system openssl.cnf that
	// lowers the level) they are never negotiated.
	SecLevel0 bool
}

// weakSuite is a TLS 1.2-and-earlier cipher suite without encryption or without
// authentication, with the properties OpenSSL's cipher-list aliases select on. PSK
// suites are left out: they need a pre-shared key callback, which the server never
// sets, so it can never negotiate them.
type weakSuite struct {
	name     string
	kx, au   string // key exchange and authentication, as `openssl ciphers -v` prints them
	enc      string // AES128, AES256, AES128GCM, AES256GCM, CAMELLIA128, CAMELLIA256, NULL
	mac      string // MD5, SHA1, SHA256, SHA384, AEAD
	minTLS   string // SSLv3, TLSv1, TLSv1.2: the oldest protocol the suite is defined for
	strength string // HIGH for the anonymous ones, none for NULL encryption
}

// weakSuites are those of OpenSSL 3.0 (ssl/s3_lib.c), as `openssl ciphers -v
// 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'` lists them.
var weakSuites = []weakSuite{
	{"NULL-MD5", "RSA", "RSA", "NULL", "MD5", "SSLv3", ""},
	{"NULL-SHA", "RSA", "RSA", "NULL", "SHA1", "SSLv3", ""},
	{"NULL-SHA256", "RSA", "RSA", "NULL", "SHA256", "TLSv1.2", ""},
	{"ECDHE-ECDSA-NULL-SHA", "ECDH", "ECDSA", "NULL", "SHA1", "TLSv1", ""},
	{"ECDHE-RSA-NULL-SHA", "ECDH", "RSA", "NULL", "SHA1", "TLSv1", ""},
	{"AECDH-NULL-SHA", "ECDH", "None", "NULL", "SHA1", "TLSv1", ""},
	{"ADH-AES128-SHA", "DH", "None", "AES128", "SHA1", "SSLv3", "HIGH"},
	{"ADH-AES256-SHA", "DH", "None", "AES256", "SHA1", "SSLv3", "HIGH"},
	{"ADH-CAMELLIA128-SHA", "DH", "None", "CAMELLIA128", "SHA1", "SSLv3", "HIGH"},
	{"ADH-CAMELLIA256-SHA", "DH", "None", "CAMELLIA256", "SHA1", "SSLv3", "HIGH"},
	{"ADH-AES128-SHA256", "DH", "None", "AES128", "SHA256", "TLSv1.2", "HIGH"},
	{"ADH-AES256-SHA256", "DH", "None", "AES256", "SHA256", "TLSv1.2", "HIGH"},
	{"ADH-CAMELLIA128-SHA256", "DH", "None", "CAMELLIA128", "SHA256", "TLSv1.2", "HIGH"},
	{"ADH-CAMELLIA256-SHA256", "DH", "None", "CAMELLIA256", "SHA256", "TLSv1.2", "HIGH"},
	{"ADH-AES128-GCM-SHA256", "DH", "None", "AES128GCM", "AEAD", "TLSv1.2", "HIGH"},
	{"ADH-AES256-GCM-SHA384", "DH", "None", "AES256GCM", "AEAD", "TLSv1.2", "HIGH"},
	{"AECDH-AES128-SHA", "ECDH", "None", "AES128", "SHA1", "TLSv1", "HIGH"},
	{"AECDH-AES256-SHA", "ECDH", "None", "AES256", "SHA1", "TLSv1", "HIGH"},
}

// cipherAliases are OpenSSL 3.0's cipher-list words (ssl/ssl_ciph.c, cipher_aliases)
// that select any of the weak suites, as tests on the suites' properties. Words not
// here select none of them: other aliases, and the names of other suites.
var cipherAliases = map[string]func(s weakSuite) bool{
	"ALL":                 func(s weakSuite) bool { return s.enc != "NULL" },
	"COMPLEMENTOFALL":     func(s weakSuite) bool { return s.enc == "NULL" },
	"COMPLEMENTOFDEFAULT": func(s weakSuite) bool { return s.au == "None" && s.enc != "NULL" },
	"eNULL":               func(s weakSuite) bool { return s.enc == "NULL" },
	"NULL":                func(s weakSuite) bool { return s.enc == "NULL" },
	"aNULL":               func(s weakSuite) bool { return s.au == "None" },
	"kRSA":                func(s weakSuite) bool { return s.kx == "RSA" },
	"RSA":                 func(s weakSuite) bool { return s.kx == "RSA" },
	"aRSA":                func(s weakSuite) bool { return s.au == "RSA" },
	"aECDSA":              func(s weakSuite) bool { return s.au == "ECDSA" },
	"ECDSA":               func(s weakSuite) bool { return s.au == "ECDSA" },
	"kEDH":                func(s weakSuite) bool { return s.kx == "DH" },
	"kDHE":                func(s weakSuite) bool { return s.kx == "DH" },
	"DH":                  func(s weakSuite) bool { return s.kx == "DH" },
	"ADH":                 func(s weakSuite) bool { return s.kx == "DH" && s.au == "None" },
	"kEECDH":              func(s weakSuite) bool { return s.kx == "ECDH" },
	"kECDHE":              func(s weakSuite) bool { return s.kx == "ECDH" },
	"ECDH":                func(s weakSuite) bool { return s.kx == "ECDH" },
	"EECDH":               func(s weakSuite) bool { return s.kx == "ECDH" && s.au != "None" },
	"ECDHE":               func(s weakSuite) bool { return s.kx == "ECDH" && s.au != "None" },
	"AECDH":               func(s weakSuite) bool { return s.kx == "ECDH" && s.au == "None" },
	"AES":                 func(s weakSuite) bool { return strings.HasPrefix(s.enc, "AES") },
	"AES128":              func(s weakSuite) bool { return strings.HasPrefix(s.enc, "AES128") },
	"AES256":              func(s weakSuite) bool { return strings.HasPrefix(s.enc, "AES256") },
	"AESGCM":              func(s weakSuite) bool { return strings.HasSuffix(s.enc, "GCM") },
	"CAMELLIA":            func(s weakSuite) bool { return strings.HasPrefix(s.enc, "CAMELLIA") },
	"CAMELLIA128":         func(s weakSuite) bool { return s.enc == "CAMELLIA128" },
	"CAMELLIA256":         func(s weakSuite) bool { return s.enc == "CAMELLIA256" },
	"MD5":                 func(s weakSuite) bool { return s.mac == "MD5" },
	"SHA1":                func(s weakSuite) bool { return s.mac == "SHA1" },
	"SHA":                 func(s weakSuite) bool { return s.mac == "SHA1" },
	"SHA256":              func(s weakSuite) bool { return s.mac == "SHA256" },
	"SHA384":              func(s weakSuite) bool { return s.mac == "SHA384" },
	"SSLv3":               func(s weakSuite) bool { return s.minTLS == "SSLv3" },
	"TLSv1":               func(s weakSuite) bool { return s.minTLS == "TLSv1" },
	"TLSv1.0":             func(s weakSuite) bool { return s.minTLS == "TLSv1" },
	"TLSv1.2":             func(s weakSuite) bool { return s.minTLS == "TLSv1.2" },
	"HIGH":                func(s weakSuite) bool { return s.strength == "HIGH" },
}

// defaultCipherList is what DEFAULT at the start of a list stands for in OpenSSL 3.0
// (OSSL_default_cipher_list).
const defaultCipherList = "ALL:!COMPLEMENTOFDEFAULT:!eNULL"

// AnalyzeCiphers finds which suites without encryption or without authentication an
// ssl_ciphers value enables, following OpenSSL's cipher-list rules
// (ssl_cipher_process_rulestr): words separated by colons, commas, semicolons or
// spaces; a word adds the suites it selects, -word removes them (a later word may add
// them again), !word removes them for good, +word only reorders; words joined by +
// select the suites all of them select; DEFAULT at the very start stands for OpenSSL's
// default list. Only the suites that matter here are modelled, so a word that selects
// none of them (another alias, another suite's name) changes nothing.
func AnalyzeCiphers(list string) CipherRisk {
	var risk CipherRisk
	if strings.HasPrefix(list, "DEFAULT") {
		list = defaultCipherList + ":" + list[len("DEFAULT"):]
	}
	active := make([]bool, len(weakSuites))
	killed := make([]bool, len(weakSuites))
	words := strings.FieldsFunc(list, func(r rune) bool { return r == ':' || r == ',' || r == ';' || r == ' ' })
	for _, w := range words {
		op := byte(0)
		switch w[0] {
		case '!', '-', '+':
			op, w = w[0], w[1:]
		case '@':
			if strings.HasPrefix(w, "@SECLEVEL=") {
				risk.SecLevel0 = strings.TrimPrefix(w, "@SECLEVEL=") == "0"
			}
			continue
		}
		if op == '+' || w == "" {
			continue
		}
		parts := strings.Split(w, "+")
		for i, s := range weakSuites {
			if !selects(parts, s) {
				continue
			}
			switch op {
			case '!':
				active[i], killed[i] = false, true
			case '-':
				active[i] = false
			default:
				active[i] = !killed[i]
			}
		}
	}
	for i, s := range weakSuites {
		if !active[i] {
			continue
		}
		if s.enc == "NULL" {
			risk.NoEncryption = append(risk.NoEncryption, s.name)
		} else {
			risk.NoAuthentication = append(risk.NoAuthentication, s.name)
		}
	}
	return risk
}

// selects reports whether every one of the +-joined words selects s. A suite's own
// name selects it only when it is the whole word, as in OpenSSL.
func selects(parts []string, s weakSuite) bool {
	if len(parts) == 1 && parts[0] == s.name {
		return true
	}
	for _, p := range parts {
		alias, ok := cipherAliases[p]
		if !ok || !alias(s) {
			return false
		}
	}
	return true
}
