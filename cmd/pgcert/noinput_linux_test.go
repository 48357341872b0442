package main

import "syscall"

// noTTYSysProcAttr starts the child in a new session, which has no controlling
// terminal even when the test runs from one.
func noTTYSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true}
}
