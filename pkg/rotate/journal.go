package rotate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/pgdata"
)

// JournalName is the file in the data directory that holds, while a renewal swaps
// its files in, the whole change: every file's new contents, mode and owner. The
// swap renames several files one by one; a run killed between two renames would
// leave a certificate beside a key it does not belong to (the server then refuses
// to start). The next run finds the journal and completes the change before
// anything else, so no run killed at any point needs a manual step, and no new key
// is lost. A journal cut short was never acted on and is removed.
const JournalName = ".pgcert-renew.journal"

// journalEntry is one file of the change: written with Data, or removed.
type journalEntry struct {
	Path   string      `json:"path"`
	Remove bool        `json:"remove,omitempty"`
	Data   []byte      `json:"data,omitempty"`
	Mode   fs.FileMode `json:"mode,omitempty"`
	Chown  bool        `json:"chown,omitempty"`
	UID    int         `json:"uid,omitempty"`
	GID    int         `json:"gid,omitempty"`
}

// journal is a change a renewal or a rollback makes, as it is written down before
// the first rename.
type journal struct {
	dir     string
	entries []journalEntry
	// configDir is the configuration directory -D named, when it is not dir:
	// its subdirectories are pinned as dir's are (apply).
	configDir string
}

// newJournal is the journal of a change to setup's files.
func newJournal(setup *pgdata.Setup) *journal {
	return &journal{dir: setup.Dir.Dir, configDir: setup.Dir.ConfigDir}
}

// add schedules a file.
func (j *journal) add(path string, data []byte, o fsutil.Options) {
	j.entries = append(j.entries, journalEntry{Path: path, Data: data, Mode: o.Mode, Chown: o.Chown, UID: o.UID, GID: o.GID})
}

// remove schedules the removal of a file.
func (j *journal) remove(path string) {
	j.entries = append(j.entries, journalEntry{Path: path, Remove: true})
}

func (j *journal) path() string { return filepath.Join(j.dir, JournalName) }

// commit writes the journal down (synced), applies the change, and removes the
// journal. When the change fails, it was undone (fsutil.Txn) and the journal goes.
func (j *journal) commit() ([]*fsutil.Written, error) {
	if err := j.write(); err != nil {
		return nil, err
	}
	if testHookWritten != nil {
		if err := testHookWritten(j); err != nil {
			return nil, err
		}
	}
	written, err := j.apply()
	if err != nil {
		j.discard()
		return nil, err
	}
	if err := j.discard(); err != nil {
		return nil, err
	}
	return written, nil
}

// testHookWritten sees a journal once it is written down, before the change is
// applied; a test returns an error there to stop the run as a kill would.
var testHookWritten func(*journal) error

// write creates the journal, pgcert's own (mode 0600, never through a link): its
// contents, then a line with their SHA-256, which tells a journal written whole
// from one cut short.
func (j *journal) write() error {
	body, err := json.Marshal(j.entries)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	p := j.path()
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return &fsutil.WriteError{Path: p, Op: "creating", Err: err}
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(p)
		return &fsutil.WriteError{Path: p, Op: "writing", Err: err}
	}
	if _, err := fmt.Fprintf(f, "%s\n%s\n", body, hex.EncodeToString(sum[:])); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	syncDir(j.dir)
	return nil
}

// apply makes the change: removals first, then every file in one fsutil.Txn, which
// undoes itself when it fails. A file in a subdirectory of the data directory (or
// of the configuration directory) is reached through a descriptor of that
// subdirectory opened beneath it (fsutil.Options.Beneath): the data directory's
// owner could have swapped the subdirectory for a link to a directory of root's
// since the outside rule judged the path.
func (j *journal) apply() ([]*fsutil.Written, error) {
	var txn fsutil.Txn
	for _, e := range j.entries {
		beneath := fsutil.Within(e.Path, j.dir, j.configDir)
		if e.Remove {
			if err := fsutil.RemoveFileBeneath(e.Path, beneath); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
			continue
		}
		txn.Add(e.Path, e.Data, fsutil.Options{Mode: e.Mode, Force: true, Chown: e.Chown, UID: e.UID, GID: e.GID, Beneath: beneath})
	}
	return txn.Commit()
}

// discard removes the journal: the change is done, or undone.
func (j *journal) discard() error {
	if err := os.Remove(j.path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &fsutil.WriteError{Path: j.path(), Op: "removing", Err: err}
	}
	syncDir(j.dir)
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// recoverJournal completes the change a killed run left in setup's data directory,
// and reports whether there was one. It acts only on a journal pgcert wrote: a
// regular file owned by the user running pgcert, writable by no one else, whole
// (its checksum matches), naming only the files a renewal writes (the SSL
// settings' certificate, key and CRL files and their .prev, and the data
// directory's record of its CA). Anything else at the
// name is refused: the data directory's owner may put files there, and replaying
// one of theirs would write what they chose, where they chose, as root.
//
// The files it names are judged by the outside rule again (checkOutside): the
// settings may have been changed since the run that wrote it.
func recoverJournal(opts *Options) (bool, error) {
	setup := opts.Setup
	j := newJournal(setup)
	p := j.path()
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	refuse := func(why string) (bool, error) {
		return false, failf([]string{fmt.Sprintf("pgcert did not write it; remove it if you know what it is: rm %s", shellWord(p))},
			"%s %s: not a journal of pgcert's, left as it is", p, why)
	}
	if errors.Is(err, syscall.ELOOP) {
		return refuse("is a symbolic link")
	}
	if err != nil {
		return false, inputError(p, err)
	}
	defer f.Close()
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return false, inputError(p, err)
	}
	switch {
	case st.Mode&syscall.S_IFMT != syscall.S_IFREG:
		return refuse("is not a regular file")
	case st.Uid != uint32(os.Geteuid()) || st.Mode&0o022 != 0:
		return refuse("belongs to another user, or others may write it")
	case st.Size > 4*maxInputSize:
		return refuse("is too large")
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		return false, inputError(p, err)
	}
	body, sumLine, _ := bytes.Cut(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != string(sumLine) {
		// Cut short: the run died while writing it, before it changed any file.
		return false, j.discard()
	}
	if err := json.Unmarshal(body, &j.entries); err != nil {
		return refuse("does not parse")
	}
	allowed := map[string]bool{filepath.Join(setup.Dir.Dir, ca.DataDirFile): true}
	for _, sf := range setup.Files() {
		if sf.Setting == "ssl_cert_file" || sf.Setting == "ssl_key_file" || sf.Setting == "ssl_crl_file" {
			allowed[sf.Path], allowed[sf.Path+PrevSuffix] = true, true
		}
	}
	for _, e := range j.entries {
		if !allowed[e.Path] {
			return refuse(fmt.Sprintf("names %s, not a file renew writes", e.Path))
		}
	}
	if err := checkOutside(opts, journalPaths(j)); err != nil {
		return false, err
	}
	if _, err := j.apply(); err != nil {
		return false, withHints(err, fmt.Sprintf("a killed renewal left %s; the next run completes it", p))
	}
	return true, j.discard()
}

// Recover completes the change a killed renewal left in setup's data directory (its
// journal), as the next renew would, and reports whether there was one. Every
// command that writes the data directory's SSL files calls it, holding the data
// directory's lock, before it writes: a journal left for a later renew would put the
// killed run's files back over the ones the command wrote, and the key would no
// longer match the certificate. allowOutside is --allow-outside, as for Renew.
func Recover(setup *pgdata.Setup, allowOutside []string) (bool, error) {
	return recoverJournal(&Options{Setup: setup, AllowOutside: allowOutside})
}
