#!/bin/sh
# Makes the openssl fixtures pkg/inspect's tests read. Run from this directory with
# openssl 3: sh gen.sh. The tests compare what Describe says about each file with
# what openssl itself prints about it, so the files may be remade at any time.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A root CA and a server certificate with a long serial, SANs of every kind and
# the usual server extensions.
openssl ecparam -name prime256v1 -genkey -out "$tmp/root.key" 2>/dev/null
openssl req -x509 -new -key "$tmp/root.key" -subj "/C=US/O=Inspect Test/CN=Inspect Root" \
	-days 3650 -sha256 -set_serial 4096 \
	-addext "basicConstraints=critical,CA:TRUE,pathlen:1" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem
openssl x509 -in root.pem -text -out root-text.pem
openssl x509 -in root.pem -trustout -addtrust serverAuth -out root-trusted.pem

openssl ecparam -name prime256v1 -genkey -out ec-params.key
openssl req -new -key ec-params.key -subj "/O=Inspect Test/CN=db.example.com" \
	-addext "subjectAltName=DNS:db.example.com,DNS:localhost,IP:127.0.0.1,IP:2001:db8::5,email:dba@example.com,URI:https://db.example.com/" \
	-text -out server.req
openssl req -in server.req -outform DER -out server-req.der
cat > "$tmp/ext.cnf" <<'EXT'
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:db.example.com,DNS:localhost,IP:127.0.0.1,IP:2001:db8::5,email:dba@example.com,URI:https://db.example.com/
EXT
openssl x509 -req -in server.req -CA root.pem -CAkey "$tmp/root.key" -days 825 -sha256 \
	-set_serial 0x7a3f0c5d9e1b2a4c6f8e0d1c2b3a4958 -extfile "$tmp/ext.cnf" -out server.pem 2>/dev/null
openssl x509 -in server.pem -outform DER -out server.der
cat server.pem root.pem > bundle.pem

# A CRL of the root with two entries, one with a reason, made by openssl ca.
mkdir "$tmp/ca"
: > "$tmp/ca/index.txt"
echo 03 > "$tmp/ca/crlnumber"
cat > "$tmp/ca.cnf" <<CNF
[ ca ]
default_ca = test
[ test ]
database = $tmp/ca/index.txt
crlnumber = $tmp/ca/crlnumber
certificate = root.pem
private_key = $tmp/root.key
default_md = sha256
default_crl_days = 30
crl_extensions = crl_ext
[ crl_ext ]
authorityKeyIdentifier = keyid
CNF
openssl ca -config "$tmp/ca.cnf" -revoke server.pem -crl_reason keyCompromise 2>/dev/null
printf 'R\t301231235959Z\t260101000000Z\t0102030405\tunknown\t/CN=old\n' >> "$tmp/ca/index.txt"
openssl ca -config "$tmp/ca.cnf" -gencrl -out root.crl 2>/dev/null
openssl crl -in root.crl -outform DER -out root-crl.der

# Keys: encrypted PKCS#8, a public key in both of openssl's forms.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -aes-256-cbc -pass pass:inspect -out encrypted.key
openssl pkey -in ec-params.key -pubout -out ec-pub.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/rsa.key" 2>/dev/null
openssl rsa -in "$tmp/rsa.key" -RSAPublicKey_out -out rsa-pub.pem 2>/dev/null
