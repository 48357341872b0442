package faults

import (
	"path/filepath"
	"strings"
)

// writer is a command that writes files, with arguments that work in a copy of the
// world at d.
type writer struct {
	name string
	args func(d string) []string
	// outputs are the files the command writes, relative to d: its results (the
	// CA's own records aside).
	outputs []string
	// keys are the outputs that hold a private key.
	keys []string
	// ca is set for commands that change the CA's records (index, newcerts/,
	// crlnumber, crl.pem) as part of their work.
	ca bool
	// meta is set for a command that changes only modes and owners (perms fix).
	meta bool
	// newCA is where the command creates a CA (init) before it writes its other
	// files: a later failure keeps that CA, complete, as ca init would have made
	// it, and a rerun uses it.
	newCA string
	// outDir is the directory that holds the outputs alone (for a test that fills
	// it apart from everything else), "" when there is none.
	outDir string
}

// writers lists every command that writes a file, in its usual forms.
func writers() []writer {
	ws := writerList()
	for i := range ws {
		if ws[i].outDir != "" || ws[i].meta {
			continue
		}
		ws[i].outDir = "out"
		for _, o := range ws[i].outputs {
			if !strings.HasPrefix(o, "out/") {
				ws[i].outDir = ""
			}
		}
	}
	return ws
}

