package rotate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// PrevSuffix names the generation of a file that a renewal replaced:
// server.crt.prev. Rollback puts these back.
const PrevSuffix = ".prev"

// StagePrefix starts the name of the directory a renewal checks a new set in, inside
// the data directory; it is removed when the run ends.
const StagePrefix = ".pgcert-renew-"

// staged is one new file: where it goes, and its contents.
type staged struct {
	setting string
	file    pgdata.SSLFile
	data    []byte
}

// changes lists the files a set replaces.
func (r *renewer) changes(set *newSet) []staged {
	var out []staged
	if set.chain != nil {
		out = append(out, staged{"ssl_cert_file", r.certFile, set.chain})
	}
	if set.keyPEM != nil {
		out = append(out, staged{"ssl_key_file", r.keyFile, set.keyPEM})
	}
	if set.crlPEM != nil {
		out = append(out, staged{"ssl_crl_file", r.crlFile, set.crlPEM})
	}
	return out
}

// validate writes the new files into a private directory inside the data directory,
// with the modes and owners they will have, and has the Validator judge the
// server's configuration with those files in place of the current ones. Any problem
// refuses the set: nothing has touched the data directory then.
func (r *renewer) validate(set *newSet) error {
	if r.opts.Validate == nil {
		return nil
	}
	st, err := r.newStage()
	if err != nil {
		return err
	}
	defer st.remove()
	s := *r.setup
	s.Staged = map[string]string{}
	for _, ch := range r.changes(set) {
		p, err := st.write(filepath.Base(ch.file.Path), ch.data, replaceOptions(r.setup.Dir.Dir, ch.file.Path, ch.setting == "ssl_key_file"))
		if err != nil {
			return err
		}
		s.Staged[ch.setting] = p
	}
	problems, warnings := r.opts.Validate(&s, r.now)
	if len(problems) == 0 {
		for _, w := range warnings {
			r.opts.warn(w)
		}
		return nil
	}
	hints := append(problems, fmt.Sprintf("nothing in %s was changed; the current set: pgcert check -D %s", r.setup.Dir.Dir, shellWord(r.setup.Dir.Dir)))
	if set.cert != nil {
		hints = append(hints, fmt.Sprintf("the certificate made for it, serial %s, is in the CA's index but was never installed", ca.SerialHex(set.cert.Cert.SerialNumber.Bytes())))
	}
	return failf(hints, "the renewed files fail pgcert check (%s); they were not installed", plural(len(problems), "error", "errors"))
}

// stage is the private directory validate checks a set in, inside the data
// directory so that the checks of modes, owners and access judge the files as they
// will be. pgcert makes it and keeps it: the data directory's owner, who may rename
// anything in the data directory, could swap it for a link between two steps taken
// by path, so every step after its creation goes through the descriptor opened on
// it, and each file is given to that owner only once written.
type stage struct {
	path  string
	dir   *os.File
	st    syscall.Stat_t
	names []string
}

// newStage makes the stage: mode 0700 while pgcert checks that the directory it
// opened is the one it made, then, when the files go to another user, 0711 so that
// user may reach them (but not list or change the directory).
func (r *renewer) newStage() (*stage, error) {
	parent := r.setup.Dir.Dir
	path, err := os.MkdirTemp(parent, StagePrefix)
	if err != nil {
		return nil, failf([]string{"run pgcert as root or as the database user"}, "cannot stage the new files in %s: %v", parent, err)
	}
	dir, err := os.OpenFile(path, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("opening the directory it made, %s: %w", path, err)
	}
	st := &stage{path: path, dir: dir}
	if err := syscall.Fstat(int(dir.Fd()), &st.st); err != nil {
		dir.Close()
		return nil, err
	}
	if st.st.Uid != uint32(os.Geteuid()) || st.st.Mode&0o077 != 0 {
		dir.Close()
		return nil, failf([]string{"another user swapped the directory pgcert made; nothing was changed"}, "%s is not the directory pgcert made", path)
	}
	if ownerOptions(parent, 0o700).Chown {
		if err := dir.Chmod(0o711); err != nil {
			st.remove()
			return nil, err
		}
	}
	return st, nil
}

