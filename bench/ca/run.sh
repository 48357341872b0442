#!/bin/sh
# CA directory benchmark: pgcert against openssl ca on the same CA directory holding N
# certificates (every tenth revoked), for each of sizes SIZES (default "10000 100000
# 1000000"): sign a request, revoke a certificate, make the CRL, and list the index
# (pgcert only: openssl has no listing). Prints, per size and operation, the median
# wall time, CPU time (user + system) and peak resident memory over RUNS runs
# (default 3), the runs of the two tools alternating so that a machine getting busier
# affects both alike. On a shared machine compare the CPU times: the wall times then
# mostly measure the wait for a CPU.
#
#   sh bench/ca/run.sh                      # from the repository root
#   SIZES="1000 10000" RUNS=5 sh bench/ca/run.sh
#
# The CA directory is made by pgcert ca init and grown by bench/ca/fill (copies in
# newcerts/ are hard links to one file). openssl works on it through the openssl.cnf
# pgcert writes there. Needs openssl, go, and GNU time at /usr/bin/time.
set -eu

SIZES=${SIZES:-"10000 100000 1000000"}
RUNS=${RUNS:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time not found (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/pgcert" ./cmd/pgcert && go build -o "$work/fill" ./bench/ca/fill)
pgcert=$work/pgcert
cd "$work"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout req.key -out req.csr -subj "/CN=bench" 2>/dev/null
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

# measure NAME COMMAND...: runs the command once from the CA directory, appending
# "seconds kilobytes cpu-seconds" to NAME.txt.
measure() {
	name=$1
	shift
	if ! (cd ca && /usr/bin/time -f "%e %M %U %S" -o "$work/t" "$@" >/dev/null 2>"$work/err"); then
		echo "run.sh: $name failed:" >&2
		cat "$work/err" >&2
		exit 1
	fi
	awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' t >> "$name.txt"
}
median() { # column file
	sort -n -k "$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

printf '%-9s %-9s %9s %9s %9s %9s %9s %9s\n' N operation pgcert_s cpu_s MB openssl_s cpu_s MB
for n in $SIZES; do
	rm -rf ca ./*.txt
	PGCERT_CA_DIR=$work/ca "$pgcert" ca init --no-input --cn "Bench CA" >/dev/null
	./fill -dir ca -n "$n"
	for r in $(seq "$RUNS"); do
		measure pgcert-sign "$pgcert" ca sign ../req.csr --ca-dir . --profile client -o ../p.crt --force
		measure openssl-sign openssl ca -batch -config openssl.cnf -extensions pgcert_client -in ../req.csr -out ../o.crt
		# each tool revokes the certificate it just signed: the copies fill links in
		# newcerts/ are all one certificate, which openssl would revoke by its serial.
		measure pgcert-revoke "$pgcert" ca revoke --ca-dir . --cert ../p.crt
		measure openssl-revoke openssl ca -config openssl.cnf -revoke ../o.crt
		measure pgcert-crl "$pgcert" crl gen --ca-dir . -o ../p.crl --force
		measure openssl-crl openssl ca -config openssl.cnf -gencrl -out ../o.crl
		measure pgcert-list "$pgcert" ca list --ca-dir .
	done
	for op in sign revoke crl list; do
		ps=$(median 1 "pgcert-$op.txt"); pm=$(median 2 "pgcert-$op.txt"); pc=$(median 3 "pgcert-$op.txt")
		if [ -f "openssl-$op.txt" ]; then
			os=$(median 1 "openssl-$op.txt"); om=$(median 2 "openssl-$op.txt"); oc=$(median 3 "openssl-$op.txt")
		else
			os=-; om=0; oc=-
		fi
		printf '%-9s %-9s %9s %9s %9d %9s %9s %9d\n' "$n" "$op" "$ps" "$pc" $((pm / 1024)) "$os" "$oc" $((om / 1024))
	done
done
