// Package bootstrap is what `pgcert init` does to a data directory and a CA, as
// one transaction: a server key and certificate for the host names clients
// connect to, the root clients chain to, a current CRL for every CA, client
// bundles in libpq's layout and, when asked, the postgresql.conf and
// pg_hba.conf edits that turn it all on. It also holds the smaller recipes of
// the single-certificate commands: a self-signed key and certificate for a data
// directory (WriteSelfSigned, SSLConfLines), a request with its new key
// (WriteRequest) and a key file (WriteKey), each written all or nothing.
//
// Init is the whole of `pgcert init`, for a CA directory or a running step-ca,
// with hooks for what needs a person (the overwrite question, passphrases) and
// a Form that decides what an interactive init offers and accepts. Underneath,
// a caller opens or creates the CA (asking for passphrases is its business),
// then NewPlan issues the certificates and lays out every file with its mode
// and owner, and Plan.Apply writes them all or none (internal/fsutil's
// transaction) and returns a Result to render as text or JSON. The package
// takes paths, a clock, randomness and an owner lookup; it never prints,
// prompts or reads flags: what a person should hear on the way goes to a
// Reporter.
package bootstrap
