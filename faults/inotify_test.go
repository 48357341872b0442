package faults

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"unsafe"
)

// watcher records, with inotify, every file created below a directory and the mode
// it has when the event is read, and every rename.
type watcher struct {
	fd   int
	dirs map[int32]string // watch descriptor -> directory

	mu      sync.Mutex
	created map[string]os.FileMode // path -> mode seen right after creation
	missed  map[string]bool        // created, gone before it could be looked at
	renamed map[string]string      // new path -> the path it was renamed from

	stopping atomic.Bool
	done     chan struct{}
}

const watchMask = syscall.IN_CREATE | syscall.IN_MOVED_FROM | syscall.IN_MOVED_TO

// watch starts watching root and every directory below it, and the directories
// created later.
func watch(t *testing.T, root string) *watcher {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		t.Fatalf("inotify_init1: %v", err)
	}
	w := &watcher{fd: fd, dirs: map[int32]string{}, created: map[string]os.FileMode{}, missed: map[string]bool{},
		renamed: map[string]string{}, done: make(chan struct{})}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			return w.add(p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	go w.run()
	return w
}

func (w *watcher) add(dir string) error {
	wd, err := syscall.InotifyAddWatch(w.fd, dir, watchMask)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.dirs[int32(wd)] = dir
	w.mu.Unlock()
	return nil
}

// run reads events until stop. A file's mode is taken the moment its creation is
// read: the temporary file of a key is created, written and synced before it is
// renamed, which leaves time to look at it.
func (w *watcher) run() {
	defer close(w.done)
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return
	}
	defer syscall.Close(epfd)
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, w.fd, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(w.fd)}); err != nil {
		return
	}
	buf := make([]byte, 64<<10)
	ready := make([]syscall.EpollEvent, 1)
	cookies := map[uint32]string{}
	for {
		// The wait's timeout only paces the check for stop: the events of a run
		// that has ended are all queued, and are read before stop is seen.
		n, _ := syscall.EpollWait(epfd, ready, 10)
		if n <= 0 {
			if w.stopping.Load() {
				return
			}
			continue
		}
		n, err := syscall.Read(w.fd, buf)
		if err != nil || n <= 0 {
			continue
		}
		for off := 0; off+syscall.SizeofInotifyEvent <= n; {
			ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := string(bytes.TrimRight(buf[off+syscall.SizeofInotifyEvent:off+syscall.SizeofInotifyEvent+int(ev.Len)], "\x00"))
			off += syscall.SizeofInotifyEvent + int(ev.Len)
			w.mu.Lock()
			dir := w.dirs[ev.Wd]
			w.mu.Unlock()
			p := filepath.Join(dir, name)
			switch {
			case ev.Mask&syscall.IN_CREATE != 0 && ev.Mask&syscall.IN_ISDIR != 0:
				w.addTree(p)
			case ev.Mask&syscall.IN_CREATE != 0:
				w.saw(p)
			case ev.Mask&syscall.IN_MOVED_FROM != 0:
				cookies[ev.Cookie] = p
			case ev.Mask&syscall.IN_MOVED_TO != 0:
				w.mu.Lock()
				w.renamed[p] = cookies[ev.Cookie]
				w.mu.Unlock()
			}
		}
	}
}

// addTree watches a directory made during the run, and looks at once at what was
// made in it before the watch: files, and directories, watched in turn.
func (w *watcher) addTree(dir string) {
	w.add(dir)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			w.addTree(p)
		} else {
			w.saw(p)
		}
	}
}

func (w *watcher) saw(p string) {
	fi, err := os.Lstat(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.missed[p] = true
		return
	}
	if fi.Mode().IsRegular() {
		w.created[p] = fi.Mode().Perm()
	}
}

// stop ends the watch once the events of a finished run are all read.
func (w *watcher) stop() {
	w.stopping.Store(true)
	<-w.done
	syscall.Close(w.fd)
}

// origin returns the path a file was first created under: the temporary file it was
// renamed from, following renames back.
func (w *watcher) origin(p string) string {
	for range 10 {
		from, ok := w.renamed[p]
		if !ok || from == "" {
			return p
		}
		p = from
	}
	return p
}

// umaskMu serialises the runs that need umask 0: the umask belongs to the whole test
// process, and a child inherits it.
var umaskMu sync.Mutex

// TestKeysNeverReadableByOthers watches the directories of every command that writes
// a private key while it runs, with umask 0 so that a file is created with exactly
// the mode pgcert asks for. Every key, from the creation of its temporary file on,
// must be readable by its owner only: no group or other bit, ever.
func TestKeysNeverReadableByOthers(t *testing.T) {
	w := world(t)
	observed, missed := 0, 0
	for _, wr := range writers() {
		if len(wr.keys) == 0 {
			continue
		}
		t.Run(wr.name, func(t *testing.T) {
			d := freshWorld(t, w)
			wt := watch(t, d)
			umaskMu.Lock()
			old := syscall.Umask(0)
			r := pgcert(t, wr.args(d)...)
			syscall.Umask(old)
			umaskMu.Unlock()
			wt.stop()
			if r.Code != 0 {
				t.Fatalf("%s", r)
			}
			for _, k := range wr.keys {
				final := filepath.Join(d, k)
				fi, err := os.Stat(final)
				if err != nil {
					t.Fatalf("no key at %s: %v", k, err)
				}
				if fi.Mode().Perm()&0o077 != 0 {
					t.Errorf("%s has mode %04o", k, fi.Mode().Perm())
				}
				start := wt.origin(final)
				mode, ok := wt.created[start]
				switch {
				case ok:
					observed++
					if mode&0o077 != 0 {
						t.Errorf("%s was created as %s with mode %04o: readable by others until it was narrowed", k, filepath.Base(start), mode)
					}
				case wt.missed[start]:
					missed++
				default:
					t.Errorf("no creation of %s was seen (renamed from %q)", k, start)
				}
			}
			// Every temporary file, key or not, starts no more open than its final
			// mode: a key's is 0600.
			for p, mode := range wt.created {
				if strings.HasPrefix(filepath.Base(p), tempPrefix) && mode&0o022 != 0 {
					t.Errorf("%s was created writable by others (%04o)", p, mode)
				}
			}
		})
	}
	t.Logf("the creation of %d keys seen, %d gone before they could be looked at", observed, missed)
	if observed == 0 {
		t.Fatal("the creation of no key was seen: the watch proves nothing")
	}
}
