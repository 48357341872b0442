// Package faults runs the pgcert binary the way things go wrong for an admin: on a
// full disk, in directories it may not write, killed at random points, interrupted
// at a prompt, many runs at once on one CA, fed damaged and hostile input, and
// traced while it writes private keys. Each test checks that no file is ever lost,
// left half-written, or readable by others, and that every failure names its file.
//
// The tests that need root (mounting a small tmpfs, remounting it read-only, running
// as another user) skip with a message otherwise, and fail under CI=true, where they
// run as root. The package holds no code of its own: see the _test.go files.
package faults
