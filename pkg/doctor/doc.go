// Package doctor predicts what the PostgreSQL server and libpq will say about a data
// directory's SSL set-up, before the server refuses to start or a client refuses to
// connect: every finding of `pgcert check`, as typed values a Go program can read.
//
// Check takes the setup pgdata.ReadSetup reads (postgresql.conf with its includes,
// the version's rules, the database user) and looks at every file its settings name,
// in the order the server loads them: the configuration itself, ssl_cert_file,
// ssl_key_file, ssl_ca_file, ssl_crl_file, ssl_crl_dir, then pg_hba.conf. Each
// Finding has a level (ok, warning, error), a stable check identifier, the server's
// or libpq's own words where they have any, and a fix. The Report marshals to the
// `pgcert check --json` document; Report.Expiring to `pgcert check --expiring`'s.
//
// The package reads files and never writes, prints or prompts. Time is the one
// reading in Options.Now, so that a check is reproducible and a renewal can judge a
// new set of files (pgdata.Setup.Staged) at the time it will install them.
package doctor
