package keyperm

import "io/fs"

// Permission bits as the kernel reads them for one class of user.
const (
	permRead   = 4
	permWrite  = 2
	permSearch = 1
)

// allowed reports whether id may use a file with the given owner and mode for want
// (a combination of permRead, permWrite, permSearch). It follows the kernel's order:
// the owner class if id owns the file, else the group class if id is in the file's
// group, else the other class; root may do anything but search a directory with no x
// bit at all (which never happens on the way to a file root could create). POSIX ACLs
// are not considered.
func allowed(id Identity, uid, gid uint32, mode fs.FileMode, want uint32) bool {
	if id.UID == 0 {
		return true
	}
	perm := uint32(mode.Perm())
	var bits uint32
	switch {
	case id.UID == uid:
		bits = perm >> 6
	case id.InGroup(gid):
		bits = perm >> 3
	default:
		bits = perm
	}
	return bits&7&want == want
}

// canRead reports whether id can open the examined file for reading.
func canRead(fi FileInfo, id Identity) bool {
	return allowed(id, fi.UID, fi.GID, fi.Mode, permRead)
}

// blockingDir returns the first directory on the way to fi that id may not search.
func blockingDir(fi FileInfo, id Identity) (DirInfo, bool) {
	for _, d := range fi.Dirs {
		if !allowed(id, d.UID, d.GID, d.Mode, permSearch) {
			return d, true
		}
	}
	return DirInfo{}, false
}
