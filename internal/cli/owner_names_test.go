package cli

import (
	"os"
	"syscall"
)

// ownerOf returns the owner and group of a file.
func ownerOf(fi os.FileInfo) (uid, gid int) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return -1, -1
}
