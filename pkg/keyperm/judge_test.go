package keyperm

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

// The accounts of a Debian machine: postgres (101:104) is in ssl-cert (103).
var (
	pgUser    = Identity{Name: "postgres", UID: 101, GID: 104, GroupName: "postgres", Groups: []uint32{104, 103}}
	alice     = Identity{Name: "alice", UID: 1000, GID: 1000, GroupName: "alice", Groups: []uint32{1000}}
	sslCert   = uint32(103)
	daemonGID = uint32(1)
)

func file(perm fs.FileMode, uid, gid uint32) FileInfo {
	return FileInfo{Path: "/srv/pg/server.key", Name: "server.key", Mode: perm, UID: uid, GID: gid,
		Dirs: []DirInfo{{Path: "/", Mode: fs.ModeDir | 0o755}, {Path: "/srv", Mode: fs.ModeDir | 0o755}, {Path: "/srv/pg", Mode: fs.ModeDir | 0o700, UID: 101, GID: 104}}}
}

func link(to FileInfo) FileInfo {
	to.Path, to.Symlink, to.Target = "/srv/pg/server.key", true, "/etc/ssl/private/pg.key"
	return to
}

func TestJudgeServerKey(t *testing.T) {
	const (
		access = `could not access private key file "server.key": No such file or directory`
		group  = `private key file "server.key" has group or world access`
		owner  = `private key file "server.key" must be owned by the database user or root`
		load   = `could not load private key file "server.key": Permission denied`
		notreg = `private key file "server.key" is not a regular file`
	)
	missing := file(0, 0, 0)
	missing.Err = &fs.PathError{Op: "stat", Path: "/srv/pg/server.key", Err: syscall.ENOENT}
	blocked := file(0o600, 101, 104)
	blocked.Dirs[1].Mode = fs.ModeDir | 0o700
	tests := []struct {
		name    string
		fi      FileInfo
		problem Problem
		message string
		hint    string
	}{
		{"db user 0600", file(0o600, 101, 104), NoProblem, "", ""},
		{"db user 0400", file(0o400, 101, 104), NoProblem, "", ""},
		{"db user 0700 (only group and other bits count)", file(0o700, 101, 104), NoProblem, "", ""},
		{"db user 0640", file(0o640, 101, 104), GroupOrWorld, group, "chmod 0600 /srv/pg/server.key"},
		{"db user 0644", file(0o644, 101, 104), GroupOrWorld, group, "chmod 0600 /srv/pg/server.key"},
		{"db user 0660", file(0o660, 101, 104), GroupOrWorld, group, "chmod 0600 /srv/pg/server.key"},
		{"db user 0604", file(0o604, 101, 104), GroupOrWorld, group, "chmod 0600 /srv/pg/server.key"},
		{"db user 0200 cannot read its own key", file(0o200, 101, 104), Unreadable, load, "chmod 0600 /srv/pg/server.key"},
		{"root:ssl-cert 0640 (Debian)", file(0o640, 0, sslCert), NoProblem, "", ""},
		{"root:ssl-cert 0440", file(0o440, 0, sslCert), NoProblem, "", ""},
		{"root:ssl-cert 0600 passes the check, unreadable", file(0o600, 0, sslCert), Unreadable, load, "chmod 0640 /srv/pg/server.key"},
		{"root:daemon 0640 passes the check, unreadable", file(0o640, 0, daemonGID), Unreadable, load,
			"chmod 0600 /srv/pg/server.key && chown postgres:postgres /srv/pg/server.key"},
		{"root:root 0600 passes the check, unreadable", file(0o600, 0, 0), Unreadable, load,
			"chmod 0600 /srv/pg/server.key && chown postgres:postgres /srv/pg/server.key"},
		{"root:ssl-cert 0644", file(0o644, 0, sslCert), GroupOrWorld, group, "chmod 0640 /srv/pg/server.key"},
		{"root:ssl-cert 0650 (group exec)", file(0o650, 0, sslCert), GroupOrWorld, group, "chmod 0640 /srv/pg/server.key"},
		{"root:ssl-cert 0660 (group write)", file(0o660, 0, sslCert), GroupOrWorld, group, "chmod 0640 /srv/pg/server.key"},
		{"root:root 0644", file(0o644, 0, 0), GroupOrWorld, group,
			"chmod 0600 /srv/pg/server.key && chown postgres:postgres /srv/pg/server.key"},
		{"other owner 0600", file(0o600, 1000, 1000), BadOwner, owner,
			"chmod 0600 /srv/pg/server.key && chown postgres:postgres /srv/pg/server.key"},
		{"other owner 0644 (owner is tested first)", file(0o644, 1000, 1000), BadOwner, owner,
			"chmod 0600 /srv/pg/server.key && chown postgres:postgres /srv/pg/server.key"},
		{"directory", file(fs.ModeDir|0o700, 101, 104), NotRegular, notreg, "point ssl_key_file at the key file itself"},
		{"missing", missing, NotFound, access, "write a key there (pgcert init or pgcert key), or point ssl_key_file at the key"},
		{"directory on the way not searchable", blocked, NoSearch,
			`could not access private key file "server.key": Permission denied`,
			"the database user postgres cannot search directory /srv: move the key into the data directory, or give the directory o+x"},
		{"symlink to a good key", link(file(0o600, 101, 104)), NoProblem, "", ""},
		{"symlink to a bad key", link(file(0o644, 101, 104)), GroupOrWorld, group,
			"chmod 0600 /etc/ssl/private/pg.key (/srv/pg/server.key is a symbolic link to /etc/ssl/private/pg.key)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := JudgeServerKey(tt.fi, pgUser)
			if r.Problem != tt.problem || r.OK != (tt.problem == NoProblem) {
				t.Fatalf("problem = %v (OK %v), want %v", r.Problem, r.OK, tt.problem)
			}
			if r.Message != tt.message {
				t.Errorf("message = %q\nwant      %q", r.Message, tt.message)
			}
			if r.Hint != tt.hint {
				t.Errorf("hint = %q\nwant   %q", r.Hint, tt.hint)
			}
			if (tt.problem == GroupOrWorld) != (r.Detail == ServerKeyDetail) {
				t.Errorf("detail = %q", r.Detail)
			}
			if r.Source != SourceServer || r.Path != "server.key" {
				t.Errorf("source %q path %q", r.Source, r.Path)
			}
			if tt.fi.Symlink && r.Target != tt.fi.Target {
				t.Errorf("target = %q", r.Target)
			}
			var e *Error
			if err := r.Err(); (err == nil) != r.OK || (err != nil && (!errors.As(err, &e) || !strings.HasSuffix(err.Error(), r.Message))) {
				t.Errorf("Err() = %v", err)
			}
		})
	}
}

