package faults

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// onceFixture makes a fixture once for all the tests that need it, and keeps the
// reason it could not be made, so that every later test reports that reason, not
// only the first one (whose own failure stops the making).
type onceFixture struct {
	once sync.Once
	dir  string
	err  string
}

// get returns what build made, making it on first use with t. build ends the
// calling goroutine when it fails (t.Fatal runs runtime.Goexit): the reason is taken
// in a deferred function, which runs even then.
func (f *onceFixture) get(t testing.TB, build func(t testing.TB) string) string {
	t.Helper()
	f.once.Do(func() {
		rec := &fatalRecorder{TB: t}
		defer func() {
			if f.dir == "" && f.err == "" {
				f.err = rec.reason()
			}
		}()
		dir := build(rec)
		if rec.msg == "" {
			f.dir = dir
		}
	})
	if f.dir == "" {
		t.Fatalf("making the fixtures failed: %s", f.err)
	}
	return f.dir
}

// fatalRecorder keeps the first failure (or skip) of the fixture maker, before
// passing it on to the test that runs it.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) keep(msg string) {
	if f.msg == "" {
		f.msg = msg
	}
}

// reason is the first failure kept, or what is known when the maker stopped without
// saying why (a FailNow, or a panic).
func (f *fatalRecorder) reason() string {
	if f.msg != "" {
		return f.msg
	}
	return "the fixture maker stopped before it finished, without a message"
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.keep(fmt.Sprintf(format, args...))
	f.TB.Fatalf(format, args...)
}

func (f *fatalRecorder) Fatal(args ...any) {
	f.keep(fmt.Sprint(args...))
	f.TB.Fatal(args...)
}

func (f *fatalRecorder) Errorf(format string, args ...any) {
	f.keep(fmt.Sprintf(format, args...))
	f.TB.Errorf(format, args...)
}

func (f *fatalRecorder) Error(args ...any) {
	f.keep(fmt.Sprint(args...))
	f.TB.Error(args...)
}

func (f *fatalRecorder) Skipf(format string, args ...any) {
	f.keep("skipped: " + fmt.Sprintf(format, args...))
	f.TB.Skipf(format, args...)
}

func (f *fatalRecorder) Skip(args ...any) {
	f.keep("skipped: " + fmt.Sprint(args...))
	f.TB.Skip(args...)
}

// stopTB is a testing.TB whose Fatalf stops the goroutine as testing's does, and
// keeps the message, so that a failing fixture maker can be run without failing
// this test.
type stopTB struct {
	testing.TB
	msgs []string
}

func (s *stopTB) Helper() {}

func (s *stopTB) Fatalf(format string, args ...any) {
	s.msgs = append(s.msgs, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// inGoroutine runs f as a test body runs: in a goroutine of its own, which Goexit
// may end.
func inGoroutine(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

// TestFixtureFailureIsKept makes a fixture whose maker fails: the first test sees
// the maker's failure, and every later one the same reason, not an empty message.
func TestFixtureFailureIsKept(t *testing.T) {
	var f onceFixture
	calls := 0
	maker := func(t testing.TB) string {
		calls++
		t.Fatalf("ca init: exit %d", 7)
		return "unreached"
	}
	first, later := &stopTB{TB: t}, &stopTB{TB: t}
	inGoroutine(func() { f.get(first, maker) })
	inGoroutine(func() { f.get(later, maker) })
	if calls != 1 {
		t.Errorf("the maker ran %d times, want once", calls)
	}
	if len(first.msgs) != 1 || first.msgs[0] != "ca init: exit 7" {
		t.Errorf("the first test saw %q, want the maker's own failure", first.msgs)
	}
	if len(later.msgs) != 1 || !strings.Contains(later.msgs[0], "making the fixtures failed: ca init: exit 7") {
		t.Errorf("a later test saw %q, want the first failure's reason", later.msgs)
	}
}

// TestFixtureMadeOnce: a maker that works runs once, and every test gets its result.
func TestFixtureMadeOnce(t *testing.T) {
	var f onceFixture
	calls := 0
	maker := func(testing.TB) string { calls++; return "/fixtures" }
	for range 3 {
		if got := f.get(t, maker); got != "/fixtures" {
			t.Fatalf("got %q", got)
		}
	}
	if calls != 1 {
		t.Errorf("the maker ran %d times, want once", calls)
	}
}
