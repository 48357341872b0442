package bootstrap

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcert/pgcert/pkg/ca"
	"github.com/pgcert/pgcert/pkg/keys"
	"github.com/pgcert/pgcert/pkg/pgdata"
	"github.com/pgcert/pgcert/pkg/selfsign"
)

// Summary is what an interactive init shows before it asks to go on: what it
// will write, and the command that writes the same without questions.
type Summary struct {
	DataDir      string
	CADir        string
	CA           *ca.CA // nil: a new CA is made
	Intermediate bool
	Hosts        []string
	Key          keys.GenerateOptions
	Clients      []string
	// ClientsDir is --clients-dir, "" for the default CA_DIR/clients.
	ClientsDir string
	// Configure is what --configure will write, nil without it.
	Configure *ConfigureEffect
	Command   string
}

// PreviewConfigure is what --configure will write into dataDir (dd nil: it
// does not exist yet), for a summary shown before anything is written. What it
// cannot read yet it takes as it would be.
func PreviewConfigure(dataDir string, dd *pgdata.DataDir) *ConfigureEffect {
	if dd == nil {
		return &ConfigureEffect{PgcertConf: filepath.Join(dataDir, pgdata.PgcertConfName)}
	}
	cfg, _ := CheckConfigurable(dd)
	e, err := WhatConfigureWrites(dd, cfg)
	if err != nil {
		e.ConfigFile, e.HBAFile = dd.ConfigFile, ""
	}
	return &e
}

// WriteText writes the summary as a table, in one piece.
func (s Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	row := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "  %-15s %s\n", label, fmt.Sprintf(format, args...))
	}
	b.WriteString("\npgcert init will write:\n")
	dd := s.DataDir
	if _, err := os.Lstat(dd); err != nil {
		dd += " (created, mode 0700)"
	} else if d, err := pgdata.Inspect(dd); err == nil && !d.IsDataDir {
		dd += " (not a data directory yet)"
	}
	row("data directory", "%s", dd)
	row("", "server.key, server.crt, root.crt, root.crl")
	switch {
	case s.CA != nil:
		subject, _ := selfsign.FormatSubject(s.CA.Cert.RawSubject)
		row("CA", "the existing CA in %s (%s)", s.CADir, subject)
	case s.Intermediate:
		row("CA", "a new root CA and an intermediate CA that signs, in %s", s.CADir)
	default:
		row("CA", "a new root CA in %s", s.CADir)
	}
	row("server.crt", "for %s, %s key", strings.Join(s.Hosts, ", "), describeGenerate(s.Key))
	if len(s.Clients) == 0 {
		row("clients", "none")
	} else {
		dir := s.ClientsDir
		if dir == "" {
			dir = filepath.Join(s.CADir, ca.ClientsDir)
		}
		row("clients", "%s: bundles in %s", strings.Join(s.Clients, ", "), filepath.Join(dir, "ROLE"))
	}
	row("configuration", "%s", describeConfigure(s.Configure))
	b.WriteString("the same without questions:\n  " + s.Command + "\n\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// describeConfigure says which configuration files init writes or edits.
func describeConfigure(e *ConfigureEffect) string {
	switch {
	case e == nil:
		return "printed, not written"
	case !e.ServerConfig:
		return "pgcert.conf written (no postgresql.conf to include it from yet), the rest printed"
	}
	var edited []string
	for _, p := range []string{e.ConfigFile, e.HBAFile} {
		if p != "" {
			edited = append(edited, filepath.Base(p))
		}
	}
	if len(edited) == 0 {
		return "pgcert.conf written; postgresql.conf and pg_hba.conf already use it"
	}
	return "pgcert.conf written, " + strings.Join(edited, " and ") + " edited"
}

// describeGenerate names the keys GenerateOptions make: "ECDSA P-256", "RSA 3072".
func describeGenerate(g keys.GenerateOptions) string {
	switch g.Type {
	case keys.TypeRSA:
		return fmt.Sprintf("RSA %d", g.Bits)
	case keys.TypeEd25519:
		return "Ed25519"
	}
	return "ECDSA " + string(g.Curve)
}
