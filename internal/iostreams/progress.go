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
	if !s.errTTY {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-done:
			return
		case <-time.After(spinnerDelay):
		}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(s.ErrOut, "\r%s %s", spinnerFrames[i%len(spinnerFrames)], label)
			select {
			case <-done:
				fmt.Fprintf(s.ErrOut, "\r%*s\r", len(label)+2, "")
				return
			case <-tick.C:
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
