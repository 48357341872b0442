#!/bin/sh
# Makes the openssl-written fixtures of pkg/chain's tests. Run from this directory with
# openssl 3: sh gen.sh
#
#   root.pem, root.der     a self-signed root (ECDSA P-256), PEM and DER
#   root-text.pem          the same with `openssl x509 -text` output around it
#   root-trusted.pem       a TRUSTED CERTIFICATE block (trust settings after the cert)
#   root-reissued.pem      the root re-issued: same name and key, another serial
#   inter.pem              an intermediate whose authorityKeyIdentifier carries the
#                          root's key id, issuer name and serial (keyid:always,issuer:always)
#   leaf.pem               a server certificate under the intermediate
#   bundle.pem             leaf, intermediate, root with text around, as an admin pastes them
#   inter-sha1.pem         an intermediate the root signed with ECDSA-SHA1
#   leaf-sha1.pem          a server certificate under it (signed with SHA-256)
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/ext.cnf" <<'CNF'
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always, issuer:always
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:db.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/root.key"
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/inter.key"
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/leaf.key"

openssl req -new -key "$tmp/root.key" -subj "/O=pgcert fixtures/CN=Fixture Root" -out "$tmp/root.csr"
openssl x509 -req -in "$tmp/root.csr" -key "$tmp/root.key" -days 36500 -set_serial 1 \
	-extfile "$tmp/ext.cnf" -extensions root -out root.pem
openssl x509 -req -in "$tmp/root.csr" -key "$tmp/root.key" -days 36500 -set_serial 2 \
	-extfile "$tmp/ext.cnf" -extensions root -out root-reissued.pem
openssl x509 -in root.pem -outform DER -out root.der
openssl x509 -in root.pem -text -out root-text.pem
openssl x509 -in root.pem -trustout -addtrust serverAuth -addreject emailProtection -out root-trusted.pem

openssl req -new -key "$tmp/inter.key" -subj "/O=pgcert fixtures/CN=Fixture Inter" -out "$tmp/inter.csr"
openssl x509 -req -in "$tmp/inter.csr" -CA root.pem -CAkey "$tmp/root.key" -days 36500 -set_serial 10 \
	-extfile "$tmp/ext.cnf" -extensions inter -out inter.pem

openssl req -new -key "$tmp/leaf.key" -subj "/O=pgcert fixtures/CN=db.example.com" -out "$tmp/leaf.csr"
openssl x509 -req -in "$tmp/leaf.csr" -CA inter.pem -CAkey "$tmp/inter.key" -days 36500 -set_serial 100 \
	-extfile "$tmp/ext.cnf" -extensions leaf -out leaf.pem

openssl req -new -key "$tmp/inter.key" -subj "/O=pgcert fixtures/CN=Fixture SHA-1 Inter" -out "$tmp/inter-sha1.csr"
openssl x509 -req -in "$tmp/inter-sha1.csr" -CA root.pem -CAkey "$tmp/root.key" -days 36500 -set_serial 11 -sha1 \
	-extfile "$tmp/ext.cnf" -extensions inter -out inter-sha1.pem
openssl x509 -req -in "$tmp/leaf.csr" -CA inter-sha1.pem -CAkey "$tmp/inter.key" -days 36500 -set_serial 101 \
	-extfile "$tmp/ext.cnf" -extensions leaf -out leaf-sha1.pem

{
	echo "Our server certificate, as the CA sent it:"
	openssl x509 -in leaf.pem -text
	echo
	echo "Intermediate:"
	cat inter.pem
	echo "and the root"
	cat root-text.pem
} >bundle.pem
