package cli

import (
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/fakepg"
)

// BenchmarkRenewNothingToDo is the nightly cron run on a data directory with nothing
// due: read the configuration and the files, open the CA, read its indexes.
func BenchmarkRenewNothingToDo(b *testing.B) {
	fx := newRenewFix(b)
	for b.Loop() {
		if _, _, code := fx.run(b, nil, "--within", "1"); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkRenewForce renews the certificate and both CRLs: issue, sign, stage and
// check the new set, swap it with its .prev files.
func BenchmarkRenewForce(b *testing.B) {
	fx := newRenewFix(b)
	for b.Loop() {
		if _, _, code := fx.run(b, nil, "--force"); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkRenewReload renews and reloads a fake postmaster, confirming over the
// protocol that it serves the new certificate.
func BenchmarkRenewReload(b *testing.B) {
	fx := newRenewFix(b, "logging_collector = on")
	fp := fakepg.Start(b, fx.Dir, true)
	adjust := func(o *renewOptions) { o.signal = fp.Sighup; o.Wait = 10 * time.Second }
	for b.Loop() {
		if _, _, code := fx.run(b, adjust, "--force", "--reload"); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
