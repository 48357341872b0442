package cli

import "github.com/pgcert/pgcert/pkg/doctor"

// The names the command tests use for pkg/doctor's report and levels.
type checkReport = doctor.Report

const (
	levelOK      = doctor.LevelOK
	levelWarning = doctor.LevelWarning
	levelError   = doctor.LevelError
)
