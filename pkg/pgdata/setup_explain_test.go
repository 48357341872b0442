package pgdata

import (
	"errors"
	"testing"
)

func TestSetupErrorExplain(t *testing.T) {
	inner := errors.New("inner")
	for _, tc := range []struct {
		e    *SetupError
		want string
	}{
		{&SetupError{Kind: SetupDenied, Dir: "/pg", Path: "/etc/pg.conf", Err: inner}, "/etc/pg.conf: permission denied: pgcert cannot read the server's configuration"},
		{&SetupError{Kind: SetupUnreadable, Dir: "/pg", Path: "/pg", Err: inner}, "inner"},
	} {
		if got := tc.e.Explain().Error(); got != tc.want {
			t.Errorf("Explain() = %q, want %q", got, tc.want)
		}
	}
}
