package fsutil

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
	"unicode/utf8"
)

// FileReport describes a file a command wrote, in the --json documents of every
// command that writes (docs/json.md): its path, mode, owner and group by name (or
// number), and whether an earlier file was replaced.
type FileReport struct {
	Path string `json:"path"`
	// PathB64 is the path's bytes in base64 when they are not valid UTF-8, which a
	// JSON string cannot carry: Path then has U+FFFD in their place.
	PathB64  string `json:"path_b64,omitempty"`
	Mode     string `json:"mode"`
	Owner    string `json:"owner"`
	Group    string `json:"group"`
	Replaced bool   `json:"replaced"`
}

// PathB64 returns path's bytes in base64 when they are not valid UTF-8, else "".
func PathB64(path string) string {
	if utf8.ValidString(path) {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(path))
}

// Report describes the file w, with the owner and group by name when the system
// knows them.
func Report(w *Written) FileReport {
	r := FileReport{
		Path:     w.Path,
		PathB64:  PathB64(w.Path),
		Mode:     fmt.Sprintf("%04o", w.Mode),
		Owner:    strconv.Itoa(w.UID),
		Group:    strconv.Itoa(w.GID),
		Replaced: w.Replaced,
	}
	if u, err := user.LookupId(r.Owner); err == nil {
		r.Owner = u.Username
	}
	if g, err := user.LookupGroupId(r.Group); err == nil {
		r.Group = g.Name
	}
	return r
}

// ReportPath describes the file at path as Report does, from what stat says: for a
// file written by someone else (a CA's copy of a certificate).
func ReportPath(path string) FileReport {
	w := &Written{Path: path}
	if fi, err := os.Stat(path); err == nil {
		w.Mode = fi.Mode().Perm()
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			w.UID, w.GID = int(st.Uid), int(st.Gid)
		}
	}
	return Report(w)
}