func writerList() []writer {
	j := filepath.Join
	return []writer{
		{name: "key new", args: func(d string) []string { return []string{"key", "new", "-o", j(d, "out/new.key")} },
			outputs: []string{"out/new.key"}, keys: []string{"out/new.key"}},
		{name: "key new --encrypt", args: func(d string) []string {
			return []string{"key", "new", "--passout", "env:PGCERT_PASS", "-o", j(d, "out/new.key")}
		}, outputs: []string{"out/new.key"}, keys: []string{"out/new.key"}},
		{name: "key strip", args: func(d string) []string {
			return []string{"key", "strip", j(d, "enc.key"), "--passin", "env:PGCERT_PASS", "-o", j(d, "out/server.key")}
		}, outputs: []string{"out/server.key"}, keys: []string{"out/server.key"}},
		{name: "key encrypt", args: func(d string) []string {
			return []string{"key", "encrypt", j(d, "plain.key"), "--passout", "env:PGCERT_PASS", "-o", j(d, "out/enc.key")}
		}, outputs: []string{"out/enc.key"}, keys: []string{"out/enc.key"}},
		{name: "key encrypt in place", args: func(d string) []string {
			return []string{"key", "encrypt", j(d, "plain.key"), "--passout", "env:PGCERT_PASS", "--force"}
		}, outputs: []string{"plain.key"}, keys: []string{"plain.key"}},
		{name: "req", args: func(d string) []string {
			return []string{"req", "--cn", "db.example.com", "--nopass", "--new-key", j(d, "out/privkey.pem"), "-o", j(d, "out/server.req")}
		}, outputs: []string{"out/privkey.pem", "out/server.req"}, keys: []string{"out/privkey.pem"}},
		{name: "req --key", args: func(d string) []string {
			return []string{"req", "--key", j(d, "plain.key"), "--cn", "db.example.com", "-o", j(d, "out/server.req")}
		}, outputs: []string{"out/server.req"}},
		{name: "selfsign", args: func(d string) []string {
			return []string{"selfsign", "--req", j(d, "server.req"), "--key", j(d, "req.key"), "-o", j(d, "out/server.crt")}
		}, outputs: []string{"out/server.crt"}},
		{name: "selfsign -D", args: func(d string) []string {
			return []string{"selfsign", "-D", j(d, "pgdata"), "--host", "db.example.com", "--force", "--new-ca"}
		}, outputs: []string{"pgdata/server.key", "pgdata/server.crt"}, keys: []string{"pgdata/server.key"}, outDir: "pgdata"},
		{name: "ca init", args: func(d string) []string { return []string{"ca", "init", "--ca-dir", j(d, "out/ca")} },
			outputs: []string{"out/ca/ca.crt", "out/ca/private/ca.key"}, keys: []string{"out/ca/private/ca.key"}},
		{name: "ca init --intermediate", args: func(d string) []string {
			return []string{"ca", "init", "--ca-dir", j(d, "out/ca"), "--intermediate"}
		}, outputs: []string{"out/ca/ca.crt", "out/ca/private/ca.key", "out/ca/root/ca.crt", "out/ca/root/private/ca.key"},
			keys: []string{"out/ca/private/ca.key", "out/ca/root/private/ca.key"}},
		{name: "ca issue server", args: func(d string) []string {
			return []string{"ca", "issue", "server", "--ca-dir", j(d, "ca"), "--host", "db.example.com", "-o", j(d, "out/server")}
		}, outputs: []string{"out/server.key", "out/server.crt"}, keys: []string{"out/server.key"}, ca: true},
		{name: "ca issue client", args: func(d string) []string {
			return []string{"ca", "issue", "client", "--ca-dir", j(d, "ca"), "--user", "bob", "-o", j(d, "out/bob")}
		}, outputs: []string{"out/bob/postgresql.key", "out/bob/postgresql.crt", "out/bob/root.crt"}, keys: []string{"out/bob/postgresql.key"}, ca: true},
		{name: "ca sign", args: func(d string) []string {
			return []string{"ca", "sign", j(d, "server.req"), "--profile", "server", "--ca-dir", j(d, "ca"), "-o", j(d, "out/server.crt")}
		}, outputs: []string{"out/server.crt"}, ca: true},
		{name: "ca revoke", args: func(d string) []string {
			return []string{"ca", "revoke", "--ca-dir", j(d, "ca"), "--cert", j(d, "alice/postgresql.crt")}
		}, outputs: []string{"ca/index.txt"}},
		{name: "chain", args: func(d string) []string {
			return []string{"chain", j(d, "srv/server.crt"), j(d, "ca/root/ca.crt"), "-o", j(d, "out/server.crt")}
		}, outputs: []string{"out/server.crt"}},
		{name: "root", args: func(d string) []string {
			return []string{"root", j(d, "ca/root/ca.crt"), "-o", j(d, "out/root.crt")}
		}, outputs: []string{"out/root.crt"}},
		{name: "crl gen --ca-dir", args: func(d string) []string {
			return []string{"crl", "gen", "--ca-dir", j(d, "ca"), "-o", j(d, "out/root.crl")}
		}, outputs: []string{"out/root.crl"}, ca: true},
		{name: "crl gen --index", args: func(d string) []string {
			return []string{"crl", "gen", "--index", j(d, "ca/index.txt"), "--ca-cert", j(d, "ca/ca.crt"), "--ca-key", j(d, "ca/private/ca.key"), "-o", j(d, "out/ca.crl")}
		}, outputs: []string{"out/ca.crl"}, ca: true},
		{name: "crl merge", args: func(d string) []string {
			return []string{"crl", "merge", "--ca", j(d, "ca/root/ca.crt"), "--ca", j(d, "ca/ca.crt"), "-o", j(d, "out/root.crl"), j(d, "ca/root/crl.pem"), j(d, "ca/crl.pem")}
		}, outputs: []string{"out/root.crl"}},
		{name: "crl dir", args: func(d string) []string {
			return []string{"crl", "dir", "--out", j(d, "out/crl.d"), j(d, "ca/root/crl.pem"), j(d, "ca/crl.pem")}
		}, outputs: []string{"out/crl.d"}},
		{name: "perms fix", args: func(d string) []string { return []string{"perms", "fix", "-D", j(d, "pgdata")} },
			outputs: []string{"pgdata/server.key"}, meta: true},
		{name: "renew", args: func(d string) []string {
			return []string{"renew", "-D", j(d, "rpgdata"), "--ca-dir", j(d, "ca"), "--force"}
		}, outputs: []string{"rpgdata/server.crt", "rpgdata/root.crl"}, ca: true, outDir: "rpgdata"},
		{name: "renew --rekey", args: func(d string) []string {
			return []string{"renew", "-D", j(d, "rpgdata"), "--ca-dir", j(d, "ca"), "--force", "--rekey"}
		}, outputs: []string{"rpgdata/server.crt", "rpgdata/server.key"}, keys: []string{"rpgdata/server.key"}, ca: true, outDir: "rpgdata"},
		{name: "ca renew client", args: func(d string) []string {
			return []string{"ca", "renew", "client", "--ca-dir", j(d, "ca"), "--user", "alice", "-o", j(d, "alice"), "--rekey", "--revoke-old"}
		}, outputs: []string{"alice/postgresql.crt", "alice/postgresql.key"}, keys: []string{"alice/postgresql.key"}, ca: true, outDir: "alice"},
		{name: "init", args: func(d string) []string {
			return []string{"init", "-D", j(d, "out/pgdata"), "--ca-dir", j(d, "out/ca"), "--client", "carol", "--host", "db.example.com"}
		}, outputs: []string{"out/pgdata/server.key", "out/pgdata/server.crt", "out/pgdata/root.crt", "out/pgdata/root.crl",
			"out/ca/clients/carol/postgresql.key"},
			keys: []string{"out/pgdata/server.key", "out/ca/clients/carol/postgresql.key", "out/ca/private/ca.key"}, newCA: "out/ca", outDir: "out/pgdata"},
		{name: "init --force --configure", args: func(d string) []string {
			return []string{"init", "-D", j(d, "pgdata"), "--ca-dir", j(d, "ca"), "--clients-dir", j(d, "clients"), "--client", "alice",
				"--host", "db.example.com", "--force", "--configure"}
		}, outputs: []string{"pgdata/server.key", "pgdata/server.crt", "pgdata/root.crt", "pgdata/root.crl", "pgdata/postgresql.conf",
			"pgdata/pg_hba.conf", "clients/alice/postgresql.key"},
			keys: []string{"pgdata/server.key", "clients/alice/postgresql.key"}, ca: true, outDir: "pgdata"},
	}
}
