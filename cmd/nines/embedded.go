package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/nines-sre/nines/prom"
)

// openEmbedded loads an OpenMetrics file (plain or gzip) into the embedded
// PromQL engine. The caller closes it, which removes its temporary files.
// timeout bounds each query, as --query.timeout does for a server.
func openEmbedded(ctx context.Context, path string, timeout time.Duration, log *slog.Logger) (source, error) {
	e, err := prom.OpenFile(ctx, path, prom.EmbeddedOptions{Logger: log, Timeout: timeout})
	if err != nil {
		return nil, err
	}
	return e, nil
}