func TestJudgeClientKey(t *testing.T) {
	const group = `private key file "server.key" has group or world access; file must have permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root`
	missing := file(0, 0, 0)
	missing.Err = &fs.PathError{Op: "stat", Path: "/srv/pg/server.key", Err: syscall.ENOENT}
	notdir := file(0, 0, 0)
	notdir.Err = &fs.PathError{Op: "stat", Path: "/srv/pg/server.key", Err: syscall.ENOTDIR}
	aliceDirs := func(fi FileInfo) FileInfo { fi.Dirs = nil; return fi }
	tests := []struct {
		name    string
		fi      FileInfo
		user    Identity
		problem Problem
		message string
		hint    string
	}{
		{"own 0600", aliceDirs(file(0o600, 1000, 1000)), alice, NoProblem, "", ""},
		{"own 0400", aliceDirs(file(0o400, 1000, 1000)), alice, NoProblem, "", ""},
		{"own 0640", aliceDirs(file(0o640, 1000, 1000)), alice, GroupOrWorld, group, "chmod 0600 /srv/pg/server.key"},
		{"own 0644", aliceDirs(file(0o644, 1000, 1000)), alice, GroupOrWorld, group, "chmod 0600 /srv/pg/server.key"},
		{"root 0640 read through the group", aliceDirs(file(0o640, 0, 1000)), alice, NoProblem, "", ""},
		{"root 0644 read through the group", aliceDirs(file(0o644, 0, 1000)), alice, GroupOrWorld, group, "chmod 0640 /srv/pg/server.key"},
		{"root 0600 passes, unreadable", aliceDirs(file(0o600, 0, 0)), alice, Unreadable,
			`could not load private key file "server.key": Permission denied`,
			"chmod 0600 /srv/pg/server.key && chown alice:alice /srv/pg/server.key"},
		{"someone else's 0600 (owner not compared), unreadable", aliceDirs(file(0o600, 101, 104)), alice, Unreadable,
			`could not load private key file "server.key": Permission denied`,
			"chmod 0600 /srv/pg/server.key && chown alice:alice /srv/pg/server.key"},
		{"root client reads anyone's 0600", aliceDirs(file(0o600, 1000, 1000)), rootActor, NoProblem, "", ""},
		{"directory", aliceDirs(file(fs.ModeDir|0o700, 1000, 1000)), alice, NotRegular,
			`private key file "server.key" is not a regular file`, "point sslkey at the key file itself"},
		{"missing", aliceDirs(missing), alice, NotFound, `certificate present, but not private key file "server.key"`,
			"put the client key there (sslkey), or remove the certificate if no client certificate is wanted"},
		{"not a directory on the way", aliceDirs(notdir), alice, NotFound, `could not stat private key file "server.key": Not a directory`,
			"put the client key there (sslkey), or remove the certificate if no client certificate is wanted"},
		{"directory not searchable", file(0o600, 1000, 1000), alice, NoSearch, `could not stat private key file "server.key": Permission denied`,
			"alice cannot search directory /srv/pg: keep the key in a directory the user can reach (~/.postgresql)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := JudgeClientKey(tt.fi, tt.user)
			if r.Problem != tt.problem || r.OK != (tt.problem == NoProblem) {
				t.Fatalf("problem = %v, want %v", r.Problem, tt.problem)
			}
			if r.Message != tt.message || r.Hint != tt.hint || r.Source != SourceLibpq {
				t.Errorf("got %q / %q (%s)\nwant %q / %q", r.Message, r.Hint, r.Source, tt.message, tt.hint)
			}
		})
	}
}

