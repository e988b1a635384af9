package localcluster

import "syscall"

// sysProcAttr puts a program in its own process group and has the kernel kill
// it when the supervisor dies, so no program outlives its plane.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// detachedProcAttr starts a supervisor in a session of its own, so it
// outlives the command that started it.
func detachedProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true}
}
