package bootstrap

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// WriteText writes the result as `pgcert init` prints it: the files written, the
// server certificate and the CRLs, then the configuration lines for
// postgresql.conf and pg_hba.conf (written, or to add by hand), and for each client
// the connection string or primary_conninfo to paste. It is written in one piece, so
// that a reader of a pipe never sees half of it.
func (r *Result) WriteText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s is ready for ssl = on with a CA in %s\n", r.DataDir, r.CA.Dir)
	for _, fr := range r.Files {
		fmt.Fprintf(&b, "  wrote %s (mode %s, owner %s)\n", fr.Path, fr.Mode, fr.Owner)
	}
	fmt.Fprintf(&b, "server certificate %s for %s, until %s\n", r.Server.Serial, r.Server.SANs, r.Server.NotAfter[:10])
	for _, cr := range r.CRLs {
		fmt.Fprintf(&b, "CRL %s of %s, %d revoked, next update %s\n", cr.Number, cr.Issuer, cr.Entries, cr.NextUpdate[:10])
	}
	version := "PostgreSQL " + r.Version
	if r.VersionAssumed {
		version += " (assumed: no PG_VERSION)"
	}
	switch {
	case r.Configured && r.Configuration.ServerConfig:
		fmt.Fprintf(&b, "\nconfigured for %s; reload the server (pg_ctl reload, or SELECT pg_reload_conf()):\n", version)
	case r.Configured:
		fmt.Fprintf(&b, "\nwrote %s for %s; no postgresql.conf includes it yet (add include_if_exists '%s'):\n",
			r.Configuration.PgcertConf, version, filepath.Base(r.Configuration.PgcertConf))
	default:
		fmt.Fprintf(&b, "\npostgresql.conf (%s; or rerun with --configure):\n", version)
	}
	for _, l := range r.PostgresqlConf {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	fmt.Fprintf(&b, "pg_hba.conf, before the other host lines (the first matching line wins):\n")
	for _, l := range r.PgHBAConf {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	if len(r.Clients) > 0 {
		fmt.Fprintf(&b, "\nclients (create the roles first: CREATE ROLE name LOGIN):\n")
		for _, cb := range r.Clients {
			if cb.Replication {
				fmt.Fprintf(&b, "  %s (replication; CREATE ROLE %s LOGIN REPLICATION): %s\n    primary_conninfo = '%s'\n", cb.Role, cb.Role, cb.Dir, strings.ReplaceAll(cb.PrimaryConninfo, "'", "''"))
				continue
			}
			fmt.Fprintf(&b, "  %s: %s\n    psql \"%s\"\n", cb.Role, cb.Dir, cb.ConnString)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}
