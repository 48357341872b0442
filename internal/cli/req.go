package cli

import (
	"crypto"
	"crypto/x509/pkix"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/prompt"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// reqOptions are the flags of `pgcert req`.
type reqOptions struct {
	f       *Factory
	Output  string
	Key     string
	NewKey  string
	PassIn  string
	PassOut string
	NoPass  bool
	CN      string
	Subject string
	SANs    []string
	Text    bool
	Type    string
	Curve   string
	Bits    int
	Force   bool
}

func newReqCmd(f *Factory, runF func(*reqOptions) error) *cobra.Command {
	opts := &reqOptions{f: f}
	cmd := &cobra.Command{
		Use:   "req",
		Short: "make a certificate signing request, and its key",
		Long:  help.Long("req"), Example: help.Example("req"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := reqCheckFlags(cmd, opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return reqRun(cmd, opts)
		},
	}
	fl := cmd.Flags()
	addOutFlag(cmd, &opts.Output, "server.req", "write the request to `FILE` (- for standard output)", "req", "csr", "pem")
	addFileFlag(cmd, &opts.Key, "key", "make the request for the private key in `FILE` instead of a new key", keyExts...)
	fl.StringVar(&opts.NewKey, "new-key", "privkey.pem", "write the new key to `FILE`")
	addKeyPassInFlag(cmd, &opts.PassIn)
	fl.StringVar(&opts.PassOut, "passout", "", "passphrase `SOURCE` for the new key: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.BoolVar(&opts.NoPass, "nopass", false, "write the new key unencrypted")
	fl.StringVar(&opts.CN, "cn", "", "the Common Name: the server's host name")
	fl.StringVar(&opts.Subject, "subject", "", "the whole subject, as openssl's -subj: /C=US/O=Acme/CN=db.example.com")
	fl.StringArrayVar(&opts.SANs, "san", nil, "subject alternative names: DNS:name,IP:address,email:addr,URI:uri (repeatable)")
	fl.BoolVar(&opts.Text, "text", false, "write the request in text before its PEM block, as openssl req -text does")
	fl.StringVar(&opts.Type, "type", "ec", "new key type: ec, rsa, ed25519 or rsa-pss")
	fl.StringVar(&opts.Curve, "curve", "P-256", "ECDSA curve of the new key: P-256 or P-384")
	fl.IntVar(&opts.Bits, "bits", keys.DefaultRSABits, "RSA size of the new key: 2048, 3072 or 4096")
	addForceFilesFlag(cmd, &opts.Force)
	cmd.MarkFlagFilename("new-key", "key", "pem")
	cmd.RegisterFlagCompletionFunc("type", keyTypeCompletion)
	cmd.RegisterFlagCompletionFunc("curve", curveCompletion)
	cmd.RegisterFlagCompletionFunc("bits", fixedCompletion("2048", "3072", "4096"))
	return cmd
}

// reqCheckFlags refuses flag combinations that mean nothing.
func reqCheckFlags(cmd *cobra.Command, opts *reqOptions) error {
	changed := cmd.Flags().Changed
	switch {
	case opts.Key != "" && changed("new-key"):
		return usageErrorf("give --key to use a key, or --new-key to name a new one, not both")
	case opts.Key != "" && (opts.NoPass || opts.PassOut != "" || changed("type") || changed("curve") || changed("bits")):
		return usageErrorf("--nopass, --passout, --type, --curve and --bits are for a new key; --key uses an existing one")
	case opts.Key == "" && opts.PassIn != "":
		return usageErrorf("--passin is the passphrase of --key")
	case opts.NoPass && opts.PassOut != "":
		return usageErrorf("give --nopass or --passout, not both")
	case opts.CN != "" && opts.Subject != "":
		return usageErrorf("give --cn or --subject, not both (put CN= in --subject)")
	case opts.Output == "":
		return usageErrorf("--out needs a file name")
	case opts.f.Global.JSON && opts.Output == "-":
		return usageErrorf("--json and -o - would both write to standard output")
	case opts.Key == "" && opts.NewKey == "":
		return usageErrorf("--new-key needs a file name")
	case opts.Key == "" && opts.Output != "-" && samePath(opts.Output, opts.NewKey):
		return usageErrorf("the request and the new key would both be written to %s", opts.Output)
	}
	return nil
}

func reqRun(cmd *cobra.Command, opts *reqOptions) error {
	f := opts.f
	var sans selfsign.SANs
	if len(opts.SANs) > 0 {
		var err error
		if sans, err = selfsign.ParseSANs(strings.Join(opts.SANs, ",")); err != nil {
			return usageErrorf("--san: %s", strings.TrimPrefix(err.Error(), "selfsign: "))
		}
	}
	var subject pkix.RDNSequence
	subjectGiven := opts.Subject != "" || opts.CN != ""
	if subjectGiven {
		spec, flag := opts.Subject, "--subject"
		if opts.CN != "" {
			spec, flag = "/CN="+bootstrap.EscapeSubjectValue(opts.CN), "--cn"
		}
		var err error
		if subject, err = selfsign.ParseSubject(spec); err != nil {
			return usageErrorf("%s: %s", flag, strings.TrimPrefix(err.Error(), "selfsign: "))
		}
	}
	var gen keys.GenerateOptions
	newKey := opts.Key == ""
	if newKey {
		var err error
		if gen, err = generateOptions(cmd, opts.Type, opts.Curve, opts.Bits); err != nil {
			return err
		}
	}

	var outputs []string
	if opts.Output != "-" {
		outputs = append(outputs, opts.Output)
	}
	if newKey {
		outputs = append(outputs, opts.NewKey)
	}
	force, err := f.allowOverwrite(opts.Force, outputs...)
	if err != nil {
		return err
	}
	if err := bootstrap.RefuseExisting(force, outputs...); err != nil {
		return bootstrap.RequestExistsHint(err, newKey, opts.NewKey)
	}

	if !subjectGiven {
		if subject, err = f.askSubject(); err != nil {
			return err
		}
	}
	if err := bootstrap.CheckRequestNames(subject, sans, opts.Force); err != nil {
		return err
	}

	var signer crypto.Signer
	var keyPEM []byte
	if newKey {
		var pass []byte
		if !opts.NoPass {
			if pass, err = f.newPassphrase("--passout", opts.PassOut, opts.NewKey); err != nil {
				var e *Error
				if opts.PassOut == "" && errors.As(err, &e) {
					return &Error{Err: e.Err, Hints: append(e.Hints, "or give --nopass to leave the key unencrypted")}
				}
				return err
			}
		}
		if signer, err = f.generateKey(gen); err != nil {
			return err
		}
		if keyPEM, err = f.marshalKey(signer, pass); err != nil {
			return err
		}
	} else {
		k, err := f.loadKey(opts.Key, "--passin", opts.PassIn)
		if err != nil {
			return err
		}
		signer = k.Signer
	}

	der, reqPEM, err := bootstrap.MakeRequest(signer, subject, sans, opts.Text, f.Rand)
	if err != nil {
		return err
	}

	rf := bootstrap.RequestFiles{Request: der, RequestPEM: reqPEM, Key: signer, Force: force, Now: f.Now}
	if newKey {
		rf.KeyPEM, rf.KeyPath = keyPEM, opts.NewKey
	}
	if opts.Output != "-" {
		rf.RequestPath = opts.Output
	}
	result, err := bootstrap.WriteRequest(rf)
	if err != nil {
		return err
	}
	for _, w := range result.Written {
		f.noteReplacedLink(w)
	}

	switch {
	case f.Global.JSON:
		return writeJSON(f.IO.Out, result)
	case opts.Output == "-":
		_, err = f.IO.Out.Write(reqPEM)
		if !f.Global.Quiet {
			result.WriteText(f.IO.ErrOut)
		}
		return err
	}
	return result.WriteText(f.IO.Out)
}

// subjectQuestions are the fields the subject form asks for, in openssl req's
// order, with openssl's attribute names.
var subjectQuestions = []struct {
	attr, message string
}{
	{"C", "Country Name (2 letter code)"},
	{"ST", "State or Province Name (full name)"},
	{"L", "Locality Name (e.g. city)"},
	{"O", "Organization Name (e.g. company)"},
	{"OU", "Organizational Unit Name (e.g. section)"},
	{"CN", "Common Name (the server's host name, as clients connect to it)"},
	{"emailAddress", "Email Address"},
}

// subjectAttempts is how often a field is asked again after an answer that cannot
// be part of a subject (a country that is not two letters, a value too long).
const subjectAttempts = 3

// askSubject fills the subject in a form at the terminal; without one, the host
// name is the Common Name.
func (f *Factory) askSubject() (pkix.RDNSequence, error) {
	host, hostErr := f.Hostname()
	p := f.prompter()
	if p == nil {
		if hostErr != nil || host == "" {
			return nil, failf([]string{"give the subject with --cn NAME or --subject /CN=NAME"},
				"no terminal to ask for the subject, and this machine's host name is unknown (%v)", hostErr)
		}
		f.infof("no terminal: the Common Name is this machine's host name, %s (choose another with --cn or --subject)", host)
		return selfsign.ParseSubject("/CN=" + bootstrap.EscapeSubjectValue(host))
	}
	var subject pkix.RDNSequence
	for _, q := range subjectQuestions {
		def := ""
		if q.attr == "CN" && hostErr == nil {
			def = host
		}
		rdn, err := askSubjectField(f, p, q.attr, q.message, def)
		if err != nil {
			return nil, err
		}
		subject = append(subject, rdn...)
	}
	return subject, nil
}

// askSubjectField asks for one attribute and returns it as an RDN, or nothing for
// an empty answer.
func askSubjectField(f *Factory, p prompt.Prompter, attr, message, def string) (pkix.RDNSequence, error) {
	for attempt := 1; ; attempt++ {
		answer, err := p.Input(message, def)
		if err != nil {
			return nil, err
		}
		answer = strings.TrimSpace(answer)
		if answer == "" {
			return nil, nil
		}
		rdn, err := selfsign.ParseSubject("/" + attr + "=" + bootstrap.EscapeSubjectValue(answer))
		if err == nil {
			return rdn, nil
		}
		msg := strings.TrimPrefix(err.Error(), "selfsign: ")
		if attempt == subjectAttempts {
			return nil, errors.New(msg)
		}
		f.warnf("%s; try again", msg)
	}
}
