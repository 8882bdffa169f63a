//go:build !unix

package testkit

import "time"

// CPUTime is not measured here.
func CPUTime() time.Duration { return 0 }