// write creates name in the stage, fills it, then sets its mode and owner, all by
// descriptor; it returns the file's path for the validator.
func (st *stage) write(name string, data []byte, o fsutil.Options) (string, error) {
	p := filepath.Join(st.path, name)
	fd, err := syscall.Openat(int(st.dir.Fd()), name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return "", &fsutil.WriteError{Path: p, Op: "creating", Err: err}
	}
	st.names = append(st.names, name)
	f := os.NewFile(uintptr(fd), p)
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return "", &fsutil.WriteError{Path: p, Op: "writing", Err: err}
	}
	if err := f.Chmod(o.Mode); err != nil {
		return "", &fsutil.WriteError{Path: p, Op: "setting the mode of", Err: err}
	}
	if o.Chown {
		if err := f.Chown(o.UID, o.GID); err != nil {
			return "", &fsutil.WriteError{Path: p, Op: "setting the owner of", Err: err}
		}
	}
	return p, nil
}

// remove deletes the staged files through the stage's descriptor, wherever the
// directory is now, then the directory itself if its name still leads to it.
func (st *stage) remove() {
	for _, name := range st.names {
		syscall.Unlinkat(int(st.dir.Fd()), name)
	}
	st.dir.Close()
	var named syscall.Stat_t
	if syscall.Lstat(st.path, &named) == nil && named.Dev == st.st.Dev && named.Ino == st.st.Ino {
		syscall.Rmdir(st.path)
	}
}

// commit swaps the new set in, as one journalled change with the previous generation
// of every file a renewal manages: FILE.prev gets the current contents of
// ssl_cert_file, ssl_key_file and ssl_crl_file, changed or not, so that the .prev
// files are always one consistent set for Rollback.
func (r *renewer) commit(set *newSet, rep *Report) error {
	j := newJournal(r.setup)
	type managed struct {
		setting string
		file    pgdata.SSLFile
		data    []byte
		exists  bool
	}
	files := []managed{{"ssl_cert_file", r.certFile, r.certData, true}, {"ssl_key_file", r.keyFile, r.keyData, true}}
	if r.hasCRLFile {
		files = append(files, managed{"ssl_crl_file", r.crlFile, r.crlData, r.crlExists})
	}
	for _, m := range files {
		prev := m.file.Path + PrevSuffix
		if !m.exists {
			// A file that did not exist has no previous generation: a .prev left
			// from an older one would be restored with the wrong set.
			j.remove(prev)
			continue
		}
		j.add(prev, m.data, replaceOptions(r.setup.Dir.Dir, m.file.Path, m.setting == "ssl_key_file"))
	}
	for _, ch := range r.changes(set) {
		j.add(ch.file.Path, ch.data, replaceOptions(r.setup.Dir.Dir, ch.file.Path, ch.setting == "ssl_key_file"))
	}
	bound := r.bind(j)
	written, err := j.commit()
	if err != nil {
		return withHints(err, fmt.Sprintf("nothing in %s was changed", r.setup.Dir.Dir))
	}
	if bound {
		if err := r.listed(); err != nil {
			return err
		}
	}
	recordWritten(r.opts, rep, written)
	r.fillRenewed(rep, set)
	return nil
}

// recordWritten lists what a transaction wrote in the report, and warns of links it
// replaced.
func recordWritten(o *Options, rep *Report, written []*fsutil.Written) {
	for _, w := range written {
		noteReplacedLink(o, w)
		rep.Files = append(rep.Files, fsutil.Report(w))
		if strings.HasSuffix(w.Path, PrevSuffix) {
			rep.Previous = append(rep.Previous, w.Path)
		}
	}
}

// noteReplacedLink says that a symbolic link at an output path was replaced by a
// regular file, and that its target was left alone.
func noteReplacedLink(o *Options, w *fsutil.Written) {
	if w.ReplacedLink != "" {
		o.warn(fmt.Sprintf("%s was a symbolic link to %s; replaced the link with a new file, the target is unchanged", w.Path, w.ReplacedLink))
	}
}
