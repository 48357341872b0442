package prompt

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
	"golang.org/x/term"
)

// Terminal is the Prompter for a real terminal. It reads and writes the terminal
// file it was given (the controlling terminal), never the process's stdout, so that
// a prompt is seen even when output is redirected and never pollutes it.
type Terminal struct {
	tty *os.File
}

// NewTerminal returns a Prompter on tty. The caller must have checked that tty is a
// terminal: survey waits for terminal replies that a pipe never sends.
func NewTerminal(tty *os.File) *Terminal { return &Terminal{tty: tty} }

func (t *Terminal) stdio() survey.AskOpt {
	return survey.WithStdio(&eofReader{File: t.tty}, t.tty, t.tty)
}

// eofReader reads the terminal for survey, turning Ctrl-D into the end of input.
// survey takes Ctrl-D for Enter, so a person giving up would answer the question
// with its default and be asked the next one; pgcert's passphrase prompt, openssl's
// prompts and a shell end on it, and so do pgcert's forms.
type eofReader struct {
	*os.File
	eof bool
}

func (r *eofReader) Read(p []byte) (int, error) {
	if r.eof {
		return 0, io.EOF
	}
	n, err := r.File.Read(p)
	if i := bytes.IndexByte(p[:n], ctrlD); i >= 0 {
		// What was typed before it is read now, the end of input next.
		r.eof = true
		if i == 0 {
			return 0, io.EOF
		}
		return i, nil
	}
	return n, err
}

// ctrlD is the byte a terminal in raw mode reads for Ctrl-D.
const ctrlD = 0x04

func surveyErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, terminal.InterruptErr):
		return ErrInterrupted
	case errors.Is(err, io.EOF):
		return ErrNoAnswer
	}
	return err
}

// Input implements Prompter.
func (t *Terminal) Input(message, defaultValue string) (string, error) {
	var answer string
	err := survey.AskOne(&survey.Input{Message: message, Default: defaultValue}, &answer, t.stdio())
	return answer, surveyErr(err)
}

// Select implements Prompter.
func (t *Terminal) Select(message, defaultValue string, options []string) (string, error) {
	var answer string
	q := &survey.Select{Message: message, Options: options}
	if defaultValue != "" {
		q.Default = defaultValue
	}
	err := survey.AskOne(q, &answer, t.stdio())
	return answer, surveyErr(err)
}

// Confirm implements Prompter.
func (t *Terminal) Confirm(message string, defaultValue bool) (bool, error) {
	var answer bool
	err := survey.AskOne(&survey.Confirm{Message: message, Default: defaultValue}, &answer, t.stdio())
	return answer, surveyErr(err)
}

// Password implements Prompter. Echo is off while reading; Ctrl-C restores the
// terminal before returning ErrInterrupted, so the shell is never left without echo.
func (t *Terminal) Password(message string) (string, error) {
	fd := int(t.tty.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return "", fmt.Errorf("reading passphrase: %w", err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := readHidden(fd, message)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		fmt.Fprintln(t.tty)
		switch {
		case errors.Is(r.err, ErrNoAnswer), errors.Is(r.err, io.EOF):
			return "", ErrNoAnswer
		case r.err != nil:
			return "", fmt.Errorf("reading passphrase: %w", r.err)
		}
		return string(r.b), nil
	case <-sigs:
		_ = term.Restore(fd, state)
		fmt.Fprintln(t.tty)
		return "", ErrInterrupted
	}
}
