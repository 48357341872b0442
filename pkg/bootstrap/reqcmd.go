package bootstrap

import (
	"crypto"
	"crypto/x509/pkix"
	"errors"
	"strings"
	"time"

	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// KeyFlags are the flags that say what new key to make (--type, --curve,
// --bits), with whether each was given: a curve given for an RSA key means
// nothing, and is refused rather than ignored.
type KeyFlags struct {
	Type, Curve                string
	Bits                       int
	TypeSet, CurveSet, BitsSet bool
}

// GenerateOptions turns the flags into options for keys.Generate, refusing
// combinations that mean nothing with a usage error.
func (kf KeyFlags) GenerateOptions() (keys.GenerateOptions, error) {
	t, err := keys.ParseType(kf.Type)
	if err != nil {
		return keys.GenerateOptions{}, hint.Usagef("--type %s: want one of %v", kf.Type, keys.Types())
	}
	opts := keys.GenerateOptions{Type: t}
	if kf.CurveSet && t != keys.TypeEC {
		return opts, hint.Usagef("--curve applies to --type ec only")
	}
	if t == keys.TypeEC {
		c, err := keys.ParseCurve(kf.Curve)
		if err != nil {
			return opts, hint.Usagef("--curve %s: want one of %v", kf.Curve, keys.Curves())
		}
		opts.Curve = c
	}
	isRSA := t == keys.TypeRSA || t == keys.TypeRSAPSS
	if kf.BitsSet && !isRSA {
		return opts, hint.Usagef("--bits applies to --type rsa and rsa-pss only")
	}
	if isRSA {
		opts.Bits = kf.Bits
	}
	return opts, nil
}

// RequestOptions are the inputs of Request: `pgcert req`, a certificate request
// and, unless it is made for an existing key, that key.
type RequestOptions struct {
	KeyHooks
	// Output is the request's file; "-" leaves it to the caller (standard
	// output) in RequestResult.PEM.
	Output string
	// Key is an existing key to make the request for; "" makes a new key,
	// written to NewKey (NewKeySet: --new-key was given).
	Key       string
	NewKey    string
	NewKeySet bool
	// KeyFlags say what new key to make.
	KeyFlags KeyFlags
	// NoPass writes the new key unencrypted; PassIn and PassOut are the
	// passphrase sources given (only whether they were given counts here).
	NoPass          bool
	PassIn, PassOut string
	// CN or Subject (openssl's -subj form) is the subject; with neither,
	// AskSubject is.
	CN, Subject string
	AskSubject  func() (pkix.RDNSequence, error)
	// SANs are the subject alternative names, each "DNS:name,IP:addr,...".
	SANs []string
	// Text writes the request in text before its PEM block.
	Text bool
	// JSON says the caller writes a report to standard output, which -o -
	// would write the request to as well.
	JSON bool
	// Force replaces existing files, and allows a wildcard over a whole
	// top-level domain.
	Force bool
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// CheckFlags refuses combinations of options that mean nothing, with a usage
// error naming the flags; run it before asking anything.
func (o *RequestOptions) CheckFlags() error {
	kf := o.KeyFlags
	switch {
	case o.Key != "" && o.NewKeySet:
		return hint.Usagef("give --key to use a key, or --new-key to name a new one, not both")
	case o.Key != "" && (o.NoPass || o.PassOut != "" || kf.TypeSet || kf.CurveSet || kf.BitsSet):
		return hint.Usagef("--nopass, --passout, --type, --curve and --bits are for a new key; --key uses an existing one")
	case o.Key == "" && o.PassIn != "":
		return hint.Usagef("--passin is the passphrase of --key")
	case o.NoPass && o.PassOut != "":
		return hint.Usagef("give --nopass or --passout, not both")
	case o.CN != "" && o.Subject != "":
		return hint.Usagef("give --cn or --subject, not both (put CN= in --subject)")
	case o.Output == "":
		return hint.Usagef("--out needs a file name")
	case o.JSON && o.Output == "-":
		return hint.Usagef("--json and -o - would both write to standard output")
	case o.Key == "" && o.NewKey == "":
		return hint.Usagef("--new-key needs a file name")
	case o.Key == "" && o.Output != "-" && SamePath(o.Output, o.NewKey):
		return hint.Usagef("the request and the new key would both be written to %s", o.Output)
	}
	return nil
}

// Request makes a certificate request, and its key unless it is made for an
// existing one, and writes both or neither. It asks (Overwrite) before the
// subject, the passphrase or the key is asked for or made, so that a "no" loses
// no work.
func Request(o RequestOptions) (*RequestResult, error) {
	var sans selfsign.SANs
	if len(o.SANs) > 0 {
		var err error
		if sans, err = selfsign.ParseSANs(strings.Join(o.SANs, ",")); err != nil {
			return nil, hint.Usagef("--san: %s", strings.TrimPrefix(err.Error(), "selfsign: "))
		}
	}
	subject, subjectGiven, err := flagSubject(o.CN, o.Subject)
	if err != nil {
		return nil, err
	}
	var gen keys.GenerateOptions
	newKey := o.Key == ""
	if newKey {
		if gen, err = o.KeyFlags.GenerateOptions(); err != nil {
			return nil, err
		}
	}

	var outputs []string
	if o.Output != "-" {
		outputs = append(outputs, o.Output)
	}
	if newKey {
		outputs = append(outputs, o.NewKey)
	}
	force, err := o.Overwrite(o.Force, outputs...)
	if err != nil {
		return nil, err
	}
	if err := RefuseExisting(force, outputs...); err != nil {
		return nil, RequestExistsHint(err, newKey, o.NewKey)
	}

	if !subjectGiven {
		if subject, err = o.AskSubject(); err != nil {
			return nil, err
		}
	}
	if err := CheckRequestNames(subject, sans, o.Force); err != nil {
		return nil, err
	}

	signer, keyPEM, err := o.requestKey(newKey, gen)
	if err != nil {
		return nil, err
	}
	der, reqPEM, err := MakeRequest(signer, subject, sans, o.Text, o.Rand)
	if err != nil {
		return nil, err
	}
	rf := RequestFiles{Request: der, RequestPEM: reqPEM, Key: signer, Force: force, Now: o.Now}
	if newKey {
		rf.KeyPEM, rf.KeyPath = keyPEM, o.NewKey
	}
	if o.Output != "-" {
		rf.RequestPath = o.Output
	}
	result, err := WriteRequest(rf)
	if err != nil {
		return nil, err
	}
	for _, w := range result.Written {
		noteReplacedLink(o.reporter(), w)
	}
	result.PEM = reqPEM
	return result, nil
}

// flagSubject parses the subject given as --cn or --subject; given is false
// when neither was.
func flagSubject(cn, subject string) (rdn pkix.RDNSequence, given bool, err error) {
	spec, flag := subject, "--subject"
	if cn != "" {
		spec, flag = "/CN="+EscapeSubjectValue(cn), "--cn"
	}
	if spec == "" {
		return nil, false, nil
	}
	if rdn, err = selfsign.ParseSubject(spec); err != nil {
		return nil, true, hint.Usagef("%s: %s", flag, strings.TrimPrefix(err.Error(), "selfsign: "))
	}
	return rdn, true, nil
}

// requestKey makes the new key and its file's contents, or loads the existing
// key.
func (o *RequestOptions) requestKey(newKey bool, gen keys.GenerateOptions) (crypto.Signer, []byte, error) {
	if !newKey {
		k, err := o.LoadKey(o.Key)
		if err != nil {
			return nil, nil, err
		}
		return k.Signer, nil, nil
	}
	var pass []byte
	if !o.NoPass {
		var err error
		if pass, err = o.NewPassphrase(o.NewKey); err != nil {
			var e *hint.Error
			if o.PassOut == "" && errors.As(err, &e) {
				return nil, nil, &hint.Error{Err: e.Err, Hints: append(e.Hints, "or give --nopass to leave the key unencrypted")}
			}
			return nil, nil, err
		}
	}
	signer, err := o.GenerateKey(gen)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := keys.Marshal(signer, pass, keys.FormatPKCS8PEM, o.Rand)
	if err != nil {
		return nil, nil, err
	}
	return signer, keyPEM, nil
}

// SubjectQuestion is a field the subject form asks for.
type SubjectQuestion struct {
	// Attr is openssl's attribute name; Message the question.
	Attr, Message string
}

// SubjectQuestions are the fields the subject form asks for, in openssl req's
// order, with openssl's attribute names, so that it reads as openssl's does.
var SubjectQuestions = []SubjectQuestion{
	{"C", "Country Name (2 letter code)"},
	{"ST", "State or Province Name (full name)"},
	{"L", "Locality Name (e.g. city)"},
	{"O", "Organization Name (e.g. company)"},
	{"OU", "Organizational Unit Name (e.g. section)"},
	{"CN", "Common Name (the server's host name, as clients connect to it)"},
	{"emailAddress", "Email Address"},
}

// SubjectField turns an answer to one of SubjectQuestions into an RDN; an empty
// answer is none. The error says why the answer cannot be part of a subject (a
// country that is not two letters, a value too long), to ask again.
func SubjectField(attr, answer string) (pkix.RDNSequence, error) {
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return nil, nil
	}
	rdn, err := selfsign.ParseSubject("/" + attr + "=" + EscapeSubjectValue(answer))
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "selfsign: "))
	}
	return rdn, nil
}