func TestJudgePublicFile(t *testing.T) {
	tests := []struct {
		name    string
		kind    Kind
		fi      FileInfo
		problem Problem
		message string
		hint    string
	}{
		{"cert root 0644", ServerCert, file(0o644, 0, 0), NoProblem, "", ""},
		{"cert own 0600", ServerCert, file(0o600, 101, 104), NoProblem, "", ""},
		{"cert root 0600", ServerCert, file(0o600, 0, 0), Unreadable,
			`could not load server certificate file "server.key": Permission denied`, "chmod 0644 /srv/pg/server.key"},
		{"ca root:ssl-cert 0640", RootCert, file(0o640, 0, sslCert), NoProblem, "", ""},
		{"ca root 0640", RootCert, file(0o640, 0, 0), Unreadable,
			`could not load root certificate file "server.key": Permission denied`, "chmod 0644 /srv/pg/server.key"},
		{"crl root 0600", CRLFile, file(0o600, 0, 0), Unreadable,
			`could not load SSL certificate revocation list file "server.key": Permission denied`, "chmod 0644 /srv/pg/server.key"},
		{"crl dir 0700 root", CRLDir, file(fs.ModeDir|0o700, 0, 0), Unreadable,
			`SSL certificate revocation list directory "server.key": Permission denied; the server finds no CRL there and rejects every client certificate`,
			"chmod 0755 /srv/pg/server.key"},
		{"crl dir 0755", CRLDir, file(fs.ModeDir|0o755, 0, 0), NoProblem, "", ""},
		{"crl dir that is a file", CRLDir, file(0o644, 0, 0), NotRegular,
			`SSL certificate revocation list directory "server.key" is not a directory`, "point ssl_crl_dir at a directory of hashed CRL files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := JudgePublicFile(tt.kind, tt.fi, pgUser)
			if r.Problem != tt.problem || r.OK != (tt.problem == NoProblem) {
				t.Fatalf("problem = %v, want %v", r.Problem, tt.problem)
			}
			if r.Message != tt.message || r.Hint != tt.hint {
				t.Errorf("got %q / %q\nwant %q / %q", r.Message, r.Hint, tt.message, tt.hint)
			}
		})
	}
}

func TestPlanServerKeyFixActors(t *testing.T) {
	tests := []struct {
		name   string
		fi     FileInfo
		actor  Identity
		err    error
		chmod  fs.FileMode
		chown  bool
		needed bool
	}{
		{"db user fixes its own key", file(0o644, 101, 104), pgUser, nil, 0o600, false, true},
		{"db user cannot touch root's key", file(0o644, 0, sslCert), pgUser, ErrNeedsRoot, 0o640, false, true},
		{"root tightens root's key for ssl-cert", file(0o644, 0, sslCert), rootActor, nil, 0o640, false, true},
		{"root hands root:root key over", file(0o600, 0, 0), rootActor, nil, 0o600, true, true},
		{"non-root cannot hand a key over", file(0o600, 1000, 1000), alice, ErrNeedsRoot, 0o600, true, true},
		{"good key needs nothing", file(0o600, 101, 104), pgUser, nil, 0, false, false},
		{"directory cannot be fixed", file(fs.ModeDir|0o755, 101, 104), rootActor, ErrNoFix, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := PlanServerKeyFix(tt.fi, pgUser, tt.actor)
			if !errors.Is(f.Err, tt.err) || (tt.err == nil) != (f.Err == nil) {
				t.Fatalf("err = %v, want %v", f.Err, tt.err)
			}
			if f.Needed != tt.needed || f.Chown != tt.chown || (tt.chmod != 0) != f.Chmod || (f.Chmod && f.Mode != tt.chmod) {
				t.Errorf("fix = %+v", f)
			}
			if f.Chown && (f.UID != 101 || f.GID != 104 || f.Owner != "postgres:postgres") {
				t.Errorf("chown to %d:%d %q", f.UID, f.GID, f.Owner)
			}
			if f.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	seen := map[string]bool{}
	for p := NoProblem; p <= Unreadable; p++ {
		s := p.String()
		if s == "unknown" || seen[s] {
			t.Errorf("%d: %q", p, s)
		}
		seen[s] = true
	}
	if Problem(99).String() != "unknown" {
		t.Error("out of range")
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/var/lib/postgresql/15/main/server.key": "/var/lib/postgresql/15/main/server.key",
		"/tmp/my key":                            "'/tmp/my key'",
		"it's":                                   `'it'\''s'`,
		"":                                       "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
