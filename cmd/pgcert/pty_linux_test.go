package main

import (
	"os"
	"syscall"
	"unsafe"
)

// ttySysProcAttr makes the terminal on standard input the child's controlling
// terminal, in a session of its own, as a login shell would.
func ttySysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
}

// echoOff reports whether echo is off on the terminal whose controlling side is
// ctrl: on Linux the controlling side reads the terminal's own settings.
func echoOff(ctrl *os.File) (bool, error) {
	rc, err := ctrl.SyscallConn()
	if err != nil {
		return false, err
	}
	var tio syscall.Termios
	var errno syscall.Errno
	err = rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TCGETS, uintptr(unsafe.Pointer(&tio)))
	})
	if err != nil {
		return false, err
	}
	if errno != 0 {
		return false, errno
	}
	return tio.Lflag&syscall.ECHO == 0, nil
}
