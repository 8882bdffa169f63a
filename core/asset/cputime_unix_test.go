//go:build unix

package asset_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the test process (with its embedded database)
// has used: on a machine shared with other work it says more about a
// benchmark than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
