//go:build !linux

package promtest

import "os/exec"

// setDeathSignal does nothing where the kernel has no parent-death signal;
// t.Cleanup still stops the child.
func setDeathSignal(*exec.Cmd) {}
