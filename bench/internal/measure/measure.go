// Package measure holds what the benchmarks measure the same way: the
// idle window their figures are scaled to, the CPU time and memory of the
// benchmark process (the controllers running in it; the control plane runs
// in processes of its own), the API requests of a rest.Config, and the
// Applications a benchmark waits on (AppTracker: when a condition first
// held).
package measure

import (
	"syscall"
	"time"
)

// IdleWindow is the window idle figures are reported over (issue #8 set
// it); shorter runs scale their figures to it.
const IdleWindow = 3 * time.Minute

// CPUTime is the CPU time this process has used, user and system; the
// control plane runs in other processes, so it is the controllers'.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
