package ca

import (
	"errors"
	"testing"

	"github.com/pgcert/pgcert/pkg/crl"
	"github.com/pgcert/pgcert/pkg/hint"
)

func TestCRLFilesExplainNamesTheFileAtFault(t *testing.T) {
	files := CRLFiles{Serials: "revoked.txt", CACert: "ca.crt", CAKey: "ca.key"}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&IndexScanError{Err: errors.New("line 2: bad serial")}, "revoked.txt: line 2: bad serial; nothing was written"},
		{crl.ErrNotCRLSigner, "ca.crt: " + crl.ErrNotCRLSigner.Error()},
		{crl.ErrUnsupportedKey, "ca.key: " + crl.ErrUnsupportedKey.Error()},
	} {
		err := files.Explain(tc.err)
		if err.Error() != tc.want {
			t.Errorf("Explain(%v) = %q, want %q", tc.err, err, tc.want)
		}
	}
	var h *hint.Error
	if !errors.As(files.Explain(&IndexScanError{Err: errors.New("x")}), &h) || len(h.Hints) != 1 {
		t.Errorf("a bad serials line has no hint")
	}
}
