package pgtest

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// logPoll is how often the log is read while waiting for a line. The wait is for an
// event, not a measure of time: the deadline only bounds a server that never logs it.
const logPoll = 20 * time.Millisecond

// Log returns the whole server log.
func (c *Cluster) Log() string {
	b, _ := os.ReadFile(c.LogFile)
	return string(b)
}

// LogMark returns the current length of the server log, to pass to LogSince or
// WaitForLogSince so that they look only at what is logged from now on.
func (c *Cluster) LogMark() int {
	fi, err := os.Stat(c.LogFile)
	if err != nil {
		return 0
	}
	return int(fi.Size())
}

// LogSince returns what the server logged after mark (from LogMark).
func (c *Cluster) LogSince(mark int) string {
	s := c.Log()
	if mark > len(s) {
		return ""
	}
	return s[mark:]
}

// WaitForLog waits until the server log contains substr, for at most timeout.
func (c *Cluster) WaitForLog(substr string, timeout time.Duration) error {
	return c.WaitForLogSince(0, substr, timeout)
}

// WaitForLogSince waits until what the server logged after mark contains substr, for at
// most timeout; on failure the error quotes what it logged.
func (c *Cluster) WaitForLogSince(mark int, substr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		log := c.LogSince(mark)
		if strings.Contains(log, substr) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: the server did not log %q within %v; it logged:\n%s", substr, timeout, tail(log, 8<<10))
		}
		time.Sleep(logPoll)
	}
}
