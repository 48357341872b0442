package cli

import "github.com/pgcert/pgcert/pkg/rotate"

// renewReport is the name the renew tests use for pkg/rotate's report.
type renewReport = rotate.Report
