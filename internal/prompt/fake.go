package prompt

import (
	"fmt"
)

// Fake is a Prompter that gives scripted answers, for tests. Each call takes the next
// answer; an answer of nil means "the person pressed Enter" (take the default).
type Fake struct {
	Answers []any
	// Asked records every message asked, in order.
	Asked []string
}

func (f *Fake) next(message string) (any, error) {
	f.Asked = append(f.Asked, message)
	if len(f.Answers) == 0 {
		return nil, fmt.Errorf("prompt.Fake: no answer scripted for %q", message)
	}
	a := f.Answers[0]
	f.Answers = f.Answers[1:]
	if err, ok := a.(error); ok {
		return nil, err
	}
	return a, nil
}

// Input implements Prompter.
func (f *Fake) Input(message, defaultValue string) (string, error) {
	a, err := f.next(message)
	if err != nil || a == nil {
		return defaultValue, err
	}
	return a.(string), nil
}

// Select implements Prompter.
func (f *Fake) Select(message, defaultValue string, options []string) (string, error) {
	a, err := f.next(message)
	if err != nil || a == nil {
		return defaultValue, err
	}
	s := a.(string)
	for _, o := range options {
		if o == s {
			return s, nil
		}
	}
	return "", fmt.Errorf("prompt.Fake: %q is not one of %v", s, options)
}

// Confirm implements Prompter.
func (f *Fake) Confirm(message string, defaultValue bool) (bool, error) {
	a, err := f.next(message)
	if err != nil || a == nil {
		return defaultValue, err
	}
	return a.(bool), nil
}

// Password implements Prompter.
func (f *Fake) Password(message string) (string, error) {
	a, err := f.next(message)
	if err != nil {
		return "", err
	}
	if a == nil {
		return "", nil
	}
	return a.(string), nil
}
