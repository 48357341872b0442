package rotate

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pgcert/pgcert/internal/fsutil"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/probe"
)

// What the postmaster logs, at LOG level, when it takes SIGHUP, and when it keeps
// its old SSL setup because the new files failed to load (be-secure-openssl.c,
// postmaster.c): a reload is confirmed or refused by these lines.
const (
	ReloadLogLine      = "received SIGHUP, reloading configuration files"
	NotReloadedLogLine = "SSL configuration was not reloaded"
)

// reloadPoll is how often --reload looks at the server while it waits. The wait is
// for an event (the log line, the new certificate); the deadline (--wait) only
// bounds a server that never shows it.
const reloadPoll = 50 * time.Millisecond

// probeTimeout bounds one probe of the reloading server.
const probeTimeout = 5 * time.Second

// maxLogLines is how many lines of the server log a failed reload quotes.
const maxLogLines = 20

// ReloadReport is what a reload did and saw.
type ReloadReport struct {
	// Running is false when no server runs on the data directory (no
	// postmaster.pid): it will read the new files when it starts.
	Running bool `json:"running"`
	PID     int  `json:"pid,omitempty"`
	// Address is where the server was probed: the first of its listen_addresses
	// and its port, from postmaster.pid.
	Address   string `json:"address,omitempty"`
	Signalled bool   `json:"signalled"`
	// Confirmed is true when the server was seen serving ExpectedSerial after the
	// reload (for a CRL alone: when its log shows the reload, and no rejection).
	Confirmed      bool   `json:"confirmed"`
	ExpectedSerial string `json:"expected_serial,omitempty"`
	ServedSerial   string `json:"served_serial,omitempty"`
	// LogFile is the server log pgcert read, LogWhere where to look for it.
	LogFile  string   `json:"log_file,omitempty"`
	LogWhere string   `json:"log_where,omitempty"`
	LogLines []string `json:"log_lines"`
	Message  string   `json:"message"`
}

// reloader reloads the server running on a data directory and watches it take the
// new files.
type reloader struct {
	opts  *Options
	setup *pgdata.Setup
}

// running reads postmaster.pid; nil when no server runs.
func (rl *reloader) running() (*pgdata.PIDFile, error) {
	pf, err := pgdata.ReadPIDFile(rl.setup.Dir.Dir)
	switch {
	case errors.Is(err, pgdata.ErrNotRunning):
		return nil, nil
	case err != nil:
		return nil, err
	case pf.Standalone:
		return nil, failf([]string{"stop it; a standalone backend does not serve SSL"}, "a standalone backend (postgres --single, pid %d) runs on %s, not a server", pf.PID, rl.setup.Dir.Dir)
	}
	return pf, nil
}

// notRunning is the report for a data directory no server runs on.
func (rl *reloader) notRunning() *ReloadReport {
	return &ReloadReport{LogLines: []string{}, Message: fmt.Sprintf("no server runs on %s (no postmaster.pid): it reads the new files when it starts", rl.setup.Dir.Dir)}
}

// target is where to probe the server: its first listen address (an address of the
// machine itself for "*", as pg_ctl does) and port. ok is false when it listens on
// no TCP address, where SSL is never used.
func target(pf *pgdata.PIDFile) (host string, port int, ok bool) {
	port = pf.Port
	if port == 0 {
		port = probe.DefaultPort
	}
	switch pf.ListenAddr {
	case "":
		return "", 0, false
	case "*", "0.0.0.0":
		return "127.0.0.1", port, true
	case "::":
		return "::1", port, true
	}
	return pf.ListenAddr, port, true
}

// served probes the server and returns the certificate it serves.
func (rl *reloader) served(ctx context.Context, host string, port int) (*x509.Certificate, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	res, err := probe.Probe(ctx, probe.Config{Host: host, Port: port, Timeout: probeTimeout, Dial: rl.opts.Dial})
	if err != nil {
		return nil, err
	}
	if len(res.Chain) == 0 {
		return nil, errors.New("the server sent no certificate")
	}
	return res.Chain[0].Cert, nil
}

