package keyperm

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

var (
	// ErrNeedsRoot means the change gives the file to another user, or touches a file
	// the actor does not own: only root may.
	ErrNeedsRoot = errors.New("keyperm: only root can make this change")
	// ErrNoFix means no change of mode or owner can help: the file is missing, is not
	// a regular file, or sits behind a directory the user may not search.
	ErrNoFix = errors.New("keyperm: no change of mode or owner fixes this")
	// ErrChanged means the file is no longer the one the fix was planned for.
	ErrChanged = errors.New("keyperm: file changed since it was examined")
)

// rootActor plans the fixes that results suggest as hints: what an administrator types
// as root.
var rootActor = Identity{Name: "root", GroupName: "root"}

// Fix is the smallest change of owner and mode that makes a file pass, planned for a
// given actor. A symbolic link is never changed itself: the fix is made to the file it
// leads to, and Link says so.
type Fix struct {
	// Path is the file to change: the target of a symbolic link, the file otherwise.
	Path string
	// Link is the symbolic link that led to Path, if any.
	Link string
	// Needed is false when the file already passes and can be read.
	Needed bool
	// Chown gives the file to UID:GID (Owner spells them for messages).
	Chown    bool
	UID, GID uint32
	Owner    string
	// Chmod sets the permission bits to Mode.
	Chmod bool
	Mode  fs.FileMode
	// Reason says in one sentence why this change is the one.
	Reason string
	// Err is set when the actor cannot make the change (ErrNeedsRoot) or no change
	// can help (ErrNoFix); Commands still tells what root would type, if anything.
	Err error

	dev, ino uint64
}

// Commands returns the shell commands equivalent to the fix, chmod before chown so
// that a key is never more open than before while it changes hands.
func (f Fix) Commands() []string {
	var cmds []string
	if f.Chmod {
		cmds = append(cmds, fmt.Sprintf("chmod %04o %s", uint32(f.Mode.Perm()), shellQuote(f.Path)))
	}
	if f.Chown {
		cmds = append(cmds, fmt.Sprintf("chown %s %s", f.Owner, shellQuote(f.Path)))
	}
	return cmds
}

// hint is the fix as a Result's Hint: the commands, and the link they go through.
func (f Fix) hint() string {
	if errors.Is(f.Err, ErrNoFix) {
		return f.Reason
	}
	h := strings.Join(f.Commands(), " && ")
	if f.Link != "" {
		h += fmt.Sprintf(" (%s is a symbolic link to %s)", f.Link, f.Path)
	}
	return h
}

func newFix(fi FileInfo) Fix {
	f := Fix{Path: fi.Resolved(), dev: fi.dev, ino: fi.ino}
	if fi.Symlink {
		f.Link = fi.Path
	}
	return f
}

// chmod plans a mode change; the actor must own the file or be root.
func (f *Fix) chmod(fi FileInfo, actor Identity, mode fs.FileMode) {
	f.Needed, f.Chmod, f.Mode = true, true, mode
	if actor.UID != 0 && actor.UID != fi.UID {
		f.Err = fmt.Errorf("%w: %s is owned by uid %d", ErrNeedsRoot, f.Path, fi.UID)
	}
}

// chownTo plans giving the file to id; only root may.
func (f *Fix) chownTo(id Identity, actor Identity) {
	f.Needed, f.Chown, f.UID, f.GID, f.Owner = true, true, id.UID, id.GID, id.owner()
	if actor.UID != 0 {
		f.Err = fmt.Errorf("%w: giving %s to %s", ErrNeedsRoot, f.Path, f.Owner)
	}
}

func noFix(f Fix, r Result) Fix {
	f.Needed, f.Err, f.Reason = true, ErrNoFix, r.Message
	if r.Hint != "" {
		f.Reason = r.Hint
	}
	return f
}

// PlanServerKeyFix plans the smallest change that makes the server, running as db,
// accept and read the key fi, as actor would make it:
//   - a key owned by db: chmod 0600 (0400 is left alone: it already passes);
//   - a key owned by root whose group has db in it (Debian's root:ssl-cert): chmod
//     0640, which lets db read it through the group; 0640 and 0600 with group read
//     taken away are left alone when they already work;
//   - any other key (root's own group, someone else's file): give it to db and chmod
//     0600, which does not depend on group memberships that may change.
//
// Changing a file someone else owns needs root: the Fix then carries ErrNeedsRoot.
func PlanServerKeyFix(fi FileInfo, db Identity, actor Identity) Fix {
	f := newFix(fi)
	r := judgeServerKey(fi, db)
	switch {
	case r.OK:
		f.Reason = "the key passes the server's check and the database user can read it"
		return f
	case r.Problem == NotFound || r.Problem == NoSearch || r.Problem == NotRegular:
		return noFix(f, r)
	case fi.UID == db.UID:
		f.chmod(fi, actor, 0o600)
		f.Reason = "a key owned by the database user must not give the group or others any access"
	case fi.UID == 0 && db.InGroup(fi.GID):
		f.chmod(fi, actor, 0o640)
		f.Reason = "a root-owned key may give read access to its group, which the database user is in"
	default:
		f.chmod(fi, actor, 0o600)
		f.chownTo(db, actor)
		f.Reason = "the database user must own the key, or root with a group the database user is in; giving it to the database user is the change that keeps working"
	}
	return f
}

// PlanClientKeyFix plans the smallest change that makes libpq, running as user, accept
// and read the client key fi: chmod 0600, or 0640 for a root-owned key that user reads
// through its group; a key user can read neither way is given to user (root only).
func PlanClientKeyFix(fi FileInfo, user Identity, actor Identity) Fix {
	f := newFix(fi)
	r := judgeClientKey(fi, user)
	switch {
	case r.OK:
		f.Reason = "the key passes libpq's check and the user can read it"
		return f
	case r.Problem == NotFound || r.Problem == NoSearch || r.Problem == NotRegular:
		return noFix(f, r)
	case fi.UID == 0 && user.UID != 0 && user.InGroup(fi.GID):
		f.chmod(fi, actor, 0o640)
		f.Reason = "a root-owned key may give read access to its group, which the user is in"
	case fi.UID == user.UID || user.UID == 0:
		f.chmod(fi, actor, 0o600)
		f.Reason = "a client key must not give the group or others any access"
	default:
		f.chmod(fi, actor, 0o600)
		f.chownTo(user, actor)
		f.Reason = "the user must own the key to read it with mode 0600"
	}
	return f
}

// PlanPublicFileFix plans making a certificate or CRL readable by db (chmod 0644), or
// the CRL directory searchable and listable (chmod 0755). Nothing is planned for a
// file db can already read: certificates need no particular mode.
func PlanPublicFileFix(kind Kind, fi FileInfo, db Identity, actor Identity) Fix {
	f := newFix(fi)
	r := judgePublicFile(kind, fi, db)
	switch {
	case r.OK:
		f.Reason = "the database user can read it"
		return f
	case r.Problem != Unreadable:
		return noFix(f, r)
	case kind == CRLDir:
		f.chmod(fi, actor, 0o755)
		f.Reason = "the database user must be able to list and search the CRL directory"
	default:
		f.chmod(fi, actor, 0o644)
		f.Reason = "certificates and CRLs are public; the database user must be able to read them"
	}
	return f
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '+' || r == ':' || r == ',' || r == '@' ||
			(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
