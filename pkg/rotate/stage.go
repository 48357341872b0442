package rotate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

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
	dir, err := r.stageDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s := *r.setup
	s.Staged = map[string]string{}
	for _, ch := range r.changes(set) {
		p := filepath.Join(dir, filepath.Base(ch.file.Path))
		o := replaceOptions(r.setup.Dir.Dir, ch.file.Path, ch.setting == "ssl_key_file")
		o.NoSync = true
		if _, err := fsutil.WriteFile(p, ch.data, o); err != nil {
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
	hints := append(problems, fmt.Sprintf("nothing in %s was changed; pgcert check -D %s shows the current set", r.setup.Dir.Dir, shellWord(r.setup.Dir.Dir)))
	if set.cert != nil {
		hints = append(hints, fmt.Sprintf("the certificate made for it, serial %s, is in the CA's index but was never installed", ca.SerialHex(set.cert.Cert.SerialNumber.Bytes())))
	}
	return failf(hints, "the renewed files fail pgcert check (%s); they were not installed", plural(len(problems), "error", "errors"))
}

// stageDir makes the private directory validate checks a set in: inside the data
// directory, mode 0700, owned by the data directory's owner, so that the checks of
// modes, owners and access judge the files as they will be.
func (r *renewer) stageDir() (string, error) {
	dir, err := os.MkdirTemp(r.setup.Dir.Dir, StagePrefix)
	if err != nil {
		return "", failf([]string{"run pgcert as root or as the database user"}, "cannot stage the new files in %s: %v", r.setup.Dir.Dir, err)
	}
	if o := ownerOptions(r.setup.Dir.Dir, 0o700); o.Chown {
		if err := os.Chown(dir, o.UID, o.GID); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}

// commit swaps the new set in, in one fsutil.Txn with the previous generation of
// every file a renewal manages: FILE.prev gets the current contents of
// ssl_cert_file, ssl_key_file and ssl_crl_file, changed or not, so that the .prev
// files are always one consistent set for Rollback.
func (r *renewer) commit(set *newSet, rep *Report) error {
	var txn fsutil.Txn
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
			if err := fsutil.RemoveFile(prev); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			continue
		}
		txn.Add(prev, m.data, replaceOptions(r.setup.Dir.Dir, m.file.Path, m.setting == "ssl_key_file"))
	}
	for _, ch := range r.changes(set) {
		txn.Add(ch.file.Path, ch.data, replaceOptions(r.setup.Dir.Dir, ch.file.Path, ch.setting == "ssl_key_file"))
	}
	written, err := txn.Commit()
	if err != nil {
		return withHints(err, fmt.Sprintf("nothing in %s was changed", r.setup.Dir.Dir))
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
		rep.Files = append(rep.Files, reportFile(w))
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
