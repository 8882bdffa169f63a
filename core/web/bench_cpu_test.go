//go:build unix

package web_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) this process used so far:
// what the benchmarks report per operation, a figure that depends less on
// other processes on the machine than throughput does.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
