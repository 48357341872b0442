package bootstrap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/keyperm"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// BackupSuffix names the copy pgcert keeps of a configuration file before it
// edits it: postgresql.conf.pgcert-bak, pg_hba.conf.pgcert-bak.
const BackupSuffix = ".pgcert-bak"

// ConfigError reports a configuration file the server cannot read, which
// pgcert refuses to edit: lines added to a file in error would not make it
// right, and the backup would be of a file already broken.
type ConfigError struct {
	File string
	// Message is the server's first complaint about File.
	Message string
}

// Error names the file and the server's complaint.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("bootstrap: %s: %s", e.File, e.Message)
}

// CheckConfigurable reads dd's postgresql.conf and pg_hba.conf as the server
// would, and returns a *ConfigError when either is in error, before any work.
// It returns the configuration read (nil when dd has no postgresql.conf), for
// Options.Config.
func CheckConfigurable(dd *pgdata.DataDir) (*pgdata.Config, error) {
	if dd.ConfigFile == "" {
		return nil, nil
	}
	cfg, err := pgdata.LoadConfigFile(dd.ConfigFile, dd.Dir)
	if msg := firstConfError(err); msg != "" {
		return nil, &ConfigError{File: dd.ConfigFile, Message: msg}
	}
	hbaPath := cfg.HBAFile(filepath.Dir(dd.ConfigFile))
	if _, err := os.Stat(hbaPath); err != nil {
		return cfg, nil
	}
	if _, err := pgdata.LoadHBA(hbaPath, dd.Version); err != nil {
		return nil, &ConfigError{File: hbaPath, Message: firstConfError(err)}
	}
	return cfg, nil
}

// firstConfError returns the server's first message in what pgdata returned,
// "" for nil.
func firstConfError(err error) string {
	if err == nil {
		return ""
	}
	var list *pgdata.ErrorList
	if errors.As(err, &list) {
		for _, e := range list.Errs {
			if msg := firstConfError(e); msg != "" {
				return msg
			}
		}
		return ""
	}
	var ce *pgdata.ConfError
	if errors.As(err, &ce) {
		return ce.Message
	}
	return err.Error()
}

// ConfLines returns the postgresql.conf settings and the pg_hba.conf lines that
// turn SSL and certificate logins on with pgcert's files, in the syntax of dd's
// version.
func ConfLines(dd *pgdata.DataDir) (conf, hba []string, err error) {
	return confLines(dd, pgdata.DefaultSSLFiles)
}

// confLines is ConfLines for the files f.
func confLines(dd *pgdata.DataDir, f pgdata.SSLFiles) (conf, hba []string, err error) {
	data, err := pgdata.PgcertConf(f, dd.Version)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if !strings.HasPrefix(l, "#") {
			conf = append(conf, l)
		}
	}
	rules, err := pgdata.CertRules(pgdata.CertRulesOptions{}, dd.Version)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rules {
		hba = append(hba, r.String())
	}
	return conf, hba, nil
}

// ConfigureEffect says what configuring a data directory writes, so that a
// summary and a report can say exactly that.
type ConfigureEffect struct {
	// PgcertConf is the pgcert.conf written, beside postgresql.conf.
	PgcertConf string
	// ConfigFile is the postgresql.conf that gets the include line, "" when
	// there is none or it already has the line.
	ConfigFile string
	// HBAFile is the pg_hba.conf that gets the hostssl lines, "" when there
	// is none or it already has them.
	HBAFile string
	// ServerConfig reports that a postgresql.conf exists, so that a server
	// reading it sees pgcert.conf (after a reload).
	ServerConfig bool
}

// Configurable reports whether dd can be configured at all: there must be a
// postgresql.conf to include pgcert.conf from. A directory that is not a data
// directory yet has none, and initdb would write a new one anyway.
func Configurable(dd *pgdata.DataDir) bool {
	return dd != nil && dd.ConfigFile != ""
}

// WhatConfigureWrites returns the files configuring dd writes or edits. cfg is
// what CheckConfigurable read.
func WhatConfigureWrites(dd *pgdata.DataDir, cfg *pgdata.Config) (ConfigureEffect, error) {
	e, _, err := planConfiguration(dd, cfg, nil)
	return e, err
}

// edit is a configuration file's new contents, with its backup.
type edit struct {
	path     string
	old, new []byte
}

