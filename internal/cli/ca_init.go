package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

type caInitOptions struct {
	f            *Factory
	CADir        string
	CN           string
	Intermediate bool
	InterCN      string
	InterDays    int
	Type         string
	Curve        string
	Bits         int
	Days         int
	Encrypt      bool
	PassOut      string
	Force        bool
}

func newCaInitCmd(f *Factory, runF func(*caInitOptions) error) *cobra.Command {
	opts := &caInitOptions{f: f}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "create a local CA: a root, and optionally an intermediate that signs",
		Long: `Create a certificate authority in a new (or empty) directory: a self-signed root CA
(basicConstraints critical CA:TRUE, keyCertSign and cRLSign, ten years by default)
and, with --intermediate, an intermediate CA signed by it (pathlen 0, five years) that
signs every server and client certificate. The root then lives in DIR/root with its
own database, so that its key can be moved offline.

The CA key is never put inside a PostgreSQL data directory unless --force:
pg_basebackup would copy it to every replica. Ed25519 CA keys are refused unless
--force: a server certificate with an EdDSA signature breaks SCRAM channel binding
in libpq ("could not find digest for NID UNDEF"). With --encrypt the CA keys are
encrypted (PKCS#8, PBES2, AES-256-CBC) and every signing asks for the passphrase.

Exit codes: 0 created, 1 failure (nothing usable written; an existing CA is never
replaced), 2 bad usage.`,
		Example: `  # instead of: openssl req -new -x509 -days 3650 -nodes -text -out root.crt -keyout root.key -subj "/CN=root.yourdomain.com"
  pgcert ca init --cn root.yourdomain.com

  # a root kept apart and an intermediate that signs, keys encrypted
  PGCERT_PASS=... pgcert ca init --ca-dir /srv/pgca --intermediate --encrypt --passout env:PGCERT_PASS`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return caInitRun(cmd, opts)
		},
	}
	addCADirFlag(cmd, &opts.CADir)
	fl := cmd.Flags()
	fl.StringVar(&opts.CN, "cn", "", "the root CA's Common `NAME` (default: \"pgcert CA\" and the host name)")
	fl.BoolVar(&opts.Intermediate, "intermediate", false, "add an intermediate CA that does the signing")
	fl.StringVar(&opts.InterCN, "intermediate-cn", "", "the intermediate CA's Common `NAME` (implies --intermediate; default: the root's followed by \" Intermediate\")")
	fl.IntVar(&opts.InterDays, "intermediate-days", selfsign.DefaultIntermediateCADays, "the intermediate CA's validity in days, cut to the root's (implies --intermediate)")
	addKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	fl.IntVar(&opts.Days, "days", selfsign.DefaultRootCADays, "the root CA's validity in days")
	fl.BoolVar(&opts.Encrypt, "encrypt", false, "encrypt the CA keys with a passphrase")
	fl.StringVar(&opts.PassOut, "passout", "", "passphrase `SOURCE` for --encrypt: pass:TEXT, env:VAR, file:PATH, fd:N or stdin (implies --encrypt)")
	fl.BoolVarP(&opts.Force, "force", "f", false, "allow a CA inside a data directory, or an Ed25519 CA key")
	return cmd
}

// addKeyTypeFlags registers --type, --curve and --bits.
func addKeyTypeFlags(cmd *cobra.Command, typ, curve *string, bits *int) {
	fl := cmd.Flags()
	fl.StringVar(typ, "type", "ec", "key type: ec, rsa, ed25519 or rsa-pss")
	fl.StringVar(curve, "curve", "P-256", "ECDSA curve: P-256 or P-384")
	fl.IntVar(bits, "bits", keys.DefaultRSABits, "RSA key size: 2048, 3072 or 4096")
	cmd.RegisterFlagCompletionFunc("type", keyTypeCompletion)
	cmd.RegisterFlagCompletionFunc("curve", curveCompletion)
	cmd.RegisterFlagCompletionFunc("bits", fixedCompletion("2048", "3072", "4096"))
}

// caSpec is what createCA makes.
type caSpec struct {
	Dir          string
	CN           string
	Intermediate bool
	InterCN      string
	InterDays    int
	Key          keys.GenerateOptions
	Days         int
	Encrypt      bool
	PassOut      string
	Force        bool
	DataDir      string // the -D of pgcert init, which the CA must stay out of
}

