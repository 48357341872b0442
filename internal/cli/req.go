package cli

import (
	"crypto/x509/pkix"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
)

// reqOptions are the flags of `pgcert req`, as the library's options.
type reqOptions struct {
	f *Factory
	bootstrap.RequestOptions
}

func newReqCmd(f *Factory, runF func(*reqOptions) error) *cobra.Command {
	opts := &reqOptions{f: f}
	cmd := &cobra.Command{
		Use:   "req",
		Short: "make a certificate signing request, and its key",
		Long:  help.Long("req"), Example: help.Example("req"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.KeyHooks, opts.AskSubject, opts.JSON, opts.Now = f.keyHooks(opts.PassIn, opts.PassOut), f.askSubject, f.Global.JSON, f.Now
			opts.NewKeySet, opts.KeyFlags = cmd.Flags().Changed("new-key"), keyFlags(cmd, opts.KeyFlags)
			if err := opts.CheckFlags(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return reqRun(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddOutFlag(cmd, &opts.Output, "server.req", "write the request to `FILE` (- for standard output)", "req", "csr", "pem")
	cmdutil.AddFileFlag(cmd, &opts.Key, "key", "make the request for the private key in `FILE` instead of a new key", cmdutil.KeyExts...)
	fl.StringVar(&opts.NewKey, "new-key", "privkey.pem", "write the new key to `FILE`")
	cmdutil.AddKeyPassInFlag(cmd, &opts.PassIn)
	fl.StringVar(&opts.PassOut, "passout", "", "passphrase `SOURCE` for the new key: pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
	fl.BoolVar(&opts.NoPass, "nopass", false, "write the new key unencrypted")
	fl.StringVar(&opts.CN, "cn", "", "the Common Name: the server's host name")
	fl.StringVar(&opts.Subject, "subject", "", "the whole subject, as openssl's -subj: /C=US/O=Acme/CN=db.example.com")
	fl.StringArrayVar(&opts.SANs, "san", nil, "subject alternative names: DNS:name,IP:address,email:addr,URI:uri (repeatable)")
	fl.BoolVar(&opts.Text, "text", false, "write the request in text before its PEM block, as openssl req -text does")
	fl.StringVar(&opts.KeyFlags.Type, "type", "ec", "new key type: ec, rsa, ed25519 or rsa-pss")
	fl.StringVar(&opts.KeyFlags.Curve, "curve", "P-256", "ECDSA curve of the new key: P-256 or P-384")
	fl.IntVar(&opts.KeyFlags.Bits, "bits", keys.DefaultRSABits, "RSA size of the new key: 2048, 3072 or 4096")
	cmdutil.AddForceFilesFlag(cmd, &opts.Force)
	cmd.MarkFlagFilename("new-key", "key", "pem")
	cmd.RegisterFlagCompletionFunc("type", cmdutil.KeyTypeCompletion)
	cmd.RegisterFlagCompletionFunc("curve", cmdutil.CurveCompletion)
	cmd.RegisterFlagCompletionFunc("bits", cmdutil.FixedCompletion("2048", "3072", "4096"))
	return cmd
}

func reqRun(opts *reqOptions) error {
	f := opts.f
	result, err := bootstrap.Request(opts.RequestOptions)
	switch {
	case err != nil:
		return err
	case f.Global.JSON:
		return cmdutil.WriteJSON(f.IO.Out, result)
	case opts.Output == "-":
		_, err = f.IO.Out.Write(result.PEM)
		if !f.Global.Quiet {
			result.WriteText(f.IO.ErrOut)
		}
		return err
	}
	return result.WriteText(f.IO.Out)
}

// askSubject fills the subject in a form at the terminal; without one, the host
// name is the Common Name.
func (f *Factory) askSubject() (pkix.RDNSequence, error) {
	host, hostErr := f.Hostname()
	var ask func(message, def string) (string, error)
	if p := f.Asker(); p != nil {
		ask = p.Input
	}
	return bootstrap.AskSubject(host, hostErr, ask, reporter{f})
}
