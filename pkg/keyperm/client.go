package keyperm

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/pgcert/pgcert/internal/fsutil"
)

// ClientKeyMessage is libpq's complaint about a client key with too many mode bits
// (fe-secure-openssl.c, PostgreSQL 10 and later), with %s for the file name.
const ClientKeyMessage = `private key file "%s" has group or world access; file must have permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root`

// JudgeClientKey applies libpq's client key rule to fi for a client running as user.
// libpq reads the key only when the client certificate exists; a caller judges the key
// only then.
//
// libpq does not compare the owner: a key owned by root may be up to 0640, any other
// key up to 0600, and when user can read it despite that, the owner is right. In
// order: stat fails with ENOENT -> `certificate present, but not private key file
// "%s"`, other stat errors -> `could not stat private key file "%s": %m`; not a
// regular file; too many mode bits -> ClientKeyMessage; a key user cannot read ->
// `could not load private key file "%s": Permission denied` (libpq 15.18 prints
// unrelated bytes after the colon here; the words before it are exact).
func JudgeClientKey(fi FileInfo, user Identity) Result {
	r := judgeClientKey(fi, user)
	if !r.OK && r.Hint == "" {
		r.Hint = PlanClientKeyFix(fi, user, rootActor).hint()
	}
	return r
}

func judgeClientKey(fi FileInfo, user Identity) Result {
	r := newResult(fi, SourceLibpq)
	name := r.Path
	if d, blocked := blockingDir(fi, user); blocked {
		r.Problem, r.Dir = NoSearch, d.Path
		r.Message = fmt.Sprintf(`could not stat private key file "%s": Permission denied`, name)
		r.Hint = fmt.Sprintf("%s cannot search directory %s: keep the key in a directory the user can reach (~/.postgresql)", user.Label(), d.Path)
		return r
	}
	if fi.Err != nil {
		r.Problem = NotFound
		if errors.Is(fi.Err, fs.ErrNotExist) {
			r.Message = fmt.Sprintf(`certificate present, but not private key file "%s"`, name)
		} else {
			r.Message = fmt.Sprintf(`could not stat private key file "%s": %s`, name, Strerror(fi.Err))
		}
		r.Hint = "put the client key there (sslkey), or remove the certificate if no client certificate is wanted"
		return r
	}
	if !fi.Mode.IsRegular() {
		r.Problem = NotRegular
		r.Message = fmt.Sprintf(`private key file "%s" is not a regular file`, name)
		r.Detail = "it is a " + fsutil.KindOf(fi.Mode)
		r.Hint = "point sslkey at the key file itself"
		return r
	}
	perm := uint32(fi.Mode.Perm())
	limit := uint32(0o077)
	if fi.UID == 0 {
		limit = 0o037
	}
	switch {
	case perm&limit != 0:
		r.Problem = GroupOrWorld
		r.Message = fmt.Sprintf(ClientKeyMessage, name)
	case !canRead(fi, user):
		r.Problem = Unreadable
		r.Message = fmt.Sprintf(`could not load private key file "%s": Permission denied`, name)
	default:
		r.OK = true
	}
	return r
}

// CheckClientKey stats path and judges it with JudgeClientKey.
func CheckClientKey(path string, user Identity) Result {
	return JudgeClientKey(Stat(path), user)
}
