#!/bin/sh
# Makes CRLs with openssl ca (OpenSSL 3.0) for the tests of pkg/crl:
#   root.pem, inter.pem              a root CA and an intermediate CA it signed
#   root-1.crl, root-2.crl           two empty CRLs of the root, numbers 1 and 2
#   inter.crl                        the intermediate's CRL: one certificate revoked
#                                    for every reason openssl knows, a hold
#                                    instruction, key and CA compromise times, one
#                                    without a reason
#   inter-text.crl                   inter.crl as `openssl crl -text` prints it
#   inter.der                        inter.crl in DER
# The CRLs are valid from the moment they are made to 2036-01-01.
# Run from this directory: sh mkcrls.sh
set -eu
out=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

config() { # name
	mkdir -p "$1/newcerts"
	touch "$1/index.txt"
	echo 01 > "$1/serial"
	echo 01 > "$1/crlnumber"
	cat > "$1/ca.cnf" <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $work/$1
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_days = 3650
policy = policy_any
unique_subject = no
copy_extensions = none
crl_extensions = crl_ext
[ policy_any ]
commonName = supplied
[ crl_ext ]
authorityKeyIdentifier = keyid:always
[ v3_ca ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_leaf ]
basicConstraints = CA:false
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
}

gencrl() { # ca out
	openssl ca -config "$1/ca.cnf" -gencrl -crl_nextupdate 20360101000000Z -out "$2" 2>/dev/null
}

config root
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root/ca.key -out root/ca.pem \
	-subj "/O=pgcert tests/CN=Fixture Root CA" -days 3650 -config root/ca.cnf -extensions v3_ca 2>/dev/null
config inter
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout inter/ca.key -out inter/ca.csr \
	-subj "/O=pgcert tests/CN=Fixture Intermediate CA" 2>/dev/null
openssl ca -batch -config root/ca.cnf -extensions v3_ca -notext -in inter/ca.csr -out inter/ca.pem 2>/dev/null

revoke() { # name [revoke args...]
	n=$1
	shift
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -out "$n.csr" -subj "/CN=$n" 2>/dev/null
	openssl ca -batch -config inter/ca.cnf -extensions v3_leaf -notext -in "$n.csr" -out "$n.pem" 2>/dev/null
	openssl ca -config inter/ca.cnf -revoke "$n.pem" "$@" 2>/dev/null
}
for r in unspecified keyCompromise CACompromise affiliationChanged superseded cessationOfOperation certificateHold removeFromCRL; do
	revoke "$r" -crl_reason "$r"
done
revoke hold -crl_hold holdInstructionReject
revoke keytime -crl_compromise 20250102030405Z
revoke cakeytime -crl_CA_compromise 20250102030405Z
revoke noreason

gencrl root "$out/root-1.crl"
gencrl root "$out/root-2.crl"
gencrl inter "$out/inter.crl"
openssl crl -in "$out/inter.crl" -text > "$out/inter-text.crl"
openssl crl -in "$out/inter.crl" -outform DER -out "$out/inter.der"
cp root/ca.pem "$out/root.pem"
cp inter/ca.pem "$out/inter.pem"
