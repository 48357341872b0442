package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
)

// prevSuffix names the generation of a file that renew replaced: server.crt.prev.
const prevSuffix = ".prev"

// stagePrefix starts the name of the directory renew checks a new set in, inside the
// data directory; it is removed when the run ends.
const stagePrefix = ".pgcert-renew-"

// sslSettings are the settings whose files the server loads for SSL: the groups of a
// check report that judge the set renew installs.
var sslSettings = map[string]bool{"ssl_cert_file": true, "ssl_key_file": true, "ssl_ca_file": true, "ssl_crl_file": true, "ssl_crl_dir": true}

// staged is one new file: where it goes, and its contents.
type staged struct {
	setting string
	file    sslFile
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
// with the modes and owners they will have, and runs pgcert check's checks on the
// server's configuration with those files in place of the current ones. Any error in
// the SSL files refuses the set: nothing has touched the data directory then.
func (r *renewer) validate(set *newSet) error {
	dir, err := r.stageDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s := *r.setup
	s.Staged = map[string]string{}
	for _, ch := range r.changes(set) {
		p := filepath.Join(dir, filepath.Base(ch.file.Path))
		o := r.fileOptions(ch.file.Path, ch.setting == "ssl_key_file")
		o.NoSync = true
		if _, err := fsutil.WriteFile(p, ch.data, o); err != nil {
			return err
		}
		s.Staged[ch.setting] = p
	}
	rep := checkSetup(&s, r.now)
	var problems, warnings []string
	for _, g := range rep.Files {
		if !sslSettings[g.Setting] {
			continue
		}
		for _, fd := range g.Findings {
			msg := g.Name + ": " + fd.Message
			switch fd.Level {
			case levelWarning:
				warnings = append(warnings, msg)
			case levelError:
				if fd.Detail != "" {
					msg += " (" + fd.Detail + ")"
				}
				problems = append(problems, msg)
			}
		}
	}
	if len(problems) == 0 {
		for _, w := range warnings {
			r.f.warnf("%s", w)
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
	dir, err := os.MkdirTemp(r.setup.Dir.Dir, stagePrefix)
	if err != nil {
		return "", failf([]string{"run pgcert as root or as the database user"}, "cannot stage the new files in %s: %v", r.setup.Dir.Dir, err)
	}
	if o := dataDirOwner(r.setup.Dir.Dir, 0o700, true); o.Chown {
		if err := os.Chown(dir, o.UID, o.GID); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}

// fileOptions are the write options of a file that replaces path: its mode and owner
// when it exists (a Debian key is root:ssl-cert 0640, and stays so), else what pgcert
// gives a new file in the data directory.
func (r *renewer) fileOptions(path string, key bool) fsutil.Options {
	return replaceOptions(r.setup.Dir.Dir, path, key)
}

// replaceOptions are the write options of a file that replaces path (see
// renewer.fileOptions); dataDir gives a new file its owner.
func replaceOptions(dataDir, path string, key bool) fsutil.Options {
	fi, err := os.Stat(path)
	if err != nil {
		mode := fsutil.PublicMode
		if key {
			mode = fsutil.KeyMode
		}
		return dataDirOwner(dataDir, mode, true)
	}
	o := fsutil.Options{Mode: fi.Mode().Perm(), Force: true}
	if os.Geteuid() == 0 {
		o.Chown = true
		o.UID, o.GID = ownerOf(fi)
	}
	return o
}

// commit swaps the new set in, in one fsutil.Txn with the previous generation of
// every file renew manages: FILE.prev gets the current contents of ssl_cert_file,
// ssl_key_file and ssl_crl_file, changed or not, so that the .prev files are always
// one consistent set for --rollback.
func (r *renewer) commit(set *newSet, rep *renewReport) error {
	var txn fsutil.Txn
	type managed struct {
		setting string
		file    sslFile
		data    []byte
		exists  bool
	}
	files := []managed{{"ssl_cert_file", r.certFile, r.certData, true}, {"ssl_key_file", r.keyFile, r.keyData, true}}
	if r.hasCRLFile {
		files = append(files, managed{"ssl_crl_file", r.crlFile, r.crlData, r.crlExists})
	}
	for _, m := range files {
		prev := m.file.Path + prevSuffix
		if !m.exists {
			// A file that did not exist has no previous generation: a .prev left
			// from an older one would be restored with the wrong set.
			if err := fsutil.RemoveFile(prev); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			continue
		}
		txn.Add(prev, m.data, r.fileOptions(m.file.Path, m.setting == "ssl_key_file"))
	}
	for _, ch := range r.changes(set) {
		txn.Add(ch.file.Path, ch.data, r.fileOptions(ch.file.Path, ch.setting == "ssl_key_file"))
	}
	written, err := txn.Commit()
	if err != nil {
		return withHints(err, fmt.Sprintf("nothing in %s was changed", r.setup.Dir.Dir))
	}
	for _, w := range written {
		r.f.noteReplacedLink(w)
		rep.Files = append(rep.Files, reportFile(w))
		if strings.HasSuffix(w.Path, prevSuffix) {
			rep.Previous = append(rep.Previous, w.Path)
		}
	}
	r.fillRenewed(rep, set)
	return nil
}
