package main

import (
	"errors"
	"fmt"

	"github.com/nines-sre/nines/app"
)

// Exit codes. CI can tell "unsafe" (3) from "broken" (1), and verify's
// "cannot tell yet" (4) from both.
const (
	exitOK           = 0 // success; for gate: allowed (pass or warn); for verify: pass
	exitFailure      = 1 // the tool failed: bad flags, invalid spec, a source that cannot be opened, interrupted
	exitBlocked      = 3 // gate: deploy blocked by policy; verify: the deploy failed its SLOs (roll back)
	exitInconclusive = 4 // verify: too few events (or no data) to judge the deploy, under --inconclusive exit
)

// The codes app decides beside its results are these.
var _ = [1]struct{}{}[exitBlocked-app.ExitBlocked]
var _ = [1]struct{}{}[exitInconclusive-app.ExitInconclusive]

// usageError marks errors caused by bad flags or arguments; usage is shown for these only.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error {
	return &usageError{err: fmt.Errorf(format, a...)}
}

// exitError carries an exit code decided by a command (gate's block) with no
// further message to print.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitCode maps a command's error to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitFailure
}
