package keyperm

import (
	"fmt"
	"io"
	"strconv"

	"github.com/pgcert/pgcert/pkg/style"
)

// The kinds of file a FileReport names, as `pgcert perms --json` spells them.
const (
	FileServerKey   = "server-key"
	FileClientKey   = "client-key"
	FileServerCert  = "server-certificate"
	FileRootCert    = "root-certificate"
	FileCRL         = "crl-file"
	FileCRLDir      = "crl-directory"
	FileCRLDirEntry = "crl-directory-entry"
)

// FileReport is the verdict on one file, as `pgcert perms` reports it.
type FileReport struct {
	// Name is how messages name the file: as its setting spells it, or as given.
	Name       string `json:"name"`
	Path       string `json:"path"`
	LinkTarget string `json:"link_target,omitempty"`
	Setting    string `json:"setting,omitempty"`
	Kind       string `json:"kind"`
	Mode       string `json:"mode,omitempty"`
	Owner      string `json:"owner,omitempty"`
	Group      string `json:"group,omitempty"`
	OK         bool   `json:"ok"`
	Problem    string `json:"problem"`
	Message    string `json:"message,omitempty"`
	Detail     string `json:"detail,omitempty"`
	Source     string `json:"source,omitempty"`
	Fix        string `json:"fix,omitempty"`
}

// ChangeReport is one change `pgcert perms fix` made.
type ChangeReport struct {
	Name     string   `json:"name"`
	Path     string   `json:"path"`
	Link     string   `json:"link,omitempty"`
	OldMode  string   `json:"old_mode"`
	OldOwner string   `json:"old_owner"`
	Mode     string   `json:"mode,omitempty"`
	Owner    string   `json:"owner,omitempty"`
	Commands []string `json:"commands"`
	Reason   string   `json:"reason"`
}

// Report is the --json document of `pgcert perms check` and `perms fix`.
type Report struct {
	Rule         string         `json:"rule"`
	User         string         `json:"user"`
	DataDir      string         `json:"data_directory,omitempty"`
	OK           bool           `json:"ok"`
	Files        []FileReport   `json:"files"`
	Changes      []ChangeReport `json:"changes"`
	Unchangeable []string       `json:"unchangeable,omitempty"`
}

// Describe completes base (its Name, Path, Setting and Kind) with the file's mode
// and owner from fi and the verdict r; the fix and whose words the message is are
// kept only for a file that fails.
func Describe(base FileReport, fi FileInfo, r Result, lookup Lookup) FileReport {
	rep := base
	rep.LinkTarget, rep.OK, rep.Problem, rep.Message, rep.Detail = r.Target, r.OK, r.Problem.String(), r.Message, r.Detail
	if !r.OK {
		rep.Source, rep.Fix = r.Source, r.Hint
	}
	if fi.Err == nil {
		rep.Mode = fmt.Sprintf("%04o", uint32(fi.Mode.Perm()))
		rep.Owner, rep.Group = OwnerNames(lookup, fi.UID, fi.GID)
	}
	return rep
}

// Change describes the fix fx made to the file fi (named name), with the mode and
// owner it had before.
func Change(name string, fi FileInfo, fx Fix, lookup Lookup) ChangeReport {
	oldOwner, oldGroup := OwnerNames(lookup, fi.UID, fi.GID)
	ch := ChangeReport{
		Name: name, Path: fx.Path, Link: fx.Link,
		OldMode: fmt.Sprintf("%04o", uint32(fi.Mode.Perm())), OldOwner: oldOwner + ":" + oldGroup,
		Commands: fx.Commands(), Reason: fx.Reason,
	}
	if fx.Chmod && fx.Mode.Perm() != fi.Mode.Perm() {
		ch.Mode = fmt.Sprintf("%04o", uint32(fx.Mode.Perm()))
	}
	if fx.Chown {
		ch.Owner = fx.Owner
	}
	return ch
}

// OwnerNames spells a file's owner and group by name where lookup knows one, else
// by number, as ls -l does.
func OwnerNames(lookup Lookup, uid, gid uint32) (string, string) {
	owner := strconv.FormatUint(uint64(uid), 10)
	if id, err := lookup.LookupUID(uid); err == nil && id.Name != "" {
		owner = id.Name
	}
	group := strconv.FormatUint(uint64(gid), 10)
	if name, err := lookup.GroupName(gid); err == nil && name != "" {
		group = name
	}
	return owner, group
}

// WriteFiles writes one line per file as `pgcert perms check` prints them, and under
// a failing one the server's DETAIL and the fix.
func WriteFiles(w io.Writer, files []FileReport, s style.Style) {
	for _, r := range files {
		if r.OK {
			fmt.Fprintf(w, "%s  %s\n", s.Green(style.Pad("ok", 5)), r.label())
			continue
		}
		fmt.Fprintf(w, "%s  %s: %s\n", s.Red(style.Pad("error", 5)), r.label(), r.Message)
		style.Indented(w, 7, "DETAIL: ", r.Detail)
		style.Indented(w, 7, "fix: ", r.Fix)
	}
}

func (r FileReport) label() string {
	s := r.Name
	if r.Setting != "" && r.Kind != FileCRLDirEntry {
		s += " (" + r.Setting + ")"
	}
	if r.LinkTarget != "" {
		s += " -> " + r.LinkTarget
	}
	return s
}

// WriteChanges writes the changes as `pgcert perms fix` prints them, one command a
// line with what it replaced, or none when no change was made (none may be empty).
func (r *Report) WriteChanges(w io.Writer, none string) {
	n := 0
	for _, ch := range r.Changes {
		if ch.Mode != "" {
			fmt.Fprintf(w, "%s: chmod %s %s (was %s)\n", ch.Name, ch.Mode, ch.Path, ch.OldMode)
			n++
		}
		if ch.Owner != "" {
			fmt.Fprintf(w, "%s: chown %s %s (was %s)\n", ch.Name, ch.Owner, ch.Path, ch.OldOwner)
			n++
		}
		if ch.Link != "" {
			fmt.Fprintf(w, "%s is a symbolic link: fixed its target %s, not the link\n", ch.Name, ch.Path)
			n++
		}
	}
	if n == 0 && none != "" {
		fmt.Fprintln(w, none)
	}
}

// WriteFixText writes the report of `pgcert perms fix`: the changes, then the files
// no change of mode or owner can fix.
func (r *Report) WriteFixText(w io.Writer, s style.Style) {
	r.WriteChanges(w, "nothing to change")
	var failed []FileReport
	for _, f := range r.Files {
		if !f.OK {
			failed = append(failed, f)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintln(w, "no change of mode or owner can fix:")
		WriteFiles(w, failed, s)
	}
}
