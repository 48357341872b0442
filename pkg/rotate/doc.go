// Package rotate renews what a PostgreSQL data directory's SSL needs before it
// expires, and puts the previous generation back on request: the work behind
// `pgcert renew`.
//
// A renewal runs plan → build → validate → commit → reload. The plan reads the
// server's certificate, key and CRL file (the ones its settings name) and decides
// what is due; build signs a new certificate and new CRLs with the local CA; validate
// writes the new set into a private directory and hands it to a Validator (the
// checks of `pgcert check`); commit swaps the set in as one journalled transaction,
// keeping the files it replaces as FILE.prev; reload sends SIGHUP to the postmaster
// and confirms, over the PostgreSQL protocol and from the server's log, that the
// server took the new files. Rollback puts the .prev generation back the same way.
//
// Runs on one data directory take turns on an flock of the directory. Each reads the
// clock once, after taking the lock, so that the certificate, the CRLs and their
// validation agree on the time; each first completes a change a killed run left
// halfway (JournalName) and removes the staging directories killed runs left.
//
// The package never prints or prompts: the clock, randomness, the CA (opened and
// unlocked by the caller, who may ask for a passphrase), key generation, the
// validation, the signal sender and the network are given in Options, and what a
// person should hear goes to Options.Warn and Options.Info. Results are Report
// values whose JSON is the --json document of `pgcert renew`; failures are *Error
// values carrying hints.
package rotate
