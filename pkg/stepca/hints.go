package stepca

import (
	"errors"
	"net/url"

	"github.com/pgcert/pgcert/internal/words"
	"github.com/pgcert/pgcert/pkg/hint"
)

// Hinted returns err with what a person can do about it when it is one of this
// package's errors (a hint.Error), else err unchanged: the remedies name the
// command-line flags pgcert's commands give a step-ca with.
func Hinted(err error) error {
	var ue *UnreachableError
	var pe *PasswordError
	var up *UnknownProvisionerError
	var rm *RootMismatchError
	var re *RefusedError
	switch {
	case errors.As(err, &ue):
		health := ue.URL
		if u, perr := url.Parse(ue.URL); perr == nil {
			health = u.Scheme + "://" + u.Host + "/health"
		}
		// -k: this only asks whether step-ca answers; pgcert checks the trust.
		return hint.With(err, "check that step-ca runs there: curl -k "+words.ShellWord(health))
	case errors.As(err, &pe):
		return hint.With(err, "check the password source given with --provisioner-pass; only its first line is used")
	case errors.As(err, &up):
		return hint.With(err, "name one of its JWK provisioners with --provisioner")
	case errors.As(err, &rm):
		return hint.With(err, "check --ca-fingerprint (step certificate fingerprint root_ca.crt) and --ca-url")
	case errors.As(err, &re):
		return hint.With(err, "step-ca's log says more")
	}
	return err
}
