//go:build !unix

package app_test

import "time"

// The process's CPU time, peak memory and the load are not measured here.
func cpuTime() time.Duration { return 0 }
func peakRSSMB() float64     { return 0 }
func loadAvg() string        { return "" }
