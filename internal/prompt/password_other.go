//go:build !linux

package prompt

import (
	"fmt"
	"os"

	"golang.org/x/term"
)

// readHidden prints message and reads one line from the terminal fd with echo off.
func readHidden(fd int, message string) ([]byte, error) {
	f := os.NewFile(uintptr(fd), "tty")
	if _, err := fmt.Fprint(f, message); err != nil {
		return nil, err
	}
	return term.ReadPassword(fd)
}
