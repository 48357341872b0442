#!/bin/sh
# Makes the certificate requests pkg/selfsign's tests read, with the real
# openssl (3.0 when these were made). Run from this directory; commit the
# output. The keys are test keys, used for nothing else.
set -eu

cat > req.cnf <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = db.example.com
CNF

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key

# The PostgreSQL manual's request: PEM with openssl's text dump before it.
openssl req -new -config req.cnf -key ec.key -text \
	-subj "/C=US/ST=California/O=Acme, Inc./OU=DB+CN=db.example.com" \
	-addext "subjectAltName=DNS:db.example.com,IP:10.0.0.5" -out ec-text.csr
# The "NEW CERTIFICATE REQUEST" header of openssl req -newhdr.
openssl req -new -config req.cnf -key ec.key -newhdr -out ec-newhdr.csr
# DER.
openssl req -new -config req.cnf -key ec.key -outform DER -out ec.der
# A request asking to be a CA, which pgcert must not honour.
openssl req -new -config req.cnf -key ec.key -subj "/CN=wannabe-ca" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" \
	-addext "extendedKeyUsage=codeSigning" -out ec-ca.csr
# An RSA request signed with SHA-1, which pgcert refuses.
openssl req -new -config req.cnf -key rsa.key -sha1 -out rsa-sha1.csr
# A request for a 512-bit RSA key, far under what pgcert certifies (and under
# the 1024 bits Go verifies a signature with).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 -out rsa512.key
openssl req -new -config req.cnf -key rsa512.key -out rsa512.csr
rm rsa512.key
# An RSA-PSS key, its request and a self-signed certificate, as openssl makes
# them by default: the signatures carry the longest salt (222 bytes), not the
# 32 bytes crypto/x509 knows.
openssl genpkey -algorithm RSA-PSS -out rsa-pss.key
openssl req -new -config req.cnf -key rsa-pss.key -out rsa-pss.csr
openssl req -x509 -config req.cnf -key rsa-pss.key -days 36500 \
	-addext "subjectAltName=DNS:db.example.com" -out rsa-pss.crt

rm req.cnf
