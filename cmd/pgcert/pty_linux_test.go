package main

import "syscall"

// ttySysProcAttr makes the terminal on standard input the child's controlling
// terminal, in a session of its own, as a login shell would.
func ttySysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
}
