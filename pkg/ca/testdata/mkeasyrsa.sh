#!/bin/sh
# Makes easyrsa-index.txt, easyrsa-serial and easyrsa-index.txt.attr: the database of
# an easy-rsa 3 PKI (Debian package easy-rsa) with two clients and a server, one
# client revoked for keyCompromise. easy-rsa draws random 128-bit serials.
# Run from this directory: sh mkeasyrsa.sh
set -eu
out=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
easyrsa=${EASYRSA:-/usr/share/easy-rsa/easyrsa}
export EASYRSA_BATCH=1 EASYRSA_PKI="$work/pki" EASYRSA_ALGO=ec EASYRSA_CURVE=prime256v1
cd "$work"
"$easyrsa" init-pki >/dev/null 2>&1
EASYRSA_REQ_CN="Easy CA" "$easyrsa" build-ca nopass >/dev/null 2>&1
"$easyrsa" build-client-full alice nopass >/dev/null 2>&1
"$easyrsa" build-client-full bob nopass >/dev/null 2>&1
"$easyrsa" build-server-full db.example nopass >/dev/null 2>&1
"$easyrsa" revoke bob keyCompromise >/dev/null 2>&1
cp pki/index.txt "$out/easyrsa-index.txt"
cp pki/serial "$out/easyrsa-serial"
cp pki/index.txt.attr "$out/easyrsa-index.txt.attr"
