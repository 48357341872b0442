// Package pgdata reads a PostgreSQL data directory the way the server does: the
// PG_VERSION file, postgresql.conf with its includes and postgresql.auto.conf, and
// pg_hba.conf; and it writes the few changes pgcert makes to them, as new file
// contents for the caller to write atomically.
//
// The configuration reader follows the server's own scanner and parser
// (src/backend/utils/misc/guc-file.l, ParseConfigFp, ParseConfigFile,
// ParseConfigDirectory and ProcessConfigFileInternal of PostgreSQL 15); the pg_hba.conf
// reader follows src/backend/libpq/hba.c (tokenize_auth_file, next_token,
// parse_hba_line). Error messages are the server's, word for word, so that a check can
// print what the server would log.
package pgdata
