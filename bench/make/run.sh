#!/bin/sh
# PostgreSQL's SSL test files two ways: `pgcert make -f examples/postgres-ssl.yaml`
# against `make -f sslfiles.mk sslfiles` with openssl, the way src/test/ssl builds
# them. Both start from nothing on every run (no key is reused), the runs alternate
# between the sides so that a machine getting busier or quieter affects both alike,
# and the script prints the median wall time of RUNS runs of each and the ratio.
#
#   sh bench/make/run.sh                     # from anywhere in the repository
#   RUNS=9 sh bench/make/run.sh
#   PGCERT=/path/to/pgcert sh bench/make/run.sh
#
# sslfiles.mk and conf/ are copies of PostgreSQL's src/test/ssl files (see
# LICENSE.postgresql); this sslfiles.mk also makes server-cn-only+server_ca.crt,
# one `cat` more than the 58 files of PostgreSQL 15 that the spec makes.
set -eu

RUNS=${RUNS:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "${PGCERT:-}" ]; then
	(cd "$root" && go build -o "$work/pgcert" ./cmd/pgcert)
	PGCERT=$work/pgcert
fi

now_ms() { date +%s%N | cut -c1-13; }

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

: >"$work/pgcert.times"
: >"$work/make.times"
i=1
while [ "$i" -le "$RUNS" ]; do
	d=$work/make-$i
	mkdir -p "$d/ssl"
	cp -r "$here/sslfiles.mk" "$here/conf" "$d/"
	t0=$(now_ms)
	(cd "$d" && make -s -f sslfiles.mk sslfiles OPENSSL=openssl >/dev/null 2>&1)
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$work/make.times"

	t0=$(now_ms)
	"$PGCERT" make -f "$root/examples/postgres-ssl.yaml" -o "$work/pgcert-$i" >/dev/null
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$work/pgcert.times"
	rm -rf "$d" "$work/pgcert-$i"
	i=$((i + 1))
done

m=$(median <"$work/make.times")
p=$(median <"$work/pgcert.times")
echo "make -f sslfiles.mk sslfiles: median $m ms ($(tr '\n' ' ' <"$work/make.times")ms)"
echo "pgcert make:                  median $p ms ($(tr '\n' ' ' <"$work/pgcert.times")ms)"
awk -v m="$m" -v p="$p" 'BEGIN { printf "ratio: %.1fx\n", m / p }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
