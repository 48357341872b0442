package keyperm

import (
	"fmt"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// ServerKeyDetail is the DETAIL line the server prints under a "has group or world
// access" error (be-secure-common.c, PostgreSQL 11 and later).
const ServerKeyDetail = "File must have permissions u=rw (0600) or less if owned by the database user, or permissions u=rw,g=r (0640) or less if owned by root."

// JudgeServerKey applies check_ssl_key_file_permissions to fi for a server running as
// db, then predicts whether the server can open the key. The server loads
// ssl_cert_file before it looks at the key, so a caller checking a whole setup judges
// the certificate first.
//
// In order: a directory on the way that db may not search, or a failed stat ->
// `could not access private key file "%s": %m`; not a regular file; owned by neither
// db nor root; owned by db with any group or other bit, or by root with group write or
// execute or any other bit -> "has group or world access" with ServerKeyDetail; and
// last, a key db cannot read (root:root 0600, root-owned 0640 whose group db is not
// in) -> `could not load private key file "%s": Permission denied`, which is what
// PostgreSQL 15 with OpenSSL 3 prints.
func JudgeServerKey(fi FileInfo, db Identity) Result {
	r := judgeServerKey(fi, db)
	if !r.OK && r.Hint == "" {
		r.Hint = PlanServerKeyFix(fi, db, rootActor).hint()
	}
	return r
}

func judgeServerKey(fi FileInfo, db Identity) Result {
	r := newResult(fi, SourceServer)
	name := r.Path
	if d, blocked := blockingDir(fi, db); blocked {
		r.Problem, r.Dir = NoSearch, d.Path
		r.Message = fmt.Sprintf(`could not access private key file "%s": Permission denied`, name)
		r.Hint = fmt.Sprintf("the database user %s cannot search directory %s: move the key into the data directory, or give the directory o+x", db.Label(), d.Path)
		return r
	}
	if fi.Err != nil {
		r.Problem = NotFound
		r.Message = fmt.Sprintf(`could not access private key file "%s": %s`, name, Strerror(fi.Err))
		r.Hint = "write a key there (pgcert init or pgcert key), or point ssl_key_file at the key"
		return r
	}
	if !fi.Mode.IsRegular() {
		r.Problem = NotRegular
		r.Message = fmt.Sprintf(`private key file "%s" is not a regular file`, name)
		r.Detail = "it is a " + fsutil.KindOf(fi.Mode)
		r.Hint = "point ssl_key_file at the key file itself"
		return r
	}
	perm := uint32(fi.Mode.Perm())
	switch {
	case fi.UID != db.UID && fi.UID != 0:
		r.Problem = BadOwner
		r.Message = fmt.Sprintf(`private key file "%s" must be owned by the database user or root`, name)
	case fi.UID == db.UID && perm&0o077 != 0, fi.UID == 0 && perm&0o037 != 0:
		r.Problem = GroupOrWorld
		r.Message = fmt.Sprintf(`private key file "%s" has group or world access`, name)
		r.Detail = ServerKeyDetail
	case !canRead(fi, db):
		r.Problem = Unreadable
		r.Message = fmt.Sprintf(`could not load private key file "%s": Permission denied`, name)
	default:
		r.OK = true
	}
	return r
}

// CheckServerKey stats path and judges it with JudgeServerKey.
func CheckServerKey(path string, db Identity) Result {
	return JudgeServerKey(Stat(path), db)
}

func newResult(fi FileInfo, source string) Result {
	r := Result{Path: fi.name(), Source: source}
	if fi.Symlink {
		r.Target = fi.Target
	}
	return r
}
