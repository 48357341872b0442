// Package metrics writes and reads the Prometheus text exposition format (version
// 0.0.4), the format node_exporter's textfile collector reads from *.prom files:
// a run of `pgcert renew` or `pgcert check --expiring` from a timer leaves its
// state there, so that an alert fires on a certificate about to expire or a
// renewal that failed, without anyone reading the timer's journal.
//
// Only gauges and untyped samples without timestamps are written, which is all a
// textfile needs; the reader accepts what the writer writes, checking the rules
// Prometheus enforces (names, HELP and TYPE lines before their samples, label
// escaping), so tests can prove a file is well formed without promtool.
package metrics
