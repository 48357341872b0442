package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pgcert/pgcert/internal/cli/help"
	"github.com/pgcert/pgcert/pkg/ca"
)

// newCaCmd is `pgcert ca`, the parent of the local CA's commands.
func newCaCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ca",
		Short: "run a local certificate authority for servers and client certificates",
		Long:  help.Long("ca"), Example: help.Example("ca"),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCaInitCmd(f, nil), newCaIssueCmd(f), newCaSignCmd(f, nil), newCaRevokeCmd(f, nil), newCaListCmd(f, nil), newCaRenewCmd(f))
	return cmd
}

// addCADirFlag registers --ca-dir.
func addCADirFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "ca-dir", "", "the CA `DIR` (default: $PGCERT_CA_DIR, else ~/.local/share/pgcert/ca)")
	cmd.MarkFlagDirname("ca-dir")
}

// resolveCADir returns the CA directory: the flag's, else the default location.
func (f *Factory) resolveCADir(flag string) (string, error) {
	dir := flag
	if dir == "" {
		d, err := ca.DefaultDir(f.Getenv)
		if err != nil {
			return "", withHints(err, "give the CA directory with --ca-dir DIR")
		}
		dir = d
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return abs, nil
}

// openCADir opens the CA of --ca-dir (flag), else of the default location.
func (f *Factory) openCADir(flag string) (*ca.CA, error) {
	dir, err := f.resolveCADir(flag)
	if err != nil {
		return nil, err
	}
	return f.openCA(dir)
}

// openCA opens the CA in dir, with its notes routed to warnings.
func (f *Factory) openCA(dir string) (*ca.CA, error) {
	c, err := ca.Open(dir)
	if err != nil {
		if errors.Is(err, ca.ErrNotCA) {
			return nil, failf([]string{
				fmt.Sprintf("create one with: pgcert ca init --ca-dir %s", dir),
				"or name another with --ca-dir or $PGCERT_CA_DIR",
			}, "%s holds no CA (no %s)", dir, ca.CertFile)
		}
		return nil, err
	}
	f.watchCA(c)
	return c, nil
}

// watchCA routes a CA's notes to warnings and says when it waits for the lock.
func (f *Factory) watchCA(c *ca.CA) {
	for _, x := range c.CAs() {
		x.Notify = func(msg string) { f.warnf("%s", msg) }
		x.Waiting = func(dir string) { f.infof("waiting for another pgcert run to finish with %s", dir) }
	}
}

// caUnlocker is a ca.Unlocker asking with --passin (passIn) or a prompt.
type caUnlocker struct {
	f      *Factory
	passIn string
	u      ca.Unlocker
}

// unlockCAs loads the keys of cas, in order, asking for a passphrase they share
// only once.
func (f *Factory) unlockCAs(passIn string, cas ...*ca.CA) error {
	return ca.UnlockAll(func(keyPath string) ([]byte, error) { return f.existingPassphrase("--passin", passIn, keyPath)() }, cas...)
}

// unlock loads c's key.
func (u *caUnlocker) unlock(c *ca.CA) error {
	u.u.Ask = func(keyPath string) ([]byte, error) { return u.f.existingPassphrase("--passin", u.passIn, keyPath)() }
	return u.u.Unlock(c)
}
