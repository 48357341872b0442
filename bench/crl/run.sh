#!/bin/sh
# CRL generation benchmark: openssl ca -gencrl against pgcert on the same CA and the
# same index of N revoked certificates (default 1,000,000). Prints the medians over
# RUNS runs of each of the wall time, the CPU time (user + system, which a busy
# machine disturbs less) and the peak resident memory.
#
#   sh bench/crl/run.sh                 # from the repository root
#   N=100000 RUNS=3 sh bench/crl/run.sh
#   PGCERT=/path/to/pgcert sh bench/crl/run.sh   # measure an installed binary
#
# The pgcert side is `pgcert crl gen --index --ca-cert --ca-key --crlnumber -o --force`,
# built from this checkout unless PGCERT names a binary. The runs alternate between
# the two tools, so that a machine getting busier or quieter affects both alike.
# Needs openssl, go, and GNU time at /usr/bin/time (Debian package "time").
set -eu

N=${N:-1000000}
RUNS=${RUNS:-5}
KEEP=${KEEP:-}
root=$(cd "$(dirname "$0")/../.." && pwd)

if [ ! -x /usr/bin/time ]; then
	echo "run.sh: /usr/bin/time not found (apt-get install time)" >&2
	exit 1
fi

work=$(mktemp -d)
if [ -z "$KEEP" ]; then
	trap 'rm -rf "$work"' EXIT
else
	echo "work directory: $work"
fi
cd "$work"
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
	-subj "/CN=Benchmark CA" -days 3650 -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
(cd "$root" && go run ./bench/crl/genindex -n "$N" -o "$work/index.txt")
echo "unique_subject = no" > index.txt.attr
cat > ca.cnf <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $work
database = \$dir/index.txt
certificate = \$dir/ca.crt
private_key = \$dir/ca.key
crlnumber = \$dir/crlnumber
default_md = sha256
default_crl_days = 180
crl_extensions = crl_ext
[ crl_ext ]
authorityKeyIdentifier = keyid:always
CNF

if [ -z "${PGCERT:-}" ]; then
	(cd "$root" && go build -o "$work/pgcert" ./cmd/pgcert)
	PGCERT=$work/pgcert
fi
pgcert_cmd="$PGCERT crl gen --index index.txt --ca-cert ca.crt --ca-key ca.key --crlnumber crlnumber -o crl-pgcert.pem --force"
openssl_cmd="openssl ca -config ca.cnf -gencrl -out crl-openssl.pem"

# measure NAME COMMAND: runs COMMAND once, appending a "wall cpu kilobytes" line to
# NAME.txt; a failed run stops the benchmark. The command's words are split by the
# shell, on purpose.
measure() {
	echo 01 > crlnumber
	sync
	# shellcheck disable=SC2086
	if ! /usr/bin/time -f "%e %U %S %M" -o "$1.time" $2 >/dev/null 2>"$1.err"; then
		echo "run.sh: $1 failed:" >&2
		cat "$1.err" >&2
		exit 1
	fi
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$1.time" >> "$1.txt"
}
median() { # column file
	sort -n -k "$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

: > openssl.txt
: > pgcert.txt
i=0
while [ "$i" -lt "$RUNS" ]; do
	measure openssl "$openssl_cmd"
	measure pgcert "$pgcert_cmd"
	i=$((i + 1))
done

for f in crl-openssl.pem crl-pgcert.pem; do
	openssl crl -in "$f" -CAfile ca.crt -noout 2>&1 | grep -q "verify OK" || { echo "$f does not verify" >&2; exit 1; }
done
n_openssl=$(openssl crl -in crl-openssl.pem -noout -text | grep -c "Serial Number:")
n_pgcert=$(openssl crl -in crl-pgcert.pem -noout -text | grep -c "Serial Number:")
if [ "$n_openssl" -ne "$N" ] || [ "$n_pgcert" -ne "$N" ]; then
	echo "run.sh: want $N entries; openssl's CRL has $n_openssl, pgcert's $n_pgcert" >&2
	exit 1
fi

ow=$(median 1 openssl.txt); oc=$(median 2 openssl.txt); om=$(median 3 openssl.txt)
pw=$(median 1 pgcert.txt); pc=$(median 2 pgcert.txt); pm=$(median 3 pgcert.txt)
echo
echo "index: $N revoked entries, $(wc -c < index.txt) bytes; median of $RUNS runs each; load average before: $load"
printf '%-8s %9s %9s %14s %9s %11s\n' tool "wall (s)" "CPU (s)" "peak RSS (MB)" entries "CRL bytes"
printf '%-8s %9s %9s %14s %9s %11s\n' openssl "$ow" "$oc" "$((om / 1024))" "$n_openssl" "$(wc -c < crl-openssl.pem)"
printf '%-8s %9s %9s %14s %9s %11s\n' pgcert "$pw" "$pc" "$((pm / 1024))" "$n_pgcert" "$(wc -c < crl-pgcert.pem)"
awk -v ow="$ow" -v pw="$pw" -v oc="$oc" -v pc="$pc" -v om="$om" -v pm="$pm" 'BEGIN {
	printf "pgcert: %.1fx faster (wall), %.1fx less CPU, %.0f%% of openssl'\''s peak memory\n", ow / pw, oc / pc, 100 * pm / om }'
