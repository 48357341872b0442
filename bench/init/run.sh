#!/bin/sh
# Bootstrap benchmark: pgcert init against the openssl command sequence that makes the
# same files, side by side. Prints the median wall time of RUNS runs of each side and
# the ratio of the medians, for ECDSA P-256 keys and for RSA 2048.
#
#   sh bench/init/run.sh                  # from the repository root
#   RUNS=11 TYPES=ec sh bench/init/run.sh
#   PGCERT=/path/to/pgcert sh bench/init/run.sh   # measure an installed binary
#
# Both sides make: a root CA, an intermediate CA signed by it (pathlen 0), a server key
# and certificate with DNS SANs signed by the intermediate, server.crt as leaf +
# intermediate + root, root.crt, two client keys and certificates (CN alice and bob,
# clientAuth) with their chains, and a CRL for each CA. The openssl side revokes bob and
# makes both CRLs with openssl ca -gencrl. pgcert is measured twice: "init" is one
# `pgcert init --intermediate --client alice --client bob`; "init+revoke" adds
# `pgcert ca revoke` of bob and the CRL refresh (`pgcert crl gen`, or `pgcert init
# --force` where crl gen is missing), the complete equivalent of the openssl side. The runs alternate between the sides, so that a
# machine getting busier or quieter affects both alike.
set -eu

RUNS=${RUNS:-7}
TYPES=${TYPES:-ec rsa}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "${PGCERT:-}" ]; then
	(cd "$root" && go build -o "$work/pgcert" ./cmd/pgcert)
	PGCERT=$work/pgcert
fi

now_ms() { date +%s%N | cut -c1-13; }

# ca_section NAME DIR DAYS: the openssl ca section of one CA of openssl_side.
ca_section() {
	cat <<SECTION
[ $1 ]
dir = $2
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
certificate = \$dir/ca.crt
private_key = \$dir/ca.key
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_days = $3
default_crl_days = 180
policy = pol
unique_subject = no
crl_extensions = crl_ext
SECTION
}

# openssl_side TYPE DIR: the manual's openssl route to the same files.
openssl_side() {
	if [ "$1" = ec ]; then newkey="-newkey ec -pkeyopt ec_paramgen_curve:P-256"; else newkey="-newkey rsa:2048"; fi
	d=$2
	mkdir -p "$d/pgdata" "$d/alice" "$d/bob"
	for ca in root inter; do
		mkdir -p "$d/$ca/newcerts"
		: >"$d/$ca/index.txt"
		echo 01 >"$d/$ca/crlnumber"
	done
	{
		printf '[ ca ]\ndefault_ca = root_ca\n'
		ca_section root_ca "$d/root" 1825
		ca_section inter_ca "$d/inter" 825
		cat <<CNF
[ pol ]
commonName = supplied
[ v3_inter ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:db.example.com, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ crl_ext ]
authorityKeyIdentifier = keyid:always
CNF
	} >"$d/ca.cnf"
	openssl req -x509 $newkey -nodes -keyout "$d/root/ca.key" -out "$d/root/ca.crt" -subj "/CN=Bench Root CA" -days 3650 \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:1" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	openssl rand -hex 20 >"$d/root/serial"
	openssl rand -hex 20 >"$d/inter/serial"
	openssl req -new $newkey -nodes -keyout "$d/inter/ca.key" -out "$d/inter.csr" -subj "/CN=Bench Intermediate CA" 2>/dev/null
	openssl ca -batch -notext -config "$d/ca.cnf" -name root_ca -extensions v3_inter -in "$d/inter.csr" -out "$d/inter/ca.crt" 2>/dev/null
	openssl req -new $newkey -nodes -keyout "$d/pgdata/server.key" -out "$d/server.csr" -subj "/CN=db.example.com" 2>/dev/null
	openssl ca -batch -notext -config "$d/ca.cnf" -name inter_ca -extensions server -in "$d/server.csr" -out "$d/server-leaf.crt" 2>/dev/null
	cat "$d/server-leaf.crt" "$d/inter/ca.crt" "$d/root/ca.crt" >"$d/pgdata/server.crt"
	cp "$d/root/ca.crt" "$d/pgdata/root.crt"
	chmod 600 "$d/pgdata/server.key"
	for u in alice bob; do
		openssl req -new $newkey -nodes -keyout "$d/$u/postgresql.key" -out "$d/$u.csr" -subj "/CN=$u" 2>/dev/null
		openssl ca -batch -notext -config "$d/ca.cnf" -name inter_ca -extensions client -in "$d/$u.csr" -out "$d/$u-leaf.crt" 2>/dev/null
		cat "$d/$u-leaf.crt" "$d/inter/ca.crt" >"$d/$u/postgresql.crt"
		cp "$d/root/ca.crt" "$d/$u/root.crt"
		chmod 600 "$d/$u/postgresql.key"
	done
	openssl ca -config "$d/ca.cnf" -name inter_ca -revoke "$d/bob-leaf.crt" 2>/dev/null
	openssl ca -config "$d/ca.cnf" -name inter_ca -gencrl -out "$d/inter.crl" 2>/dev/null
	openssl ca -config "$d/ca.cnf" -name root_ca -gencrl -out "$d/root.crl" 2>/dev/null
	cat "$d/inter.crl" "$d/root.crl" >"$d/pgdata/root.crl"
}

