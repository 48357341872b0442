// Package world builds a whole certificate world for tests from one declarative
// spec: CAs and intermediates at any depth, leaves with any subject and names,
// keys in every format pgcert reads, CRLs, bundles and hashed CRL directories,
// each written under the name and mode the spec gives. `pgcert make` is its
// command; a Go test calls MakeFile or Make to build a world in t.TempDir().
//
// A spec is YAML:
//
//	defaults:
//	  key: rsa:2048                  # ec:P-256 (the default), ec:P-384, rsa:N, rsa-pss:N, ed25519
//	  not_before: 2023-06-29T01:01:01Z   # default: the time of the run
//	  days: 10000                    # default 365
//	  crl_days: 10000                # default 180, crl.DefaultDays
//	certs:
//	  root:   {subject: /CN=Test root, ca: true}
//	  inter:  {issuer: root, subject: /CN=Test intermediate, ca: true, pathlen: 0}
//	  server:
//	    issuer: inter
//	    subject: /CN=db.example.com/OU=a+OU=b   # openssl -subj syntax, UTF-8, + for multi-valued RDNs
//	    san: [DNS:db.example.com, IP:192.0.2.1] # absent: the CN is copied, as pgcert does
//	    key: ec:P-384
//	    serial: 0x1000               # default: 127 random bits
//	    not_before: 2019-01-01       # expired; or days: instead of not_after
//	    not_after: 2020-01-01
//	    key_usage: [digitalSignature]
//	    ext_key_usage: [serverAuth]
//	  odd: {issuer: inter, subject: /CN=x, version: 1, testing: true}
//	crls:
//	  root: {issuer: root}
//	  inter:
//	    issuer: inter
//	    number: 2
//	    revoked: [{cert: odd, date: 2024-01-01, reason: keyCompromise}, {serial: 77}]
//	files:
//	  server.crt: {cert: server}                # format: pem (default) or der
//	  server.key: {key: server, format: encrypted, passphrase: secret, mode: 0640}
//	  chain.crt:  {concat: [cert:server, cert:inter]}
//	  root.crl:   {crl: root}
//	  root+inter.crl: {concat: [crl:inter, file:root.crl]}
//	  crl.d:      {crldir: [inter]}             # <hash>.r<N> files, as openssl rehash names them
//
// Key file formats are listed in KeyFormats. Keys are 0600, other files 0644 and
// directories 0755 unless a file says mode:.
//
// Certificates the ordinary commands refuse (version 1, no extensions, a leaf
// without subjectAltName, no names at all, an IP address in a dNSName) are made
// only where the spec says testing: true; anywhere else they are a spec error, so
// that a world meant to be realistic stays so. Errors name the line and the
// field: "pki.yaml:12: certs.server.san: ...".
//
// Making a world is idempotent by content. The output directory keeps StateFile,
// with every key, certificate and CRL and the hash of the inputs each was made
// from; the next run reuses whatever is unchanged, so changing one entry remakes
// it and what depends on it (the certificates it signs, the CRLs listing them, the
// files holding them) and nothing else, and a run with an unchanged spec leaves
// the directory untouched. The world is written whole into a new directory beside
// the output and swapped in with one rename, so a failed run leaves the previous
// world in place. Files in the output directory that the spec does not list are
// removed by that swap; a directory holding files but no StateFile is refused
// unless Options.Force.
package world
