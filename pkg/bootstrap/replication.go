package bootstrap

import (
	"strings"

	"github.com/pgcert/pgcert/pkg/pgdata"
)

// ReplicationRules are the pg_hba.conf records that let roles stream from the
// server with a client certificate. They name the replication database
// because the server matches replication connections only against records
// that say "replication": "all" does not cover them, so the records for
// ordinary clients never let a standby in.
func ReplicationRules(roles []string, v pgdata.Version) ([]pgdata.HBARule, error) {
	var out []pgdata.HBARule
	for _, role := range roles {
		rules, err := pgdata.CertRules(pgdata.CertRulesOptions{Database: "replication", User: role}, v)
		if err != nil {
			return nil, err
		}
		out = append(out, rules...)
	}
	return out, nil
}

// PrimaryConninfo is the primary_conninfo a standby sets to stream from host
// as role with the bundle in paths (ClientPaths' order), verifying the
// primary's name (verify-full) as any client should. The port is the default
// one; a primary on another port needs port= added.
func PrimaryConninfo(host, role string, paths []string) string {
	cs := []string{"host=" + ConnValue(host), "user=" + ConnValue(role), "sslmode=verify-full",
		"sslcert=" + ConnValue(paths[0]), "sslkey=" + ConnValue(paths[1]), "sslrootcert=" + ConnValue(paths[2])}
	return strings.Join(cs, " ")
}
