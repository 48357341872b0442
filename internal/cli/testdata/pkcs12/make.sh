#!/bin/sh
# Makes the PKCS#12 fixtures of internal/cli's PKCS#12 tests with openssl 3:
# a root, an intermediate and a server leaf (ECDSA P-256, valid 100 years), the
# leaf's request, and the leaf with its key and both CAs as PKCS#12 files:
#   modern.p12  openssl's default (PBES2, AES-256-CBC, PBKDF2, HMAC-SHA256 MAC), password "secret"
#   legacy.p12  -legacy (RC2-40 for the certificates, 3DES for the key, SHA-1 MAC), password "secret"
#   empty.p12   the default with an empty password, as many exports have
# Run it in this directory; keys of the CAs are not kept.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >"$t/ca.ext"
printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:db.example.com\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >"$t/leaf.ext"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/root.key" \
	-out root.pem -subj "/CN=P12 Test Root" -days 36500 -addext basicConstraints=critical,CA:true \
	-addext keyUsage=critical,keyCertSign,cRLSign
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/int.key" \
	-out "$t/int.csr" -subj "/CN=P12 Test Intermediate"
openssl x509 -req -in "$t/int.csr" -CA root.pem -CAkey "$t/root.key" -CAcreateserial \
	-CAserial "$t/root.srl" -days 36500 -extfile "$t/ca.ext" -out intermediate.pem
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/leaf.key" \
	-out leaf.req -subj "/CN=db.example.com" -addext subjectAltName=DNS:db.example.com
openssl x509 -req -in leaf.req -CA intermediate.pem -CAkey "$t/int.key" -CAcreateserial \
	-CAserial "$t/int.srl" -days 36500 -extfile "$t/leaf.ext" -out leaf.pem
cat intermediate.pem root.pem >"$t/cas.pem"
openssl pkcs12 -export -inkey "$t/leaf.key" -in leaf.pem -certfile "$t/cas.pem" -passout pass:secret -out modern.p12
openssl pkcs12 -export -legacy -inkey "$t/leaf.key" -in leaf.pem -certfile "$t/cas.pem" -passout pass:secret -out legacy.p12
openssl pkcs12 -export -inkey "$t/leaf.key" -in leaf.pem -certfile "$t/cas.pem" -passout pass: -out empty.p12
