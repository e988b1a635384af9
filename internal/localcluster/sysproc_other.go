//go:build !linux

package localcluster

import "syscall"

// sysProcAttr puts a program in its own process group.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// detachedProcAttr starts a supervisor in a session of its own.
func detachedProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
