package probe_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/pgcert/pgcert/internal/pglisten"
	"github.com/pgcert/pgcert/internal/testpki"
	"github.com/pgcert/pgcert/pkg/probe"
)

// BenchmarkProbeAll probes fleets of 100, 1,000 and 5,000 targets on 127.0.0.1 with
// the default parallelism: nine in ten TLS listeners serving a chain that verifies,
// one in twenty answering 'N', one in twenty closed ports. (Stalling targets cost
// their timeout, which would measure the timeout, not the probe.) bench/probe/run.sh
// runs it and prints the time per 1,000 targets.
func BenchmarkProbeAll(b *testing.B) {
	root := testpki.Root(b, "bench root")
	inter := root.Intermediate(b, "bench intermediate")
	leaf := inter.Server(b, "127.0.0.1")
	served := &tls.Certificate{Certificate: [][]byte{leaf.Cert.Raw, inter.Cert.Raw}, PrivateKey: leaf.Key}
	for _, n := range []int{100, 1000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var lim syscall.Rlimit
			if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur < uint64(n)+1024 {
				b.Skipf("open files: soft limit %d; %d listeners need %d", lim.Cur, n, n+1024)
			}
			var targets []probe.Target
			for i := range n {
				kind := pglisten.TLS
				switch i % 20 {
				case 7:
					kind = pglisten.NoSSL
				case 13:
					targets = append(targets, probe.Target{Name: fmt.Sprint(i), Host: fmt.Sprintf("127.0.2.%d", i%250+1), Port: 1})
					continue
				}
				s, err := pglisten.Listen(kind, served)
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { s.Close() })
				targets = append(targets, probe.Target{Name: fmt.Sprint(i), Host: "127.0.0.1", Port: s.Port()})
			}
			opts := probe.FleetOptions{RootFile: "root.crt", Roots: []*x509.Certificate{root.Cert}, Timeout: 10 * time.Second, WarnDays: 30}
			cpu0 := cpuTime(b)
			b.ResetTimer()
			for range b.N {
				rep := probe.ProbeAll(context.Background(), targets, opts)
				if rep.Summary.OK != n*18/20 {
					b.Fatalf("%d of %d ok: %+v", rep.Summary.OK, n, rep.Summary)
				}
			}
			per := float64(b.N) * float64(n) / 1000
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/per, "ms/1000targets")
			// The CPU time, both sides of the handshakes, is what a busy machine's
			// wall time hides.
			b.ReportMetric(float64((cpuTime(b)-cpu0).Milliseconds())/per, "cpu-ms/1000targets")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
