// Package keyperm applies PostgreSQL's rules for the modes and owners of SSL files and
// plans the smallest change that makes a file pass them.
//
// The server judges its private key with check_ssl_key_file_permissions
// (src/backend/libpq/be-secure-common.c) and libpq judges a client key in
// initialize_SSL (src/interfaces/libpq/fe-secure-openssl.c). Both call stat(), so a
// symbolic link is judged by the file it points to. Passing those checks is not
// enough: the process must then be able to open the file, so keyperm also predicts
// whether the database user (or the client user) can read it, through the owner, the
// group or the supplementary groups, and whether it can search every directory on the
// way.
//
// The decision functions (JudgeServerKey, JudgeClientKey, JudgePublicFile,
// PlanServerKeyFix, ...) work on plain values, a FileInfo and an Identity, so they can
// be tested without root and without real files; Stat, SystemLookup and Apply are the
// thin parts that touch the system.
package keyperm
