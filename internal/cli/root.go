package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/internal/cmdutil"
	"github.com/pgcert/pgcert/internal/iostreams"
	"github.com/pgcert/pgcert/pkg/hint"
)

// Main runs pgcert with args on ios and returns the exit code.
func Main(args []string, ios *iostreams.IOStreams) int {
	defer ios.Close()
	return runCmd(NewFactory(ios), args...)
}

// runCmd runs the command tree on f with args, reports an error on f's standard
// error, and returns the exit code; a command line cobra refuses is a usage error.
func runCmd(f *Factory, args ...string) int {
	root := NewRootCmd(f)
	root.InitDefaultHelpFlag()
	root.InitDefaultVersionFlag()
	if err := cmdutil.UnknownCommand(root, args, func() *cobra.Command { return NewRootCmd(NewFactory(f.IO)) }); err != nil {
		return f.Report(err)
	}
	root.SetArgs(args)
	_, err := root.ExecuteC()
	if err != nil && isCobraUsageError(err) {
		err = &hint.UsageError{Err: err}
	}
	return f.Report(err)
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "pgcert",
		Short: "SSL certificates, keys and revocation lists for PostgreSQL, done right",
		Long:  help.Long(""), Example: help.Example(""),
		Version: cmdutil.Version(),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &hint.UsageError{Err: fmt.Errorf("unknown command %q", args[0]), Command: "pgcert"}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if f.Global.NoColor {
				f.IO.SetColorEnabled(false)
			}
			if f.Global.NoInput {
				f.IO.SetNeverPrompt(true)
			}
			return f.ApplyPGDATA(cmd, args)
		},
	}
	root.SetVersionTemplate("pgcert {{.Version}}\n")
	// Sub-commands are listed under the same heading at every level; cobra's
	// default says "Available Commands:" where a command has no groups.
	root.SetUsageTemplate(strings.Replace(root.UsageTemplate(), "Available Commands:", "Commands:", 1))
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &hint.UsageError{Err: err, Command: cmd.CommandPath()}
	})
	pf := root.PersistentFlags()
	pf.BoolVar(&f.Global.JSON, "json", false, "print results as one JSON document on stdout")
	pf.BoolVar(&f.Global.NoColor, "no-color", false, "never colour output (also: NO_COLOR=1)")
	pf.BoolVar(&f.Global.NoInput, "no-input", false, "never prompt; fail with a hint instead (also: PGCERT_NO_INPUT=1)")
	pf.BoolVarP(&f.Global.Quiet, "quiet", "q", false, "print nothing but results, warnings and errors")

	root.AddGroup(&cobra.Group{ID: "main", Title: "Commands:"})
	root.SetHelpCommandGroupID("main")
	root.SetCompletionCommandGroupID("main")
	for _, c := range []*cobra.Command{
		newInitCmd(f, nil),
		newCaCmd(f),
		newKeyCmd(f),
		newReqCmd(f, nil),
		newSelfsignCmd(f, nil),
		newShowCmd(f, nil),
		newCrlCmd(f),
		newChainCmd(f, nil),
		newRootBundleCmd(f, nil),
		newVerifyCmd(f, nil),
		newCheckCmd(f, nil),
		newPermsCmd(f),
		newProbeCmd(f, nil),
		newRenewCmd(f, nil),
		newMakeCmd(f, nil),
	} {
		c.GroupID = "main"
		root.AddCommand(c)
	}
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	cmdutil.DescribeBuiltins(root)
	cmdutil.NotePGDATAInHelp(root)
	cmdutil.CompleteNoFilesByDefault(root)
	return root
}

// isCobraUsageError recognises the errors cobra itself returns for a wrong command
// line (its flag errors already come wrapped by the FlagErrorFunc).
func isCobraUsageError(err error) bool {
	if _, ok := err.(*hint.UsageError); ok {
		return false
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "requires at most", "invalid argument", "required flag", "if any flags in the group", "none of the others can be"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// noArgs rejects positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return &hint.UsageError{Err: fmt.Errorf("unexpected argument %q", args[0]), Command: cmd.CommandPath()}
	}
	return nil
}

// exactArgs wants n positional arguments, named in the message.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return &hint.UsageError{Err: fmt.Errorf("want %s, got %d argument(s)", names, len(args)), Command: cmd.CommandPath()}
		}
		return nil
	}
}

// minArgs wants at least n positional arguments.
func minArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return &hint.UsageError{Err: fmt.Errorf("want %s", names), Command: cmd.CommandPath()}
		}
		return nil
	}
}
