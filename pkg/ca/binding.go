package ca

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// A data directory knows its CA. pgcert init, selfsign -D from a CA and renew record in
// the data directory which CA directory its server certificate, root.crt and root.crl
// come from (DataDirFile), so that renew -D from a timer, ca issue, ca revoke and crl
// gen find the CA from -D alone, and so that no run replaces those files with another
// CA's without being asked.
//
// The record is two-sided, because the data directory belongs to the database user,
// who is less trusted than the root that runs pgcert there: that user could write any
// path into DataDirFile, naming a CA directory that is not theirs (an organisation's
// production CA) so that the next root run issues them a certificate from it. So the
// CA directory keeps the other side (DataDirsFile: the data directories it serves),
// which only its owner writes, and ForDataDir follows a data directory's record only
// to a CA that lists that data directory and whose certificate is the one recorded.

// DataDirFile is the record, in a data directory, of the CA directory its SSL files
// come from. It is a text file of "key = value" lines: ca_dir (absolute) and
// ca_sha256 (the SHA-256 fingerprint of the issuing CA's certificate).
const DataDirFile = "pgcert-ca.conf"

// DataDirsFile lists, in a CA directory, the data directories it serves: one absolute
// path a line.
const DataDirsFile = "pgcert-datadirs"

// recordLimit bounds both records: each is a few lines.
const recordLimit = 64 << 10

// DataDirRecord is what DataDirFile holds.
type DataDirRecord struct {
	// CADir is the CA directory, absolute.
	CADir string
	// CASHA256 is the hex SHA-256 fingerprint of its issuing CA's certificate.
	CASHA256 string
}

// NotBoundError says that a data directory has no record of its CA.
type NotBoundError struct{ DataDir string }

func (e *NotBoundError) Error() string {
	return fmt.Sprintf("%s records no CA directory (no %s): it was not set up by pgcert init or renew from a CA", e.DataDir, DataDirFile)
}

// BindingError says why a data directory's record of its CA is not followed.
type BindingError struct {
	DataDir, CADir string
	Reason         string
	// OwnerWritable says that the data directory's owner owns or may write the
	// CA directory (or a directory on the way to it): the record is then only
	// their word, and the CA is for them to use, not root.
	OwnerWritable bool
}

func (e *BindingError) Error() string {
	return fmt.Sprintf("%s names the CA directory %s, which pgcert does not follow: %s", filepath.Join(e.DataDir, DataDirFile), e.CADir, e.Reason)
}

// Record returns the record of c for a data directory's DataDirFile.
func (c *CA) Record() DataDirRecord {
	sum := sha256.Sum256(c.Cert.Raw)
	return DataDirRecord{CADir: c.Dir, CASHA256: hex.EncodeToString(sum[:])}
}

// Marshal returns the record as DataDirFile holds it.
func (r DataDirRecord) Marshal() []byte {
	return fmt.Appendf(nil, "# The CA directory this data directory's SSL files come from (written by pgcert).\nca_dir = %s\nca_sha256 = %s\n", r.CADir, r.CASHA256)
}

// noCA is the ca_dir of a record that names no CA.
const noCA = "none"

// UnboundRecord is what DataDirFile holds once the data directory's SSL files come
// from no CA (selfsign -D --new-ca put a self-signed certificate in place of one a CA
// issued). It is written in the same transaction as the new files, where removing the
// record after them would leave a moment, or after a crash a record, naming a CA that
// no longer issued them; ReadDataDirRecord reads it as no record at all.
func UnboundRecord() []byte {
	return []byte("# This data directory's SSL files come from no CA directory (written by pgcert).\nca_dir = " + noCA + "\n")
}

// ReadDataDirRecord reads dataDir's DataDirFile: a *NotBoundError when there is none
// (or it is UnboundRecord), a *StepBoundError when it names a step-ca, an error when
// it is not a regular file (a link, a FIFO) or not a record.
func ReadDataDirRecord(dataDir string) (*DataDirRecord, error) {
	path := filepath.Join(dataDir, DataDirFile)
	data, err := fsutil.ReadRegular(path, recordLimit)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NotBoundError{DataDir: dataDir}
	}
	if err != nil {
		return nil, err
	}
	if step, err := parseStepRecord(path, data); err != nil || step != nil {
		if err == nil {
			err = &StepBoundError{DataDir: dataDir, Record: *step}
		}
		return nil, err
	}
	var r DataDirRecord
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("ca: %s: %q is not a key = value line", path, line)
		}
		switch strings.TrimSpace(k) {
		case "ca_dir":
			r.CADir = strings.TrimSpace(v)
		case "ca_sha256":
			r.CASHA256 = strings.ToLower(strings.TrimSpace(v))
		}
	}
	if r.CADir == noCA && r.CASHA256 == "" {
		return nil, &NotBoundError{DataDir: dataDir}
	}
	if !filepath.IsAbs(r.CADir) || len(r.CASHA256) != 64 {
		return nil, fmt.Errorf("ca: %s holds no absolute ca_dir and ca_sha256: not a record pgcert wrote", path)
	}
	return &r, nil
}

