package bootstrap

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/hint"
)

// PrepareDataDir makes dir absolute and creates it when missing (as
// EnsureDataDir does), with errors that say what to do; created reports that it
// was made, which a caller tells the user.
func PrepareDataDir(dir string) (abs string, created bool, err error) {
	if abs, err = filepath.Abs(dir); err != nil {
		return "", false, err
	}
	created, err = EnsureDataDir(abs)
	var notDir *NotDirError
	switch {
	case errors.As(err, &notDir):
		return "", false, hint.Errorf([]string{"give the data directory with -D"}, "%s is not a directory", abs)
	case err != nil:
		return "", false, hint.Errorf([]string{"create it yourself, or give another -D"}, "%s", strings.TrimPrefix(err.Error(), "bootstrap: "))
	}
	return abs, created, nil
}

// ConfigHint gives a *ConfigError of CheckConfigurable the hint to correct the
// file first; other errors are returned as they are.
func ConfigHint(err error) error {
	var ce *ConfigError
	if errors.As(err, &ce) {
		return hint.Errorf([]string{"correct it first (`pgcert check -D` says more), or leave out --configure"}, "%s: %s; nothing was written", ce.File, ce.Message)
	}
	return err
}

// ClientsDirFor returns the absolute directory of client bundles: dir, or
// CA_DIR/clients by default. It refuses one inside the data directory (dd, or
// the path it was given as, given) when there are clients: client keys belong to
// the clients, and the server's directory is backed up and copied to standbys.
func ClientsDirFor(dir, caDir, dd, given string, clients int) (string, error) {
	if dir == "" {
		dir = filepath.Join(caDir, ca.ClientsDir)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if clients > 0 && (ca.Within(dir, dd) || ca.Within(dir, given)) {
		return "", hint.Errorf([]string{"client keys belong to the clients: choose a directory outside the data directory with --clients-dir"},
			"the client bundle directory %s is inside the data directory %s", dir, dd)
	}
	return dir, nil
}

// TargetHint says what to do about an output init will not write over in the
// data directory dataDir (a *TargetError of CheckTargets); other errors are
// returned as they are.
func TargetHint(err error, dataDir string) error {
	var te *TargetError
	switch {
	case !errors.As(err, &te):
		return err
	case te.Dir:
		return hint.Errorf([]string{"move it out of the way: pgcert never replaces a directory"}, "%s is a directory; nothing was written", te.Path)
	}
	what := te.Path
	if te.LinkTarget != "" {
		what += " (a symbolic link to " + te.LinkTarget + ", which --force replaces, never writing through it)"
	}
	return hint.Errorf([]string{"add --force to replace them; after pgcert ca revoke, the CRL alone is refreshed with: pgcert renew -D " + words.ShellWord(dataDir) + " --reload"},
		"%s already exists%s; nothing was written", what, words.More(te.Others))
}

// OtherCAHint refuses to replace a data directory's files of another CA (an
// *OtherCAError), naming both, with the commands that keep the old CA or
// replace it on purpose; other errors are returned as they are.
func OtherCAHint(err error, dataDir string) error {
	var oe *OtherCAError
	if !errors.As(err, &oe) {
		return err
	}
	var hints []string
	if oe.RecordedDir != "" {
		hints = append(hints, "keep the data directory's CA: pgcert init -D "+words.ShellWord(dataDir)+" --ca-dir "+words.ShellWord(oe.RecordedDir)+" --force")
	} else {
		hints = append(hints, "keep that CA: give its directory with --ca-dir")
	}
	hints = append(hints, "add --new-ca to replace them with files of "+oe.CADir+": clients that trust the old CA, and every client certificate it issued, stop working")
	return hint.Errorf(hints, "%s; nothing was written", err)
}

// OutsideHint gives a refusal of CheckConfigureOutside (an *OutsideError) the
// command that allows the refused files, for an admin who checked them:
// retyped returns the command line that ran, with extra flags appended. Other
// errors are returned as they are.
func OutsideHint(err error, retyped func(extra ...string) string) error {
	var oe *OutsideError
	if !errors.As(err, &oe) {
		return err
	}
	var extra []string
	for _, p := range oe.Paths {
		// Allowing a file allows its backup: name each file once.
		if base, ok := strings.CutSuffix(p, BackupSuffix); !ok || !slices.Contains(oe.Paths, base) {
			extra = append(extra, "--allow-outside", words.ShellWord(p))
		}
	}
	return &hint.Error{Err: errors.New(strings.TrimPrefix(err.Error(), "bootstrap: ")), Hints: []string{
		"a setting or a link naming a file outside the data directory is the database owner's word, not yours; see docs/security.md",
		"if you checked the file and mean init to edit it: " + retyped(extra...),
	}}
}
