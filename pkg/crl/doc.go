// Package crl builds, reads, merges and files certificate revocation lists the way
// PostgreSQL and libpq load them through OpenSSL.
//
// Once a server or client is given any CRL (ssl_crl_file, ssl_crl_dir, sslcrl,
// sslcrldir), OpenSSL checks every CA of every chain against a CRL of that CA
// (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL): a CA without a current CRL
// makes every certificate under it fail. So this package
//   - builds CRLs of any size from a stream of entries (Builder, Build), for
//     example from an openssl index.txt read with package ca;
//   - reads CRL files (ParseCRLs, SplitCRLs) and shows huge ones without decoding
//     every entry (Describe, ScanEntries);
//   - merges CRLs into one file with one current CRL per CA and names the CAs left
//     without one (Merge), and checks a set of CRL files for one configuration,
//     naming the file behind every problem (Check, Current);
//   - names the files of a hashed CRL directory as OpenSSL looks them up (NameHash,
//     DirEntries) and plans rewriting one (PlanDir);
//   - describes CRLs for reports (Summarize).
//
// Which certificates OpenSSL uses a CRL for, by its issuing distribution point,
// is package crlscope's: package chain's verifier needs the same rule, and package
// crl depends on chain.
//
// Writing files is left to the caller.
package crl
