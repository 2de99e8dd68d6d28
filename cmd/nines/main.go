// Command nines evaluates SLO specs against Prometheus and turns the answers
// into error budgets, burn rates, deploy decisions and money.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	// IANA time zones for calendar windows, also where the system has none.
	_ "time/tzdata"
)

// interruptGrace is how long run has, after the first SIGINT or SIGTERM, to
// stop on its own before main exits 1 without it.
const interruptGrace = 500 * time.Millisecond

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan int, 1)
	go func() { done <- run(ctx, os.Args[1:], systemStreams()) }()

	select {
	case code := <-done:
		os.Exit(code)
	case sig := <-sigs:
		// The commands stop at the cause: specs stop loading, queries
		// stop, and the gate records no decision.
		cancel(interruptedError{sig: sig})
	}
	// run has a moment to stop and say why; a command stuck where ctx
	// does not reach, or a second signal, ends the process without it.
	timer := time.NewTimer(interruptGrace)
	select {
	case code := <-done:
		os.Exit(code)
	case <-timer.C:
	case <-sigs:
	}
	fmt.Fprintln(os.Stderr, "nines: interrupted")
	os.Exit(exitFailure)
}

// interruptedError is the cause of the context of a run stopped by a
// signal. It is a cancellation (errors.Is context.Canceled), which the
// commands tell apart from the --timeout deadline.
type interruptedError struct{ sig os.Signal }

func (e interruptedError) Error() string {
	name := e.sig.String()
	switch e.sig {
	case os.Interrupt:
		name = "SIGINT"
	case syscall.SIGTERM:
		name = "SIGTERM"
	}
	return "interrupted by " + name
}

func (e interruptedError) Unwrap() error { return context.Canceled }