// planConfiguration works out pgcert.conf and the edits of postgresql.conf and
// pg_hba.conf for dd, with extra records (replication) after the cert ones;
// rep (nil: silent) hears what the admin must still do.
func planConfiguration(dd *pgdata.DataDir, cfg *pgdata.Config, rep Reporter, extra ...pgdata.HBARule) (ConfigureEffect, []edit, error) {
	warnf := func(format string, args ...any) {
		if rep != nil {
			rep.Warnf(format, args...)
		}
	}
	confDir := dd.ConfigDir
	if dd.ConfigFile != "" {
		confDir = filepath.Dir(dd.ConfigFile)
	}
	e := ConfigureEffect{PgcertConf: filepath.Join(confDir, pgdata.PgcertConfName)}
	if dd.ConfigFile == "" {
		warnf("%s has no postgresql.conf: wrote %s only; add the line include_if_exists '%s' to postgresql.conf once it exists",
			dd.Dir, e.PgcertConf, pgdata.PgcertConfName)
		return e, nil, nil
	}
	e.ServerConfig = true
	var edits []edit
	conf, err := fsutil.ReadInput(dd.ConfigFile, pgdata.MaxConfigFileSize)
	if err != nil {
		return e, nil, fmt.Errorf("reading %s: %w", dd.ConfigFile, err)
	}
	if out, changed := pgdata.EnsureInclude(conf, confDir); changed {
		e.ConfigFile = dd.ConfigFile
		edits = append(edits, edit{dd.ConfigFile, conf, out})
	}
	if cfg != nil {
		auto := filepath.Join(dd.Dir, pgdata.AutoConfFileName)
		for _, s := range cfg.SetIn(auto, pgdata.SSLParameters(dd.Version)...) {
			warnf("%s sets %s (ALTER SYSTEM), which wins over %s: run ALTER SYSTEM RESET %s", auto, s.Name, pgdata.PgcertConfName, s.Name)
		}
	}
	hbaPath := filepath.Join(confDir, "pg_hba.conf")
	if cfg != nil {
		hbaPath = cfg.HBAFile(confDir)
	}
	hba, err := fsutil.ReadInput(hbaPath, pgdata.MaxConfigFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		warnf("%s does not exist: add the pg_hba.conf lines below yourself", hbaPath)
		return e, edits, nil
	}
	if err != nil {
		return e, nil, fmt.Errorf("reading %s: %w", hbaPath, err)
	}
	rules, err := pgdata.CertRules(pgdata.CertRulesOptions{}, dd.Version)
	if err != nil {
		return e, nil, err
	}
	rules = append(rules, extra...)
	out, changed, err := pgdata.EnsureHBA(hba, rules, dd.Version)
	if err != nil {
		return e, nil, err
	}
	if changed {
		e.HBAFile = hbaPath
		edits = append(edits, edit{hbaPath, hba, out})
	}
	return e, edits, nil
}

// addConfiguration adds pgcert.conf, and the edited postgresql.conf and
// pg_hba.conf with their backups, to txn.
func (p *Plan) addConfiguration(txn *fsutil.Txn) error {
	o := p.opts
	pc, err := pgdata.PgcertConf(p.sslFiles(), o.DataDir.Version)
	if err != nil {
		return err
	}
	txn.Add(p.Configuration.PgcertConf, pc, p.ownedBy(filepath.Dir(p.Configuration.PgcertConf), 0o600, true))
	g, err := configureGuard(o.DataDir, o.AllowOutside, nil)
	if err != nil {
		return err
	}
	for _, e := range p.edits {
		if err := p.addEdit(txn, g, e); err != nil {
			return err
		}
	}
	return nil
}

