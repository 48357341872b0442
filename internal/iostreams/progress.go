package iostreams

import (
	"fmt"
	"sync"
	"time"
)

// spinnerFrames are drawn in turn while slow work runs.
var spinnerFrames = []string{"|", "/", "-", "\\"}

// spinnerDelay keeps quick work silent: the spinner only appears when the work takes
// longer than this, so a P-256 key never flickers one on the screen.
const spinnerDelay = 500 * time.Millisecond

// StartProgress shows a spinner with label on standard error while slow work runs,
// and returns the function that stops it and clears its line. Nothing is drawn when
// standard error is not a terminal, so logs and CI output never hold spinner frames.
func (s *IOStreams) StartProgress(label string) (stop func()) {
	return s.startProgress(label, spinnerDelay)
}

// StartSlowProgress is StartProgress for work that always takes longer than the
// spinner's delay, such as an RSA 4096 key (a second on average, several at times):
// the spinner is drawn at once, before the work starts, so the person sees at once
// why nothing else happens. Nothing is drawn when standard error is not a terminal.
func (s *IOStreams) StartSlowProgress(label string) (stop func()) {
	return s.startProgress(label, 0)
}

func (s *IOStreams) startProgress(label string, delay time.Duration) (stop func()) {
	if !s.errTTY {
		return func() {}
	}
	frame := func(i int) {
		fmt.Fprintf(s.ErrOut, "\r%s %s", spinnerFrames[i%len(spinnerFrames)], label)
	}
	drawn := delay == 0
	if drawn {
		frame(0)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if !drawn {
			select {
			case <-done:
				return
			case <-time.After(delay):
			}
			frame(0)
		}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for i := 1; ; i++ {
			select {
			case <-done:
				fmt.Fprintf(s.ErrOut, "\r%*s\r", len(label)+2, "")
				return
			case <-tick.C:
				frame(i)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			wg.Wait()
		})
	}
}
