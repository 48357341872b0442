package stepca

import (
	"errors"
	"reflect"
	"testing"

	"github.com/pgcert/pgcert/pkg/hint"
)

func TestHinted(t *testing.T) {
	other := errors.New("other")
	if got := Hinted(other); got != other {
		t.Errorf("Hinted(other) = %v, want it unchanged", got)
	}
	cases := []struct {
		err  error
		want string
	}{
		{&UnreachableError{URL: "https://ca.example:9000/root/abc", Err: other}, "check that step-ca runs there: curl -k https://ca.example:9000/health"},
		{&PasswordError{Provisioner: "admin"}, "check the password source given with --provisioner-pass; only its first line is used"},
		{&UnknownProvisionerError{Name: "x"}, "name one of its JWK provisioners with --provisioner"},
		{&RootMismatchError{URL: "u"}, "check --ca-fingerprint (step certificate fingerprint root_ca.crt) and --ca-url"},
		{&RefusedError{URL: "u", Status: 403}, "step-ca's log says more"},
	}
	for _, c := range cases {
		var he *hint.Error
		got := Hinted(c.err)
		if !errors.As(got, &he) || !reflect.DeepEqual(he.Hints, []string{c.want}) || !errors.Is(got, c.err) {
			t.Errorf("Hinted(%T) = %#v, want the hint %q wrapping the error", c.err, got, c.want)
		}
	}
}