// addEdit adds a configuration file's new contents and the backup of its old
// ones to txn, both with the file's mode and owner. A configuration file that is
// a symbolic link (kept elsewhere by configuration management, say) is edited at
// its target, the backup beside it, and the link is left in place: the server
// reads through it.
//
// The file edited is judged by the outside rule g again, as it resolves now:
// NewPlan judged it before the CA issued anything, and the data directory's owner
// may have swapped the file for a link to a file of root's since, which would get
// the owner's configuration file as its contents. A file in a subdirectory of the
// data directory or the configuration directory is written through a descriptor of
// that subdirectory (fsutil.Options.Beneath), and a link put at its name after
// this is replaced, never written through.
func (p *Plan) addEdit(txn *fsutil.Txn, g fsutil.Guard, e edit) error {
	path, err := editTarget(e.path)
	if err != nil {
		return err
	}
	if err := judge(g, editPaths(g, e.path, path)); err != nil {
		return err
	}
	if path != e.path {
		p.rep.Infof("%s is a symbolic link: editing its target %s", e.path, path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	opts := fsutil.Options{Mode: fi.Mode().Perm(), Force: true, Beneath: fsutil.Within(path, p.opts.DataDir.Dir, p.opts.DataDir.ConfigDir)}
	if os.Geteuid() == 0 {
		// Edited as root, the file stays its owner's: the server reads it as that user.
		opts.Chown = true
		opts.UID, opts.GID = ownerOf(fi)
	}
	txn.Add(path+BackupSuffix, e.old, opts)
	txn.Add(path, e.new, opts)
	return nil
}

// editTarget is the file an edit of path changes: path, or the target of the
// symbolic link at path.
func editTarget(path string) (string, error) {
	li, err := os.Lstat(path)
	if err != nil || li.Mode()&fs.ModeSymlink == 0 {
		return path, nil
	}
	return filepath.EvalSymlinks(path)
}

// OutsideError refuses to configure a data directory because a file it would write
// or edit (pgcert.conf, postgresql.conf at the end of a symbolic link, the file
// hba_file names, or their backups) is outside the data directory and the data
// directory's owner could not have changed it: the link and the setting are that
// owner's word (ALTER SYSTEM), not the admin's; see docs/security.md. Nothing was
// changed.
type OutsideError struct {
	// Paths are the refused files; each may be given to Options.AllowOutside.
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
	return "bootstrap: refusing to edit a configuration file outside the data directory: " + strings.Join(parts, "; ") + "; nothing was changed"
}

// Is makes errors.Is(err, fsutil.ErrOutside) true.
func (e *OutsideError) Is(target error) bool { return target == fsutil.ErrOutside }

// CheckConfigureOutside applies the outside rule to every file configuring dd
// would write or edit, before anything is done: when pgcert runs as someone else
// than the data directory's owner, a file outside the data directory (and outside
// the configuration directory -D named), or reached through a symbolic link, is
// changed only if that owner could have changed it (fsutil.Outside) or allow names
// it (--allow-outside). It returns nil or an *OutsideError. cfg is what
// CheckConfigurable read; lookup finds the owner's groups (nil: the system's).
func CheckConfigureOutside(dd *pgdata.DataDir, cfg *pgdata.Config, allow []string, lookup keyperm.Lookup) error {
	g, err := configureGuard(dd, allow, lookup)
	if err != nil || g.Off {
		return err
	}
	effect, edits, err := planConfiguration(dd, cfg, nil)
	if err != nil {
		return err
	}
	paths := []string{effect.PgcertConf}
	for _, e := range edits {
		target, err := editTarget(e.path)
		if err != nil {
			return err
		}
		paths = append(paths, editPaths(g, e.path, target)...)
	}
	return judge(g, paths)
}

// configureGuard is the outside rule of configuring dd (see CheckConfigureOutside):
// off when pgcert runs as the data directory's owner.
func configureGuard(dd *pgdata.DataDir, allow []string, lookup keyperm.Lookup) (fsutil.Guard, error) {
	if lookup == nil {
		lookup = keyperm.SystemLookup{}
	}
	owner := pgdata.DirectoryOwner(dd.Dir, lookup)
	if uint32(os.Geteuid()) == owner.UID {
		return fsutil.Guard{Off: true}, nil
	}
	allowed, err := fsutil.Allow(allow...)
	if err != nil {
		return fsutil.Guard{}, err
	}
	// A file the admin allowed comes with its backup, which is kept beside it.
	for _, a := range allowed {
		allowed = append(allowed, a+BackupSuffix)
	}
	dirs := []string{dd.Dir}
	if dd.ConfigDir != "" && dd.ConfigDir != dd.Dir {
		dirs = append(dirs, dd.ConfigDir)
	}
	return fsutil.Guard{Dirs: dirs, Outside: fsutil.Outside{UID: owner.UID, GIDs: append([]uint32{owner.GID}, owner.Groups...), Allowed: allowed}}, nil
}

// editPaths are the files an edit of path changes, target (editTarget) and its
// backup, that g must judge: none when the admin allowed path, a link, by name,
// since its target is then theirs to have edited.
func editPaths(g fsutil.Guard, path, target string) []string {
	if target != path && slices.Contains(g.Outside.Allowed, filepath.Clean(path)) {
		return nil
	}
	return []string{target, target + BackupSuffix}
}

// judge applies g to every path and returns nil or an *OutsideError naming every
// refused one.
func judge(g fsutil.Guard, paths []string) error {
	refused := &OutsideError{}
	for _, p := range paths {
		err := g.Check(p)
		var oe *fsutil.OutsideError
		switch {
		case errors.As(err, &oe):
			refused.Paths = append(refused.Paths, p)
			refused.Reasons = append(refused.Reasons, strings.TrimPrefix(oe.Error(), oe.Path+" "))
		case err != nil:
			return err
		}
	}
	if len(refused.Paths) > 0 {
		return refused
	}
	return nil
}