// ForDataDir opens the CA directory dataDir's record names, if that CA lists dataDir
// among the data directories it serves and its certificate is the one recorded.
// Errors: *NotBoundError, *BindingError, and Open's.
func ForDataDir(dataDir string) (*CA, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	rec, err := ReadDataDirRecord(abs)
	if err != nil {
		return nil, err
	}
	if why := ownersCADir(abs, rec.CADir); why != "" {
		return nil, &BindingError{DataDir: abs, CADir: rec.CADir, Reason: why, OwnerWritable: true}
	}
	c, err := Open(rec.CADir)
	if err != nil {
		return nil, &BindingError{DataDir: abs, CADir: rec.CADir, Reason: err.Error()}
	}
	served, err := c.DataDirs()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(served, abs) {
		return nil, &BindingError{DataDir: abs, CADir: rec.CADir,
			Reason: fmt.Sprintf("its %s does not list this data directory (whoever can write the data directory can write that record; the CA directory's own list decides)", DataDirsFile)}
	}
	if got := c.Record().CASHA256; got != rec.CASHA256 {
		return nil, &BindingError{DataDir: abs, CADir: rec.CADir,
			Reason: "its certificate is not the one recorded (sha256 " + rec.CASHA256[:16] + "…, now " + got[:16] + "…)"}
	}
	return c, nil
}

// ownersCADir says why the CA directory caDir, which the record of the data
// directory dataDir names, is not to be followed, or "". The CA directory's list
// (DataDirsFile) is the word of whoever may write that directory: when the data
// directory's owner owns it or may write it, or any directory on the way to it
// (where they could swap it for one of theirs), the list is theirs too, and root
// would sign with their CA key and work in their directory, where index.txt may be
// a link to a file of root's. Running as that owner, there is nothing to refuse.
// Groups other than the data directory's are not consulted.
func ownersCADir(dataDir, caDir string) string {
	var dd syscall.Stat_t
	if syscall.Stat(dataDir, &dd) != nil || dd.Uid == uint32(os.Geteuid()) {
		return ""
	}
	paths := []string{filepath.Clean(caDir)}
	if real, err := filepath.EvalSymlinks(caDir); err == nil {
		paths = append(paths, real)
	}
	for _, p := range paths {
		for d := p; ; d = filepath.Dir(d) {
			var st syscall.Stat_t
			if syscall.Lstat(d, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFDIR {
				switch {
				case st.Uid == dd.Uid:
					return fmt.Sprintf("%s belongs to %s, the data directory's owner, who could have written its list", d, userLabel(dd.Uid))
				case st.Mode&syscall.S_ISVTX == 0 && (st.Mode&0o002 != 0 || (st.Mode&0o020 != 0 && st.Gid == dd.Gid)):
					return fmt.Sprintf("%s, the data directory's owner, may write %s, and so the CA directory's list", userLabel(dd.Uid), d)
				}
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	return ""
}

// userLabel names the user uid as "postgres (uid 101)", or "uid 101" when the
// system does not know it.
func userLabel(uid uint32) string {
	id := strconv.FormatUint(uint64(uid), 10)
	if u, err := user.LookupId(id); err == nil {
		return u.Username + " (uid " + id + ")"
	}
	return "uid " + id
}

// DataDirs returns the data directories c serves, as BindDataDir recorded them.
func (c *CA) DataDirs() ([]string, error) {
	data, err := fsutil.ReadRegular(filepath.Join(c.Dir, DataDirsFile), recordLimit)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out, nil
}

// BindDataDir records in c's directory that it serves dataDir (made absolute), under
// the directory's lock. Recording a data directory twice changes nothing.
func (c *CA) BindDataDir(dataDir string) error {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	unlock, err := lockDir(c.Dir, nil)
	if err != nil {
		return err
	}
	defer unlock()
	served, err := c.DataDirs()
	if err != nil {
		return err
	}
	if slices.Contains(served, abs) {
		return nil
	}
	var b bytes.Buffer
	b.WriteString("# The data directories this CA serves (written by pgcert; see pgcert-ca.conf in each).\n")
	for _, d := range append(served, abs) {
		b.WriteString(d)
		b.WriteByte('\n')
	}
	if _, err := fsutil.WriteFile(filepath.Join(c.Dir, DataDirsFile), b.Bytes(), fsutil.Options{Mode: fsutil.PublicMode, Force: true}); err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	return nil
}
