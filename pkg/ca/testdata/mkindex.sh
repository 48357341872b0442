#!/bin/sh
# Makes openssl-index.txt, openssl-serial and openssl-crlnumber: a CA database written
# by openssl ca itself (OpenSSL 3.0), with a certificate revoked for every reason
# openssl knows, a hold instruction, key and CA compromise times, an expiry after
# 2049 (GeneralizedTime), an expired entry, and subjects that need escaping.
# Run from this directory: sh mkindex.sh
set -eu
out=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir newcerts
touch index.txt
echo 01 > serial
echo 10 > crlnumber
cat > ca.cnf <<'CNF'
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
certificate = $dir/ca.crt
private_key = $dir/ca.key
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_days = 365
default_crl_days = 30
policy = policy_any
unique_subject = no
[ policy_any ]
commonName = supplied
organizationName = optional
organizationalUnitName = optional
domainComponent = optional
emailAddress = optional
CNF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -subj "/CN=Index Fixture CA" -days 3650 2>/dev/null

issue() { # name subject [extra ca args...]
	n=$1 subj=$2
	shift 2
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -out "$n.csr" -utf8 -multivalue-rdn -subj "$subj" 2>/dev/null
	openssl ca -batch -config ca.cnf -preserveDN -notext -in "$n.csr" -out "$n.crt" "$@" 2>/dev/null
}

for r in unspecified keyCompromise CACompromise affiliationChanged superseded cessationOfOperation certificateHold removeFromCRL; do
	issue "$r" "/CN=$r"
	openssl ca -config ca.cnf -revoke "$r.crt" -crl_reason "$r" 2>/dev/null
done
issue hold "/CN=hold"
openssl ca -config ca.cnf -revoke hold.crt -crl_hold holdInstructionCallIssuer 2>/dev/null
issue keytime "/CN=keytime"
openssl ca -config ca.cnf -revoke keytime.crt -crl_compromise 20240102030405Z 2>/dev/null
issue cakeytime "/CN=cakeytime"
openssl ca -config ca.cnf -revoke cakeytime.crt -crl_CA_compromise 20240102030405Z 2>/dev/null
issue noreason "/CN=noreason"
openssl ca -config ca.cnf -revoke noreason.crt 2>/dev/null
issue far "/CN=far future" -enddate 20510101000000Z
issue old "/CN=old" -startdate 20200101000000Z -enddate 20210101000000Z
openssl ca -config ca.cnf -updatedb 2>/dev/null
issue odd "/DC=org/DC=Example/O=Zürich  AG/OU=a\+b+CN=x\/y/emailAddress=db@example.org"
issue valid "/CN=still valid"

cp index.txt "$out/openssl-index.txt"
cp serial "$out/openssl-serial"
cp crlnumber "$out/openssl-crlnumber"
cp index.txt.attr "$out/openssl-index.txt.attr"
