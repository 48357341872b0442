package prompt

import (
	"golang.org/x/sys/unix"
)

// readHidden prints message and reads one line from the terminal fd with echo off.
//
// Echo goes off before the prompt is printed, so characters typed ahead of it are
// not shown either. The line is read in the terminal's line mode, so the kernel
// handles backspace, and Ctrl-D on an empty line ends input: term.ReadPassword would
// wait on after it, reading zero bytes forever.
func readHidden(fd int, message string) ([]byte, error) {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	old := *t
	t.Lflag &^= unix.ECHO
	t.Lflag |= unix.ICANON | unix.ISIG
	t.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		return nil, err
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, &old)
	if _, err := unix.Write(fd, []byte(message)); err != nil {
		return nil, err
	}
	var line []byte
	var b [1]byte
	for {
		n, err := unix.Read(fd, b[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			if len(line) > 0 {
				return line, nil
			}
			return nil, ErrNoAnswer
		}
		if b[0] == '\n' {
			return line, nil
		}
		line = append(line, b[0])
	}
}
