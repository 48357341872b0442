package rotate

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// OutsideError refuses a renewal or a rollback that would create, replace or remove
// files outside the data directory on the word of its settings alone. The settings
// are the data directory owner's to write (ALTER SYSTEM), so a file they name is
// changed only when that owner could have changed it, or when the admin named it
// (Options.AllowOutside); see docs/security.md. Nothing was changed.
type OutsideError struct {
	// Paths are the refused files, as the settings name them; each may be given
	// to AllowOutside.
	Paths []string
	// Reasons say, for each of Paths, why it was refused.
	Reasons []string
}

// Error lists the refused files with their reasons.
func (e *OutsideError) Error() string {
	var parts []string
	for i, p := range e.Paths {
		parts = append(parts, p+" "+e.Reasons[i])
	}
	return "refusing to change a file outside the data directory that only its settings name: " + strings.Join(parts, "; ") + "; nothing was changed"
}

// Is makes errors.Is(err, fsutil.ErrOutside) true.
func (e *OutsideError) Is(target error) bool { return target == fsutil.ErrOutside }

// guard is the outside rule of a run: off when pgcert runs as the data directory's
// owner.
func guard(setup *pgdata.Setup, allow []string) (fsutil.Guard, error) {
	if uint32(os.Geteuid()) == setup.DBUser.UID {
		return fsutil.Guard{Off: true}, nil
	}
	allowed, err := fsutil.Allow(allow...)
	if err != nil {
		return fsutil.Guard{}, err
	}
	// A file the admin allowed comes with its previous generation, which a
	// renewal keeps beside it.
	for _, a := range allowed {
		allowed = append(allowed, a+PrevSuffix)
	}
	dirs := []string{setup.Dir.Dir}
	if setup.Dir.ConfigDir != "" && setup.Dir.ConfigDir != setup.Dir.Dir {
		dirs = append(dirs, setup.Dir.ConfigDir)
	}
	owner := setup.DBUser
	return fsutil.Guard{Dirs: dirs, Outside: fsutil.Outside{UID: owner.UID, GIDs: append([]uint32{owner.GID}, owner.Groups...), Allowed: allowed}}, nil
}

// checkOutside applies the outside rule of opts to every path, before anything is
// changed, and returns an *OutsideError naming every refused one.
func checkOutside(opts *Options, paths []string) error {
	g, err := guard(opts.Setup, opts.AllowOutside)
	if err != nil {
		return err
	}
	refused := &OutsideError{}
	seen := map[string]bool{}
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		err := g.Check(p)
		var oe *fsutil.OutsideError
		switch {
		case errors.As(err, &oe):
			refused.Paths = append(refused.Paths, p)
			refused.Reasons = append(refused.Reasons, strings.TrimPrefix(oe.Error(), oe.Path+" "))
		case err != nil:
			return fmt.Errorf("examining %s: %w", p, err)
		}
	}
	if len(refused.Paths) > 0 {
		return refused
	}
	return nil
}

// managedPaths are the files a renewal may write or remove: each of ssl_cert_file,
// ssl_key_file and ssl_crl_file, and its .prev.
func managedPaths(setup *pgdata.Setup) []string {
	var out []string
	for _, sf := range setup.Files() {
		if sf.Setting == "ssl_cert_file" || sf.Setting == "ssl_key_file" || sf.Setting == "ssl_crl_file" {
			out = append(out, sf.Path, sf.Path+PrevSuffix)
		}
	}
	return out
}

// rollbackPaths are the files a rollback may write: each managed file that has a
// .prev, and that .prev. They are judged before any .prev is read, so that a
// setting pointing at a root file gets no word about it either.
func rollbackPaths(setup *pgdata.Setup) []string {
	var out []string
	all := managedPaths(setup)
	for i := 0; i < len(all); i += 2 {
		if _, err := os.Lstat(all[i+1]); err == nil {
			out = append(out, all[i], all[i+1])
		}
	}
	return out
}

// journalPaths are the files a journal names.
func journalPaths(j *journal) []string {
	out := make([]string, 0, len(j.entries))
	for _, e := range j.entries {
		out = append(out, e.Path)
	}
	return out
}