// subjectAttempts is how often a field is asked again after an answer that
// cannot be part of a subject (a country that is not two letters, a value too
// long): a bounded number ends a session that is not going anywhere.
const subjectAttempts = 3

// AskSubject fills a request's subject in a form: ask (a terminal's prompt)
// puts each of SubjectQuestions, the Common Name's default being host, the
// machine's host name (hostErr: unknown). With no ask (no terminal) the host
// name is the Common Name, which rep is told; without either it fails with a
// hint naming the flags.
func AskSubject(host string, hostErr error, ask func(message, def string) (string, error), rep Reporter) (pkix.RDNSequence, error) {
	if ask == nil {
		if hostErr != nil || host == "" {
			return nil, hint.Errorf([]string{"give the subject with --cn NAME or --subject /CN=NAME"},
				"no terminal to ask for the subject, and this machine's host name is unknown (%v)", hostErr)
		}
		rep.Infof("no terminal: the Common Name is this machine's host name, %s (choose another with --cn or --subject)", host)
		return selfsign.ParseSubject("/CN=" + EscapeSubjectValue(host))
	}
	var subject pkix.RDNSequence
	for _, q := range SubjectQuestions {
		def := ""
		if q.Attr == "CN" && hostErr == nil {
			def = host
		}
		for attempt := 1; ; attempt++ {
			answer, err := ask(q.Message, def)
			if err != nil {
				return nil, err
			}
			rdn, err := SubjectField(q.Attr, answer)
			if err == nil {
				subject = append(subject, rdn...)
				break
			}
			if attempt == subjectAttempts {
				return nil, err
			}
			rep.Warnf("%s; try again", err)
		}
	}
	return subject, nil
}
