// Package fuzzci runs every fuzz target of the module for a bounded time as part of
// the ordinary test suite, so that CI (which runs only `go test ./...`) fuzzes every
// parser of outside input on each run. It holds no code of its own: see fuzz_test.go.
package fuzzci