// reload signals the server and waits until it serves want (certChanged), or, for a
// change of CRLs alone, until its log shows the reload done without a rejection.
// A rejected reload is an error that quotes the server log; the report is returned
// with it.
func (rl *reloader) reload(pf *pgdata.PIDFile, want *x509.Certificate, certChanged bool) (*ReloadReport, error) {
	rep := &ReloadReport{Running: true, PID: pf.PID, ExpectedSerial: serialOf(want), LogLines: []string{}}
	log := findServerLog(rl.setup, pf.PID)
	rep.LogFile, rep.LogWhere = log.path, log.where
	mark := log.size()
	host, port, tcp := target(pf)
	if tcp {
		rep.Address = net.JoinHostPort(host, strconv.Itoa(port))
	}
	signal := rl.opts.Signal
	if signal == nil {
		signal = sighupPostmaster
	}
	if err := signal(pf.PID); err != nil {
		return rep, err
	}
	rep.Signalled = true
	switch {
	case !tcp:
		rep.Message = fmt.Sprintf("reloaded the server (pid %d); it listens on no TCP address, so it uses no SSL and there is nothing to confirm", pf.PID)
		return rep, nil
	case !certChanged && log.path == "":
		rep.Message = fmt.Sprintf("reloaded the server (pid %d); its certificate is unchanged and pgcert cannot read its log to confirm it took the new CRLs: look in %s for %q", pf.PID, log.where, NotReloadedLogLine)
		rl.opts.warn(rep.Message)
		return rep, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), rl.opts.wait())
	defer cancel()
	var probeErr error
	for {
		// The postmaster logs the reload line first and finishes the reload before it
		// accepts another connection: a probe begun after the line is visible sees
		// the outcome.
		reloaded := strings.Contains(log.since(mark), ReloadLogLine)
		cert, err := rl.served(ctx, host, port)
		probeErr = err
		if cert != nil {
			rep.ServedSerial = serialOf(cert)
		}
		after := log.since(mark)
		refused := strings.Contains(after, NotReloadedLogLine)
		switch {
		case cert != nil && certChanged && cert.Equal(want):
			rep.Confirmed = true
			rep.LogLines = logLines(after)
			rep.Message = fmt.Sprintf("reloaded the server (pid %d): it serves serial %s at %s", pf.PID, rep.ServedSerial, rep.Address)
			if refused {
				// It serves the files on disk already (a rollback to what it runs
				// with), though it could not load them again.
				rl.opts.warn(fmt.Sprintf("the server logged %q, but serves the certificate on disk", NotReloadedLogLine))
			}
			return rep, nil
		case refused:
			return rep, rl.rejected(rep, after, log)
		case cert != nil && reloaded && !certChanged:
			rep.Confirmed = true
			rep.LogLines = logLines(after)
			rep.Message = fmt.Sprintf("reloaded the server (pid %d): its log shows the reload, without a rejection of the new files", pf.PID)
			return rep, nil
		case cert != nil && reloaded:
			return rep, rl.rejected(rep, after, log)
		case reloaded && err != nil:
			return rep, failf([]string{"look at the server log: " + log.where}, "after the reload the server at %s does not serve SSL: %v", rep.Address, err)
		}
		select {
		case <-ctx.Done():
			if !certChanged {
				return rep, failf([]string{"look at the server log: " + log.where},
					"reloaded the server (pid %d), but could not confirm it: it did not log %q within %v", pf.PID, ReloadLogLine, rl.opts.wait())
			}
			if probeErr != nil && rep.ServedSerial == "" {
				return rep, failf([]string{"look at the server log: " + log.where},
					"reloaded the server (pid %d), but could not probe it at %s within %v: %v", pf.PID, rep.Address, rl.opts.wait(), probeErr)
			}
			return rep, rl.rejected(rep, log.since(mark), log)
		case <-time.After(reloadPoll):
		}
	}
}