pgcert_init() {
	"$PGCERT" init -q -D "$2/pgdata" --ca-dir "$2/ca" --type "$1" --intermediate \
		--host db.example.com --host localhost --client alice --client bob >/dev/null
}

# The CRL refresh after the revocation: pgcert crl gen when this pgcert has it, else a
# rerun of pgcert init --force (which also renews the server certificate).
if "$PGCERT" crl gen --help 2>/dev/null | grep -q 'pgcert crl gen'; then
	refresh=crl
else
	refresh=init
fi

pgcert_full() {
	pgcert_init "$1" "$2"
	"$PGCERT" ca revoke -q --ca-dir "$2/ca" --cert "$2/ca/clients/bob/postgresql.crt" >/dev/null
	if [ $refresh = crl ]; then
		"$PGCERT" crl gen -q --ca-dir "$2/ca" -o "$2/pgdata/root.crl" --force >/dev/null
	else
		"$PGCERT" init -q -D "$2/pgdata" --ca-dir "$2/ca" --type "$1" --host db.example.com --host localhost --force >/dev/null
	fi
}

# timed NAME CMD...: runs CMD in a fresh directory and appends its time to $work/NAME.
timed() {
	name=$1
	shift
	d=$work/run
	rm -rf "$d"
	mkdir -p "$d"
	start=$(now_ms)
	"$@" "$d"
	end=$(now_ms)
	echo $((end - start)) >>"$work/$name"
}

median() { sort -n "$1" | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

echo "$(nproc) CPUs, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for type in $TYPES; do
	rm -f "$work/openssl" "$work/init" "$work/full"
	i=0
	while [ $i -lt "$RUNS" ]; do
		timed openssl openssl_side "$type"
		timed init pgcert_init "$type"
		timed full pgcert_full "$type"
		i=$((i + 1))
	done
	o=$(median "$work/openssl")
	p=$(median "$work/init")
	f=$(median "$work/full")
	label=ECDSA
	[ "$type" = rsa ] && label="RSA 2048"
	echo "$label, $RUNS runs, median wall time:"
	echo "  openssl sequence     $o ms"
	echo "  pgcert init          $p ms   ($(awk "BEGIN { printf \"%.1f\", $o / ($p > 0 ? $p : 1) }")x faster)"
	echo "  pgcert init+revoke   $f ms   ($(awk "BEGIN { printf \"%.1f\", $o / ($f > 0 ? $f : 1) }")x faster; CRL refresh by $refresh)"
done
