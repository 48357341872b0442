package cmdutil

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
	"github.com/spf13/cobra"
)

// AddCADirFlag registers --ca-dir.
func AddCADirFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "ca-dir", "", "the CA `DIR` (default: $PGCERT_CA_DIR, else ~/.local/share/pgcert/ca)")
	cmd.MarkFlagDirname("ca-dir")
}

// ResolveCADir returns the CA directory: the flag's, else the default location.
func (f *Factory) ResolveCADir(flag string) (string, error) {
	dir := flag
	if dir == "" {
		d, err := ca.DefaultDir(f.Getenv)
		if err != nil {
			return "", hint.With(err, "give the CA directory with --ca-dir DIR")
		}
		dir = d
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return abs, nil
}

// OpenCADir opens the CA of --ca-dir (flag), else of the default location.
func (f *Factory) OpenCADir(flag string) (*ca.CA, error) {
	dir, err := f.ResolveCADir(flag)
	if err != nil {
		return nil, err
	}
	return f.OpenCA(dir)
}

// OpenCA opens the CA in dir, with its notes routed to warnings.
func (f *Factory) OpenCA(dir string) (*ca.CA, error) {
	c, err := ca.Open(dir)
	if err != nil {
		if errors.Is(err, ca.ErrNotCA) {
			return nil, hint.Errorf([]string{
				fmt.Sprintf("create one with: pgcert ca init --ca-dir %s", dir),
				"or name another with --ca-dir or $PGCERT_CA_DIR",
			}, "%s holds no CA (no %s)", dir, ca.CertFile)
		}
		return nil, err
	}
	f.WatchCA(c)
	return c, nil
}

// WatchCA routes a CA's notes to warnings and says when it waits for the lock.
func (f *Factory) WatchCA(c *ca.CA) {
	for _, x := range c.CAs() {
		x.Notify = func(msg string) { f.Warnf("%s", msg) }
		x.Waiting = func(dir string) { f.Infof("waiting for another pgcert run to finish with %s", dir) }
	}
}

// UnlockCAs loads the keys of cas, in order, asking for a passphrase they share
// only once.
func (f *Factory) UnlockCAs(passIn string, cas ...*ca.CA) error {
	return ca.UnlockAll(func(keyPath string) ([]byte, error) { return f.ExistingPassphrase("--passin", passIn, keyPath)() }, cas...)
}

// Unlocker returns the function that loads a CA's key, asking with --passin
// (passIn) or a prompt; the CAs it unlocks ask once for a passphrase they share.
func (f *Factory) Unlocker(passIn string) func(*ca.CA) error {
	u := &ca.Unlocker{Ask: func(keyPath string) ([]byte, error) { return f.ExistingPassphrase("--passin", passIn, keyPath)() }}
	return u.Unlock
}
