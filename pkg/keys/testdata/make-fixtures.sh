#!/bin/sh
# Regenerates the key fixtures of pkg/keys with real OpenSSL 3 (and ssh-keygen for the
# one OpenSSH key). Every file is made by the tools, never by pgcert, so the tests prove
# that pgcert reads what the outside world writes.
#
# Usage: sh make-fixtures.sh   (from any directory; writes next to this script)
#
# Naming: <key>.<container>[.<encryption>].<pem|der>; <key>.pub.pem is the public key
# of <key> as `openssl pkey -pubout` prints it, which the tests compare against.
# Every encrypted fixture uses the passphrase "pgcert-test" unless its name says utf8,
# where it is "pässwörd-ü" (UTF-8), or latin1, where it is "p\344ss-latin1" (the byte
# 0xE4, not valid UTF-8).
set -eu
cd "$(dirname "$0")"

PASS=pgcert-test
UPASS='pässwörd-ü'
LPASS=$(printf 'p\344ss-latin1')
LEGACY="-provider legacy -provider default"

rm -f ./*.pem ./*.der ./*.p12 ./*.txt ./*.tmp ./id_ed25519 ./id_ed25519.pub

openssl version > openssl-version.txt

# Base keys, written as unencrypted PKCS#8 PEM by genpkey.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec-p256.pkcs8.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec-p384.pkcs8.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out ec-p521.pkcs8.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa-2048.pkcs8.pem 2>/dev/null
openssl genpkey -algorithm ED25519 -out ed25519.pkcs8.pem
for k in ec-p256 ec-p384 ec-p521 rsa-2048 ed25519; do
	openssl pkey -in $k.pkcs8.pem -pubout -out $k.pub.pem
done

# Unencrypted containers: PKCS#8 DER, PKCS#1 and SEC1 in PEM and DER. (openssl 3.0's
# `pkey -outform DER` writes PKCS#1/SEC1, not PKCS#8, hence pkcs8 -topk8 -nocrypt.)
for k in ec-p256 rsa-2048 ed25519; do
	openssl pkcs8 -topk8 -nocrypt -in $k.pkcs8.pem -outform DER -out $k.pkcs8.der
done
openssl pkey -in ec-p256.pkcs8.pem -traditional -out ec-p256.sec1.pem
openssl ec -in ec-p256.pkcs8.pem -outform DER -out ec-p256.sec1.der 2>/dev/null
openssl pkey -in ec-p384.pkcs8.pem -traditional -out ec-p384.sec1.pem
openssl pkey -in rsa-2048.pkcs8.pem -traditional -out rsa-2048.pkcs1.pem
openssl rsa -in rsa-2048.pkcs8.pem -traditional -outform DER -out rsa-2048.pkcs1.der 2>/dev/null
# The manual's recipe: an "EC PARAMETERS" block before the "EC PRIVATE KEY" block.
openssl ecparam -genkey -name prime256v1 -out ecparam-genkey.sec1.pem
openssl pkey -in ecparam-genkey.sec1.pem -pubout -out ecparam-genkey.pub.pem

# PKCS#8 PBES2 with PBKDF2: every PRF, every supported cipher.
p8() { # key out args...
	k=$1 out=$2
	shift 2
	openssl pkcs8 -topk8 -in $k.pkcs8.pem -passout "pass:$PASS" -out "$out" "$@"
}
p8 ec-p256 ec-p256.pbes2-sha256-aes256.pem -v2 aes-256-cbc -v2prf hmacWithSHA256
p8 ec-p256 ec-p256.pbes2-sha1-aes128.pem -v2 aes-128-cbc -v2prf hmacWithSHA1
p8 ec-p256 ec-p256.pbes2-sha512-aes192.pem -v2 aes-192-cbc -v2prf hmacWithSHA512
p8 ec-p256 ec-p256.pbes2-sha224-des3.pem -v2 des-ede3-cbc -v2prf hmacWithSHA224
p8 ec-p256 ec-p256.pbes2-sha384-aes256.pem -v2 aes-256-cbc -v2prf hmacWithSHA384
p8 ec-p256 ec-p256.pbes2-sha256-des.pem -v2 des-cbc $LEGACY
p8 ec-p256 ec-p256.pbes2-aes256.der -v2 aes-256-cbc -outform DER
p8 ec-p384 ec-p384.pbes2-aes256.pem -v2 aes-256-cbc
p8 rsa-2048 rsa-2048.pbes2-aes256.pem -v2 aes-256-cbc
p8 ed25519 ed25519.pbes2-aes256.pem -v2 aes-256-cbc
openssl pkcs8 -topk8 -in ec-p256.pkcs8.pem -passout "pass:$UPASS" -v2 aes-256-cbc \
	-out ec-p256.pbes2-aes256-utf8.pem
# PBES2 with scrypt, at openssl's defaults (N=16384, r=8, p=1).
p8 ec-p256 ec-p256.pbes2-scrypt.pem -scrypt
# PBES1: pbeWithSHAAnd3-KeyTripleDES-CBC (openssl 1.0's default) and the PKCS#5 DES ones.
p8 ec-p256 ec-p256.pbes1-sha1-3des.pem -v1 PBE-SHA1-3DES
p8 ec-p256 ec-p256.pbes1-sha1-3des.der -v1 PBE-SHA1-3DES -outform DER
p8 rsa-2048 rsa-2048.pbes1-sha1-3des.pem -v1 PBE-SHA1-3DES
p8 ec-p256 ec-p256.pbes1-sha1-2des.pem -v1 PBE-SHA1-2DES
p8 ec-p256 ec-p256.pbes1-md5-des.pem -v1 PBE-MD5-DES $LEGACY
p8 ec-p256 ec-p256.pbes1-sha1-des.pem -v1 PBE-SHA1-DES $LEGACY
openssl pkcs8 -topk8 -in ec-p256.pkcs8.pem -passout "pass:$UPASS" -v1 PBE-SHA1-3DES \
	-out ec-p256.pbes1-sha1-3des-utf8.pem
openssl pkcs8 -topk8 -in ec-p256.pkcs8.pem -passout "pass:$LPASS" -v1 PBE-SHA1-3DES \
	-out ec-p256.pbes1-sha1-3des-latin1.pem
# Ciphers pgcert does not read: the error must name them.
p8 ec-p256 ec-p256.pbes2-rc2.pem -v2 rc2-cbc $LEGACY
p8 ec-p256 ec-p256.pbes2-camellia256.pem -v2 camellia-256-cbc
p8 ec-p256 ec-p256.pbes1-sha1-rc2-40.pem -v1 PBE-SHA1-RC2-40 $LEGACY

# What the other openssl commands write when asked for an encrypted key.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -pass "pass:$PASS" \
	-out genpkey-aes256.pkcs8.pem
openssl pkey -in genpkey-aes256.pkcs8.pem -passin "pass:$PASS" -pubout -out genpkey-aes256.pub.pem
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout req-newkey.pkcs8.pem \
	-passout "pass:$PASS" -subj /CN=fixture -out /dev/null 2>/dev/null
openssl pkey -in req-newkey.pkcs8.pem -passin "pass:$PASS" -pubout -out req-newkey.pub.pem

# Legacy PEM encryption (Proc-Type: 4,ENCRYPTED) of PKCS#1 and SEC1 keys.
legacy() { # key cipher name [args...]
	k=$1 c=$2 n=$3
	shift 3
	openssl pkey -in $k.pkcs8.pem -traditional -$c -passout "pass:$PASS" -out $k.legacy-$n.pem "$@"
}
legacy rsa-2048 des-ede3-cbc des3
legacy rsa-2048 aes-128-cbc aes128
legacy rsa-2048 aes-192-cbc aes192
legacy rsa-2048 aes-256-cbc aes256
legacy rsa-2048 des-cbc des $LEGACY
legacy ec-p256 des-ede3-cbc des3
legacy ec-p256 aes-128-cbc aes128
legacy ec-p256 aes-256-cbc aes256
legacy ec-p384 aes-256-cbc aes256
legacy ec-p256 camellia-256-cbc camellia256

# Key algorithms and curves pgcert does not use.
openssl genpkey -algorithm ED448 -out ed448.pkcs8.pem
openssl pkcs8 -topk8 -in ed448.pkcs8.pem -passout "pass:$PASS" -v2 aes-256-cbc -out ed448.pbes2-aes256.pem
openssl genpkey -algorithm X25519 -out x25519.pkcs8.pem
openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out rsa-pss.pkcs8.pem 2>/dev/null
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsa-params.tmp 2>/dev/null
openssl genpkey -paramfile dsa-params.tmp -out dsa.pkcs8.pem
rm dsa-params.tmp
openssl pkey -in dsa.pkcs8.pem -traditional -out dsa.traditional.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out ec-secp256k1.pkcs8.pem
openssl ec -in ec-p256.pkcs8.pem -param_enc explicit -out ec-p256-explicit.sec1.pem 2>/dev/null

# A key crypto/rsa refuses as too small: the error must say so, even when encrypted,
# rather than blame the passphrase.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 -out rsa-512.pkcs8.pem 2>/dev/null
p8 rsa-512 rsa-512.pbes2-aes256.pem -v2 aes-256-cbc

# Files that are not private keys.
openssl req -new -x509 -key ec-p256.pkcs8.pem -subj /CN=fixture -days 3650 -out cert.pem
openssl x509 -in cert.pem -outform DER -out cert.der
openssl req -new -key ec-p256.pkcs8.pem -subj /CN=fixture -out req.pem
openssl pkey -in ec-p256.pkcs8.pem -pubout -outform DER -out ec-p256.pub.der
ca=$(mktemp -d)
: > "$ca/index.txt"
cat > "$ca/ca.cnf" <<EOF
[ca]
default_ca = fixture
[fixture]
database = $ca/index.txt
crlnumber = $ca/crlnumber
default_md = sha256
default_crl_days = 3650
EOF
echo 01 > "$ca/crlnumber"
openssl ca -config "$ca/ca.cnf" -gencrl -keyfile ec-p256.pkcs8.pem -cert cert.pem -out crl.pem 2>/dev/null
rm -r "$ca"
openssl pkcs12 -export -inkey ec-p256.pkcs8.pem -in cert.pem -passout "pass:$PASS" -out bundle.p12
ssh-keygen -q -t ed25519 -N '' -C fixture -f id_ed25519
printf 'this is not a key\n' > not-a-key.txt
