package cli

import (
	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
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
		Long:  help.Long("ca init"), Example: help.Example("ca init"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return caInitRun(cmd, opts)
		},
	}
	cmdutil.AddCADirFlag(cmd, &opts.CADir)
	fl := cmd.Flags()
	fl.StringVar(&opts.CN, "cn", "", "the root CA's Common `NAME` (default: \"pgcert CA\" and the host name)")
	fl.BoolVar(&opts.Intermediate, "intermediate", false, "add an intermediate CA that does the signing")
	fl.StringVar(&opts.InterCN, "intermediate-cn", "", "the intermediate CA's Common `NAME` (implies --intermediate; default: the root's followed by \" Intermediate\")")
	fl.IntVar(&opts.InterDays, "intermediate-days", selfsign.DefaultIntermediateCADays, "the intermediate CA's validity in days, cut to the root's (implies --intermediate)")
	cmdutil.AddKeyTypeFlags(cmd, &opts.Type, &opts.Curve, &opts.Bits)
	fl.IntVar(&opts.Days, "days", selfsign.DefaultRootCADays, "the root CA's validity in days")
	fl.BoolVar(&opts.Encrypt, "encrypt", false, "encrypt the CA keys with a passphrase")
	cmdutil.AddEncryptPassOutFlag(cmd, &opts.PassOut)
	cmdutil.AddForceCAFlag(cmd, &opts.Force)
	return cmd
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

// createCA makes a new CA as spec says (ca.New), its notes routed to warnings.
func (f *Factory) createCA(spec caSpec) (*ca.CA, error) {
	spec.Key.Rand = f.Rand
	c, err := ca.New(ca.NewOptions{Dir: spec.Dir, DataDir: spec.DataDir, Force: spec.Force, Encrypt: spec.Encrypt || spec.PassOut != "",
		Create: ca.CreateOptions{CommonName: spec.CN, Intermediate: spec.Intermediate, Key: spec.Key, IntermediateCommonName: spec.InterCN,
			IntermediateDays: spec.InterDays, Days: spec.Days, Encrypt: keys.EncryptOptions{Rand: f.Rand}, Rand: f.Rand},
		Passphrase: func(keyPath string) ([]byte, error) { return f.NewPassphrase("--passout", spec.PassOut, keyPath) },
		Hostname:   f.Hostname, Progress: f.IO.StartProgress, Now: f.Now})
	if err != nil {
		return nil, err
	}
	f.WatchCA(c)
	return c, nil
}

func caInitRun(cmd *cobra.Command, opts *caInitOptions) error {
	f := opts.f
	gen, err := generateOptions(cmd, opts.Type, opts.Curve, opts.Bits)
	if err != nil {
		return err
	}
	if err := selfsign.CheckDays(opts.Days, f.Now(), false); err != nil {
		return err
	}
	if cmd.Flags().Changed("intermediate-cn") || cmd.Flags().Changed("intermediate-days") {
		opts.Intermediate = true
	}
	if opts.InterDays <= 0 {
		return hint.Usagef("--intermediate-days %d: give a positive number of days", opts.InterDays)
	}
	dir, err := f.ResolveCADir(opts.CADir)
	if err != nil {
		return err
	}
	c, err := f.createCA(caSpec{Dir: dir, CN: opts.CN, Intermediate: opts.Intermediate, InterCN: opts.InterCN, InterDays: opts.InterDays, Key: gen, Days: opts.Days,
		Encrypt: opts.Encrypt, PassOut: opts.PassOut, Force: opts.Force})
	if err != nil {
		return err
	}
	r := c.CreatedReport(nil)
	return f.jsonOrText(r, r.WriteText)
}
