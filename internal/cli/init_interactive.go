package cli

import (
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pgcert/pgcert/internal/prompt"
	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
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
// flag was given is skipped.
//
// It runs before anything is written or created, so a "no" at the end or Ctrl-C
// leaves everything as it was.
func (f *Factory) askInit(cmd *cobra.Command, opts *initOptions) error {
	fl := cmd.Flags()
	if fl.Changed("host") || fl.Changed("client") {
		return nil
	}
	p := f.prompter()
	if p == nil {
		return nil
	}
	// A mistake on the command line is said before any question.
	if _, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits); err != nil {
		return err
	}
	if err := checkDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return err
	}
	caDir, err := f.caDirFor(opts.CADir, dataDir, opts.NewCA)
	if err != nil {
		return err
	}
	existing, _ := ca.Open(caDir)
	newCA := existing == nil

	hosts, err := askHosts(f, p, initDefaultHosts(f, dataDir, existing), opts.Force)
	if err != nil {
		return err
	}
	opts.Hosts = hosts

	if !fl.Changed("type") && !fl.Changed("curve") && !fl.Changed("bits") {
		typ, err := askKeyType(f, p, opts.Type, newCA && !opts.Force)
		if err != nil {
			return err
		}
		opts.Type = typ
	}
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}

	if newCA && !fl.Changed("intermediate") {
		if opts.Intermediate, err = p.Confirm("Create an intermediate CA that signs, so that the root's key can be kept offline?", opts.Intermediate); err != nil {
			return err
		}
	}

	if opts.Clients, err = askClients(f, p); err != nil {
		return err
	}

	// Configuring needs a postgresql.conf to include pgcert.conf from: a directory
	// that does not exist or is not a data directory yet has none to offer.
	dd, _ := pgdata.Inspect(dataDir)
	if !fl.Changed("configure") && bootstrap.Configurable(dd) {
		if opts.Configure, err = p.Confirm("Configure the server: write pgcert.conf, include it from postgresql.conf and add the hostssl lines to pg_hba.conf (copies kept as FILE.pgcert-bak)?", opts.Configure); err != nil {
			return err
		}
	}

	tty, err := f.IO.TTY()
	if err != nil {
		return err
	}
	s := bootstrap.Summary{
		DataDir: dataDir, CADir: caDir, CA: existing, Intermediate: opts.Intermediate,
		Hosts: opts.Hosts, Key: gen, Clients: opts.Clients, ClientsDir: opts.ClientsDir,
		Command: initCommandLine(cmd, dataDir, opts),
	}
	if opts.Configure {
		s.Configure = bootstrap.PreviewConfigure(dataDir, dd)
	}
	s.WriteText(tty)
	ok, err := p.Confirm("Write these files?", true)
	if err != nil {
		return err
	}
	if !ok {
		return failf([]string{"run the command shown above to make them without questions, or change its flags"},
			"not confirmed: nothing was written")
	}
	return nil
}

// initDefaultHosts is what the host question offers: the names of the server
// certificate this CA issued before, as a rerun without --host keeps them, else this
// machine's fully qualified name and localhost.
func initDefaultHosts(f *Factory, dataDir string, c *ca.CA) []string {
	if c != nil {
		if hosts := bootstrap.PreviousHosts(filepath.Join(dataDir, bootstrap.ServerCrtName), c); len(hosts) > 0 {
			return hosts
		}
	}
	return f.defaultHosts()
}

// splitList splits a comma-separated answer, dropping spaces and empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// askAgain asks with ask until check accepts the answer, saying what was wrong in
// between, at most initAttempts times.
func askAgain[T any](f *Factory, ask func() (T, error), check func(T) error) (T, error) {
	for attempt := 1; ; attempt++ {
		v, err := ask()
		if err != nil {
			return v, err
		}
		err = check(v)
		if err == nil {
			return v, nil
		}
		if attempt == initAttempts {
			return v, err
		}
		f.warnf("%s; try again", err)
	}
}

func askHosts(f *Factory, p prompt.Prompter, defaults []string, force bool) ([]string, error) {
	answer, err := askAgain(f, func() (string, error) {
		return p.Input("Host names and IP addresses clients connect to (comma-separated):", strings.Join(defaults, ", "))
	}, func(a string) error {
		hosts := splitList(a)
		if len(hosts) == 0 {
			return usageErrorf("give at least one host name: libpq's verify-full compares it with the certificate")
		}
		sans, err := selfsign.HostSANs(hosts)
		if err != nil {
			return usageErrorf("%v", err)
		}
		return bootstrap.CheckWildcards(sans, force)
	})
	return splitList(answer), err
}

func askKeyType(f *Factory, p prompt.Prompter, def string, refuseEdDSA bool) (string, error) {
	return askAgain(f, func() (string, error) {
		return p.Select("Key type:", def, keys.Types())
	}, func(typ string) error {
		if refuseEdDSA && typ == string(keys.TypeEd25519) {
			return usageErrorf("a new CA with an Ed25519 key breaks SCRAM channel binding in libpq; choose ec or rsa (or rerun with --type ed25519 --force)")
		}
		return nil
	})
}

func askClients(f *Factory, p prompt.Prompter) ([]string, error) {
	answer, err := askAgain(f, func() (string, error) {
		return p.Input("Database roles to issue client certificates for (comma-separated, empty for none):", "")
	}, func(a string) error {
		return bootstrap.CheckRoles(splitList(a), "--clients-dir", "role %s is given twice")
	})
	return splitList(answer), err
}

// initCommandLine is the pgcert init command that makes the same files without a
// question: the flags given, and the answers as flags.
func initCommandLine(cmd *cobra.Command, dataDir string, opts *initOptions) string {
	answered := map[string]bool{"pgdata": true, "host": true, "client": true, "type": true, "intermediate": true, "configure": true}
	args := []string{"pgcert", "init", "-D", shellWord(dataDir)}
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		if answered[fl.Name] {
			return
		}
		switch v := fl.Value.(type) {
		case pflag.SliceValue:
			for _, s := range v.GetSlice() {
				args = append(args, "--"+fl.Name, shellWord(s))
			}
		default:
			if fl.Value.Type() == "bool" {
				if fl.Value.String() == "true" {
					args = append(args, "--"+fl.Name)
				}
				return
			}
			args = append(args, "--"+fl.Name, shellWord(fl.Value.String()))
		}
	})
	for _, h := range opts.Hosts {
		args = append(args, "--host", shellWord(h))
	}
	if opts.Type != string(keys.TypeEC) {
		args = append(args, "--type", opts.Type)
	}
	if opts.Intermediate {
		args = append(args, "--intermediate")
	}
	for _, c := range opts.Clients {
		args = append(args, "--client", shellWord(c))
	}
	if opts.Configure {
		args = append(args, "--configure")
	}
	return strings.Join(args, " ")
}
