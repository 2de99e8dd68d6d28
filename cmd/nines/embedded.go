package main

import (
	"context"
	"log/slog"

	"github.com/nines-sre/nines/prom"
)

// openEmbedded loads an OpenMetrics file (plain or gzip) into the embedded
// PromQL engine. The caller closes it, which removes its temporary files.
func openEmbedded(ctx context.Context, path string, log *slog.Logger) (source, error) {
	e, err := prom.OpenFile(ctx, path, prom.EmbeddedOptions{Logger: log})
	if err != nil {
		return nil, err
	}
	return e, nil
}
