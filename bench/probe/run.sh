#!/bin/sh
# Fleet probe benchmark: pgcert probe's ProbeAll on 100, 1,000 and 5,000 targets on
# 127.0.0.1 (TLS listeners speaking PostgreSQL's SSLRequest with a two-certificate
# ECDSA chain that verifies, one in twenty answering 'N', one in twenty closed ports),
# with the default --parallel. The listeners run in the benchmark's own process, so
# the time includes the servers' side of every handshake. Prints the time per run
# and per 1,000 targets, wall and CPU (user + system, both sides): a flat column is
# linear growth. On a shared machine the CPU column is the one to compare.
#
#   sh bench/probe/run.sh            # from the repository root
#   RUNS=5 sh bench/probe/run.sh     # iterations of each size (default 3)
#
# 5,000 listeners need about 6,000 open files: the script raises the soft limit
# when the hard one allows.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ulimit -n 8192 2>/dev/null || true
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), open files: $(ulimit -n), cpus: $(nproc)"
go test ./pkg/probe/ -run '^$' -bench 'BenchmarkProbeAll' -benchtime "${RUNS:-3}x" |
	awk '/^Benchmark/ {
		n = split($1, p, "/"); size = p[n]; sub(/-[0-9]+$/, "", size)
		cpu = ""
		for (i = 4; i < NF; i++) if ($(i + 1) == "cpu-ms/1000targets") cpu = $i
		printf "%-26s %6d targets %8.0f ms/run %6.0f ms per 1,000 targets (CPU %s ms)\n", $1, size, $3 / 1e6, $3 / 1e3 / size, cpu
	}'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
