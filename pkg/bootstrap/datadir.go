package bootstrap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/chain"
)

// EnsureDataDir makes dir when it does not exist, with the mode initdb gives a
// data directory (0700), so that a first command on a fresh machine works; it
// reports whether it made it. A dir that is a file is a *NotDirError.
func EnsureDataDir(dir string) (created bool, err error) {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return false, &NotDirError{Path: dir}
	case err == nil:
		return false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return false, fmt.Errorf("bootstrap: %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("bootstrap: creating %s: %w", dir, err)
	}
	return true, nil
}

// NotDirError reports a data directory path that is not a directory.
type NotDirError struct {
	Path string
}

// Error names the path.
func (e *NotDirError) Error() string { return fmt.Sprintf("bootstrap: %s is not a directory", e.Path) }

// PreviousHosts returns the host names of the server certificate at path when
// c issued it, so that a rerun without host names (to refresh the CRL) keeps
// the names clients connect with; nil otherwise.
func PreviousHosts(path string, c *ca.CA) []string {
	data, err := fsutil.ReadInput(path, chain.MaxBundleSize)
	if err != nil {
		return nil
	}
	certs, err := chain.ParseCertificates(data)
	if err != nil || certs[0].CheckSignatureFrom(c.Cert) != nil {
		return nil
	}
	hosts := append([]string(nil), certs[0].DNSNames...)
	for _, ip := range certs[0].IPAddresses {
		hosts = append(hosts, ip.String())
	}
	return hosts
}

// Targets are the paths init writes for dataDir and the bundles of roles in
// clientsDir (configuration files aside), in the order it writes them.
func Targets(dataDir, clientsDir string, roles []string, pk8 bool) []string {
	var out []string
	for _, n := range []string{ServerKeyName, ServerCrtName, RootCrtName, RootCRLName} {
		out = append(out, filepath.Join(dataDir, n))
	}
	for _, role := range roles {
		out = append(out, ClientPaths(filepath.Join(clientsDir, role), pk8)...)
	}
	return out
}

// TargetError reports an output init will not write over: a directory (never
// replaced), or, without force, an existing file.
type TargetError struct {
	Path string
	// Dir reports that Path is a directory.
	Dir bool
	// LinkTarget is where Path points when it is a symbolic link, which force
	// replaces without writing through it.
	LinkTarget string
	// Others counts the other existing targets.
	Others int
}

// Error names the path.
func (e *TargetError) Error() string {
	if e.Dir {
		return fmt.Sprintf("bootstrap: %s is a directory", e.Path)
	}
	return fmt.Sprintf("bootstrap: %s already exists", e.Path)
}

// CheckTargets refuses, before any work, targets that are directories, and
// without force targets that exist, with a *TargetError for the first.
func CheckTargets(targets []string, force bool) error {
	for _, p := range targets {
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			return &TargetError{Path: p, Dir: true}
		}
	}
	if force {
		return nil
	}
	var existing []string
	for _, p := range targets {
		if _, err := os.Lstat(p); err == nil {
			existing = append(existing, p)
		}
	}
	if len(existing) == 0 {
		return nil
	}
	e := &TargetError{Path: existing[0], Others: len(existing) - 1}
	if fi, err := os.Lstat(e.Path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		e.LinkTarget, _ = os.Readlink(e.Path)
	}
	return e
}