// rejected is the error of a reload after which the server still serves another
// certificate than the new one, or logged that it kept its old SSL setup.
func (rl *reloader) rejected(rep *ReloadReport, logged string, log serverLog) error {
	rep.LogLines = logLines(logged)
	what := "did not take the new files"
	if strings.Contains(logged, NotReloadedLogLine) {
		what = "rejected the new files"
	}
	if rep.ServedSerial != "" && rep.ServedSerial != rep.ExpectedSerial {
		what += fmt.Sprintf(": it still serves serial %s, not %s", rep.ServedSerial, rep.ExpectedSerial)
	}
	rep.Message = fmt.Sprintf("the server (pid %d) %s", rep.PID, what)
	hints := []string{}
	if len(rep.LogLines) > 0 {
		hints = append(hints, "the server logged, in "+log.where+":")
		for _, l := range rep.LogLines {
			hints = append(hints, "  "+l)
		}
	} else {
		hints = append(hints, fmt.Sprintf("look in the server log (%s) for %q and the line before it", log.where, NotReloadedLogLine))
	}
	hints = append(hints,
		fmt.Sprintf("the new files stay in place (a restart would load them); fix what the log says and rerun with --reload, or put the previous files back: pgcert renew --rollback --reload -D %s", shellWord(rl.setup.Dir.Dir)))
	return &Error{Err: errors.New(rep.Message), Hints: hints}
}

// logLines splits what the server logged into lines, keeping the last maxLogLines.
func logLines(s string) []string {
	lines := []string{}
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimRight(l, "\r"))
		}
	}
	if len(lines) > maxLogLines {
		lines = lines[len(lines)-maxLogLines:]
	}
	return lines
}

// sighupPostmaster sends SIGHUP to pid, what pg_ctl reload does, after making sure
// the process is a PostgreSQL server: a postmaster.pid left by a crashed server may
// name a PID the system has given to another program since.
func sighupPostmaster(pid int) error {
	stale := []string{"postmaster.pid is left from a server that is gone (it crashed?); start the server, and it reads the new files"}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	switch {
	case err == nil:
		name := strings.TrimSpace(string(comm))
		if !strings.HasPrefix(name, "postgres") && !strings.HasPrefix(name, "postmaster") {
			return failf(stale, "postmaster.pid names process %d, which is %s, not a PostgreSQL server", pid, name)
		}
	case errors.Is(err, fs.ErrNotExist):
		if _, perr := os.Stat("/proc/self"); perr == nil {
			return failf(stale, "postmaster.pid names process %d, which does not exist", pid)
		}
	}
	err = syscall.Kill(pid, syscall.SIGHUP)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.EPERM):
		return failf([]string{"run pgcert as root or as the database user, or reload the server yourself: pg_ctl reload -D DIR"},
			"not permitted to signal the server (pid %d)", pid)
	case errors.Is(err, syscall.ESRCH):
		return failf(stale, "postmaster.pid names process %d, which does not exist", pid)
	}
	return fmt.Errorf("signalling the server (pid %d): %w", pid, err)
}

// serverLog is where a running server writes its log.
type serverLog struct {
	path  string // a file pgcert reads; "" when it cannot name one
	where string // where to look, for a person
}

// findServerLog finds the running server's log: with logging_collector, the file
// current_logfiles names in the data directory; otherwise the file the server's
// standard error is open on (pg_ctl -l FILE), which /proc shows.
func findServerLog(s *pgdata.Setup, pid int) serverLog {
	cfg := s.Config
	if set, ok := cfg.Lookup("logging_collector"); ok {
		if on, _ := pgdata.ParseBool(set.Value); on {
			if data, err := fsutil.ReadRegular(filepath.Join(s.Dir.Dir, "current_logfiles"), maxLogRead); err == nil {
				for _, line := range strings.Split(string(data), "\n") {
					if dest, file, ok := strings.Cut(line, " "); ok && dest == "stderr" {
						p := pgdata.Resolve(s.Dir.Dir, strings.TrimSpace(file))
						return serverLog{path: p, where: p}
					}
				}
			}
			dir := "log"
			if set, ok := cfg.Lookup("log_directory"); ok && set.Value != "" {
				dir = set.Value
			}
			return serverLog{where: "the newest file in " + pgdata.Resolve(s.Dir.Dir, dir)}
		}
	}
	if set, ok := cfg.Lookup("log_destination"); ok && !strings.Contains(set.Value, "stderr") {
		return serverLog{where: "the log_destination " + set.Value + " (for syslog: /var/log/syslog or journalctl)"}
	}
	stderr := "the server's standard error (the file of pg_ctl -l, or journalctl -u postgresql under systemd)"
	link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/2", pid))
	switch {
	case err != nil:
		return serverLog{where: stderr}
	case strings.HasPrefix(link, "/") && link != "/dev/null" && !strings.HasSuffix(link, " (deleted)"):
		return serverLog{path: link, where: link}
	case strings.HasPrefix(link, "pipe:"), strings.HasPrefix(link, "socket:"):
		return serverLog{where: "the server's standard error, a pipe to its service manager (journalctl -u postgresql under systemd)"}
	}
	return serverLog{where: stderr + "; it logs nowhere now: set logging_collector = on"}
}

