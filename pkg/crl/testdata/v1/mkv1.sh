#!/bin/sh
# Makes a version 1 CRL with openssl ca (OpenSSL 3.0), as openssl writes it when the
# configuration has no crl_extensions (and as PostgreSQL's own test suite commits
# them), for the tests of pkg/crl:
#   ca.pem        a root CA (P-256)
#   revoked.pem   a certificate it issued, then revoked (no reason: an entry extension would make it version 2)
#   good.pem      a certificate it issued
#   good.key, revoked.key  their keys (for logins in the end-to-end tests)
#   v1.crl        its version 1 CRL listing revoked.pem, valid until 2036-01-01
# Run from this directory: sh mkv1.sh
set -eu
out=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir newcerts
touch index.txt
echo 1000 > serial

cat > ca.cnf <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $work
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
serial = \$dir/serial
default_md = sha256
default_days = 3650
policy = policy_any
unique_subject = no
[ policy_any ]
commonName = supplied
[ v3_leaf ]
basicConstraints = CA:false
extendedKeyUsage = clientAuth
CNF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
	-subj "/CN=Version 1 CRL Test CA" -days 3650 \
	-addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
for n in revoked good; do
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$n.key" -out "$n.csr" -subj "/CN=$n" 2>/dev/null
	openssl ca -batch -config ca.cnf -extensions v3_leaf -notext -in "$n.csr" -out "$n.pem" 2>/dev/null
done
openssl ca -config ca.cnf -revoke revoked.pem 2>/dev/null
openssl ca -config ca.cnf -gencrl -crl_nextupdate 20360101000000Z -out v1.crl 2>/dev/null
cp ca.pem revoked.pem revoked.key good.pem good.key v1.crl "$out/"
