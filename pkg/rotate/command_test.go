package rotate

import (
	"errors"
	"testing"
	"time"
)

func TestCommandString(t *testing.T) {
	c := Command{DataDir: "/pg", CADir: "/ca", Days: 90, Force: true, Rekey: true, PassIn: "env:X", Wait: time.Minute, AllowOutside: []string{"/a b"}}
	want := "pgcert renew -D /pg --ca-dir /ca --days 90 --force --rekey --passin env:X --wait 1m0s --allow-outside '/a b'"
	if got := c.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	c.Rollback = true
	if got, want := c.String(), "pgcert renew -D /pg --rollback --wait 1m0s --allow-outside '/a b'"; got != want {
		t.Errorf("rollback String() = %q, want %q", got, want)
	}
}

func TestExplainOutsideLeavesOtherErrors(t *testing.T) {
	other := errors.New("other")
	if got := ExplainOutside(other, Command{}); got != other {
		t.Errorf("ExplainOutside(other) = %v, want it unchanged", got)
	}
	allowed := make([]string, 1, 4)
	ExplainOutside(&OutsideError{Paths: []string{"/y"}, Reasons: []string{"r"}}, Command{AllowOutside: allowed})
	if spare := allowed[:2]; spare[1] != "" {
		t.Errorf("ExplainOutside wrote into the caller's list: %q", spare)
	}
}
