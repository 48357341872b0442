package cli

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// initAttempts is how often a question is asked again after an answer pgcert
// cannot use, before init gives up: enough for a typo or two, and a script that
// somehow types into the terminal still ends.
const initAttempts = 3

// askInit asks, at a terminal, what pgcert init would otherwise take from flags and
// defaults: the host names, the key type, whether a new CA gets an intermediate, the
// client roles and whether to configure the server. Then it shows what will be
// written, and the command that does the same without questions, and asks to go
// on. Nothing is asked when --host or --client is given (the command line already
// says what to make), without a terminal, or with --no-input; a question whose
// flag was given is skipped. What is offered and accepted is bootstrap.Form's.
//
// It runs before anything is written or created, so a "no" at the end or Ctrl-C
// leaves everything as it was.
func (f *Factory) askInit(cmd *cobra.Command, opts *initOptions) error {
	fl := cmd.Flags()
	if fl.Changed("host") || fl.Changed("client") {
		return nil
	}
	p := f.Asker()
	if p == nil {
		return nil
	}
	// A mistake on the command line is said before any question.
	if _, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits); err != nil {
		return err
	}
	if err := selfsign.CheckDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	form, err := bootstrap.NewForm(opts.DataDir, func(dataDir string) (string, error) { return f.CADirFor(opts.CADir, dataDir, opts.NewCA) })
	if err != nil {
		return err
	}

	def := strings.Join(form.DefaultHosts(f.defaultHosts), ", ")
	if opts.Hosts, err = askAgain(f, func() (string, error) {
		return p.Input("Host names and IP addresses clients connect to (comma-separated):", def)
	}, func(a string) ([]string, error) { return bootstrap.ParseHosts(a, opts.Force) }); err != nil {
		return err
	}

	if !fl.Changed("type") && !fl.Changed("curve") && !fl.Changed("bits") {
		if opts.Type, err = askAgain(f, func() (string, error) {
			return p.Select("Key type:", opts.Type, keys.Types())
		}, func(typ string) (string, error) { return typ, form.CheckKeyType(typ, opts.Force) }); err != nil {
			return err
		}
	}
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}

	if form.NewCA() && !fl.Changed("intermediate") {
		if opts.Intermediate, err = p.Confirm("Create an intermediate CA that signs, so that the root's key can be kept offline?", opts.Intermediate); err != nil {
			return err
		}
	}

	if opts.Clients, err = askAgain(f, func() (string, error) {
		return p.Input("Database roles to issue client certificates for (comma-separated, empty for none):", "")
	}, bootstrap.ParseRoles); err != nil {
		return err
	}

	if !fl.Changed("configure") && form.OffersConfigure() {
		if opts.Configure, err = p.Confirm("Configure the server: write pgcert.conf, include it from postgresql.conf and add the hostssl lines to pg_hba.conf (copies kept as FILE.pgcert-bak)?", opts.Configure); err != nil {
			return err
		}
	}

	tty, err := f.IO.TTY()
	if err != nil {
		return err
	}
	a := bootstrap.Answers{Hosts: opts.Hosts, Type: opts.Type, Intermediate: opts.Intermediate, Clients: opts.Clients, Configure: opts.Configure}
	form.Summary(a, gen, opts.ClientsDir, initCommandLine(cmd, form.DataDir, a)).WriteText(tty)
	ok, err := p.Confirm("Write these files?", true)
	if err != nil {
		return err
	}
	if !ok {
		return hint.Errorf([]string{"run the command shown above to make them without questions, or change its flags"},
			"not confirmed: nothing was written")
	}
	return nil
}

// askAgain asks with ask until parse accepts the answer, saying what was wrong in
// between, at most initAttempts times.
func askAgain[T any](f *Factory, ask func() (string, error), parse func(string) (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		answer, err := ask()
		if err != nil {
			var zero T
			return zero, err
		}
		v, err := parse(answer)
		if err == nil || attempt == initAttempts {
			return v, err
		}
		f.Warnf("%s; try again", err)
	}
}

// initCommandLine is the pgcert init command that makes the same files without a
// question: the flags given, and the answers a as flags.
func initCommandLine(cmd *cobra.Command, dataDir string, a bootstrap.Answers) string {
	args := []string{"pgcert", "init", "-D", words.ShellWord(dataDir)}
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		if bootstrap.Answered(fl.Name) {
			return
		}
		switch v := fl.Value.(type) {
		case pflag.SliceValue:
			for _, s := range v.GetSlice() {
				args = append(args, "--"+fl.Name, words.ShellWord(s))
			}
		default:
			if fl.Value.Type() == "bool" {
				if fl.Value.String() == "true" {
					args = append(args, "--"+fl.Name)
				}
				return
			}
			args = append(args, "--"+fl.Name, words.ShellWord(fl.Value.String()))
		}
	})
	return strings.Join(append(args, a.Flags()...), " ")
}