// createCA makes a new CA as spec says, with pgcert's refusals and their hints.
func (f *Factory) createCA(spec caSpec) (*ca.CA, error) {
	if err := refuseCAInDataDir(spec.Dir, spec.DataDir, spec.Force); err != nil {
		return nil, err
	}
	if spec.Key.Type == keys.TypeEd25519 && !spec.Force {
		return nil, withHints(errors.New("refusing an Ed25519 CA key"), edDSAHints...)
	}
	cn := spec.CN
	if cn == "" {
		cn = ca.DefaultCommonName
		if h, err := f.Hostname(); err == nil && h != "" {
			cn += " " + h
		}
	}
	if def := cn + " Intermediate"; spec.Intermediate && spec.InterCN == "" && utf8.RuneCountInString(def) > 64 {
		return nil, usageErrorf("the intermediate CA's default name %q is longer than the 64 characters a Common Name may have: give one with --intermediate-cn NAME", def)
	}
	var pass []byte
	if spec.Encrypt || spec.PassOut != "" {
		p, err := f.newPassphrase("--passout", spec.PassOut, filepath.Join(spec.Dir, ca.KeyFile))
		if err != nil {
			return nil, err
		}
		pass = p
	}
	spec.Key.Rand = f.Rand
	if spec.Key.Type == keys.TypeRSA {
		stop := f.IO.StartProgress(fmt.Sprintf("generating RSA %d CA keys", spec.Key.Bits))
		defer stop()
	}
	c, err := ca.Create(spec.Dir, ca.CreateOptions{
		CommonName:             cn,
		Intermediate:           spec.Intermediate,
		Key:                    spec.Key,
		IntermediateCommonName: spec.InterCN,
		IntermediateDays:       spec.InterDays,
		Days:                   spec.Days,
		Passphrase:             pass,
		Encrypt:                keys.EncryptOptions{Rand: f.Rand},
		AllowEdDSA:             spec.Force,
		AllowDataDir:           spec.Force,
		Now:                    f.Now(),
		Rand:                   f.Rand,
	})
	var ne *ca.NotEmptyError
	var ie *ca.IncompleteError
	switch {
	case errors.Is(err, ca.ErrExists):
		return nil, &Error{Err: &caExistsError{spec.Dir},
			Hints: []string{"an existing CA is never replaced; choose another --ca-dir, or remove " + spec.Dir + " if you mean it"}}
	case errors.As(err, &ne):
		return nil, failf([]string{"give a new or empty directory with --ca-dir"}, "%s is not empty (it holds %s) and holds no CA", ne.Dir, ne.Name)
	case errors.As(err, &ie):
		return nil, failf([]string{
			"if " + filepath.Join(ie.Dir, ca.CertFile) + " was lost, restore it from a backup or from a server's root.crt; else move " + ie.Dir + " away and run again",
		}, "%s holds %s of a CA but no %s: a new CA would overwrite its key, so nothing was written", ie.Dir, ie.Name, ca.CertFile)
	case err != nil:
		return nil, err
	}
	f.watchCA(c)
	return c, nil
}

// caExistsError is createCA's refusal of a directory that already holds a CA; it
// matches ca.ErrExists, so that init can use the CA a concurrent run just made.
type caExistsError struct{ dir string }

func (e *caExistsError) Error() string { return e.dir + " already holds a CA" }
func (e *caExistsError) Unwrap() error { return ca.ErrExists }

// caReport describes a CA in --json output.
type caReport struct {
	ca.Summary
	Created bool         `json:"created"`
	Files   []fileReport `json:"files,omitempty"`
}

func reportCA(c *ca.CA, created bool) caReport {
	return caReport{Summary: c.Summary(), Created: created}
}

func caInitRun(cmd *cobra.Command, opts *caInitOptions) error {
	f := opts.f
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	if err := checkDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	if cmd.Flags().Changed("intermediate-cn") || cmd.Flags().Changed("intermediate-days") {
		opts.Intermediate = true
	}
	if opts.InterDays <= 0 {
		return usageErrorf("--intermediate-days %d: give a positive number of days", opts.InterDays)
	}
	dir, err := f.resolveCADir(opts.CADir)
	if err != nil {
		return err
	}
	c, err := f.createCA(caSpec{Dir: dir, CN: opts.CN, Intermediate: opts.Intermediate, InterCN: opts.InterCN, InterDays: opts.InterDays, Key: gen, Days: opts.Days,
		Encrypt: opts.Encrypt, PassOut: opts.PassOut, Force: opts.Force})
	if err != nil {
		return err
	}
	r := reportCA(c, true)
	for _, p := range c.Files() {
		r.Files = append(r.Files, statReport(p))
	}
	if f.Global.JSON {
		return writeJSON(f.IO.Out, r)
	}
	out := f.IO.Out
	fmt.Fprintf(out, "created a CA in %s\n", c.Dir)
	fmt.Fprintf(out, "  root CA:         %s (until %s)\n    %s\n", r.Root.Subject, r.Root.NotAfter[:10], r.Root.File)
	if r.Intermediate != nil {
		fmt.Fprintf(out, "  intermediate CA: %s (until %s), signs every certificate\n    %s\n", r.Intermediate.Subject, r.Intermediate.NotAfter[:10], r.Intermediate.File)
	}
	enc := "not encrypted"
	if r.KeyEncrypted {
		enc = "encrypted"
	}
	fmt.Fprintf(out, "  CA key:          %s, mode 0600, %s\n", c.KeyPath(), enc)
	fmt.Fprintf(out, "clients and servers trust %s (root.crt)\n", r.Root.File)
	return nil
}
