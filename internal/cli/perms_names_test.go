package cli

import "github.com/pgcert/pgcert/pkg/keyperm"

// The names the perms tests use for pkg/keyperm's report.
type permsReport = keyperm.Report

const kindClientKey = keyperm.FileClientKey
