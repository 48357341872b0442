package cmdutil

import (
	"crypto"
	"fmt"

	"github.com/pgcert/pgcert/pkg/bootstrap"
	"github.com/pgcert/pgcert/pkg/keys"
)

// GenerateKey makes a key, with a spinner on a terminal for the slow kinds: RSA,
// and at once for RSA 4096, which always takes long (a second on average, several
// at times).
func (f *Factory) GenerateKey(opts keys.GenerateOptions) (crypto.Signer, error) {
	opts.Rand = f.Rand
	if opts.Type == keys.TypeRSA || opts.Type == keys.TypeRSAPSS {
		start := f.IO.StartProgress
		if opts.Bits >= 4096 {
			start = f.IO.StartSlowProgress
		}
		stop := start(fmt.Sprintf("generating an RSA %d key", opts.Bits))
		defer stop()
	}
	k, err := keys.Generate(opts)
	return k, bootstrap.GenerateError(err)
}
