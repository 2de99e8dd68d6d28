// Command nines evaluates SLO specs against Prometheus and turns the answers
// into error budgets, burn rates, deploy decisions and money.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	// IANA time zones for calendar windows, also where the system has none.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], systemStreams())
	stop()
	os.Exit(code)
}