// size is the log's length now, where since starts reading.
func (l serverLog) size() int64 {
	if l.path == "" {
		return 0
	}
	fi, err := os.Stat(l.path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// maxLogRead bounds what since reads of a log that grows while pgcert waits.
const maxLogRead = 1 << 20

// since returns what the server logged after offset mark ("" when the log cannot be
// read). A log that shrank was rotated or truncated: it is read from its start.
func (l serverLog) since(mark int64) string {
	if l.path == "" {
		return ""
	}
	file, err := fsutil.OpenInput(l.path)
	if err != nil {
		return ""
	}
	defer file.Close()
	if fi, err := file.Stat(); err == nil && fi.Size() < mark {
		mark = 0
	}
	if _, err := file.Seek(mark, io.SeekStart); err != nil {
		return ""
	}
	data, _ := io.ReadAll(io.LimitReader(file, maxLogRead))
	return string(data)
}

// reloadAfter reloads the server after a renewal, so that it serves want.
func (r *renewer) reloadAfter(rep *Report, want *x509.Certificate, certChanged bool) (*Report, error) {
	rl := &reloader{opts: r.opts, setup: r.setup}
	pf, err := rl.running()
	if err != nil {
		return rep, err
	}
	if pf == nil {
		rep.Reload = rl.notRunning()
		return rep, nil
	}
	rep.Reload, err = rl.reload(pf, want, certChanged)
	return rep, err
}

// reloadIfStale reloads a server that serves another certificate than the one on
// disk (a renewal without --reload, a reload the server rejected before): nothing
// is due, but the server is behind its files.
func (r *renewer) reloadIfStale(rep *Report) (*Report, error) {
	rl := &reloader{opts: r.opts, setup: r.setup}
	pf, err := rl.running()
	if err != nil || pf == nil {
		if pf == nil && err == nil {
			rep.Reload = rl.notRunning()
		}
		return rep, err
	}
	host, port, tcp := target(pf)
	if !tcp {
		rep.Reload = &ReloadReport{Running: true, PID: pf.PID, LogLines: []string{},
			Message: fmt.Sprintf("the server (pid %d) listens on no TCP address: no reload needed", pf.PID)}
		return rep, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	served, err := rl.served(ctx, host, port)
	if err != nil {
		return rep, withHints(fmt.Errorf("probing the server (pid %d) at %s: %w", pf.PID, net.JoinHostPort(host, strconv.Itoa(port)), err),
			"the files are current; more about the server: pgcert probe "+net.JoinHostPort(host, strconv.Itoa(port)))
	}
	if served.Equal(r.leaf) {
		rep.Reload = &ReloadReport{Running: true, PID: pf.PID, Address: net.JoinHostPort(host, strconv.Itoa(port)), Confirmed: true,
			ExpectedSerial: serialOf(r.leaf), ServedSerial: serialOf(served), LogLines: []string{},
			Message: fmt.Sprintf("the server (pid %d) serves serial %s, the certificate in %s: no reload needed", pf.PID, serialOf(served), r.certFile.Value)}
		return rep, nil
	}
	r.opts.info(fmt.Sprintf("the server (pid %d) serves serial %s, but %s holds %s: reloading it", pf.PID, serialOf(served), r.certFile.Value, serialOf(r.leaf)))
	rep.Action = ActionReloaded
	rep.Reload, err = rl.reload(pf, r.leaf, true)
	return rep, err
}
