package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/specs"
)

// openEmbedded loads an OpenMetrics file (plain or gzip) into the embedded
// PromQL engine. The caller closes it. timeout bounds each query, as
// --query.timeout does for a server.
func openEmbedded(ctx context.Context, path string, timeout time.Duration, log *slog.Logger) (source, error) {
	e, err := prom.OpenFile(ctx, path, prom.EmbeddedOptions{Logger: log, Timeout: timeout})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// openDemo loads the demo data built into the binary.
func openDemo(ctx context.Context, timeout time.Duration, log *slog.Logger) (source, error) {
	f, err := specs.FS.Open(specs.DemoData)
	if err != nil {
		return nil, fmt.Errorf("could not read the demo data built in: %w", err)
	}
	defer f.Close()
	e, err := prom.OpenReader(ctx, "demo", f, prom.EmbeddedOptions{Logger: log, Timeout: timeout})
	if err != nil {
		return nil, err
	}
	return e, nil
}
