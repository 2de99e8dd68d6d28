package prom

import (
	"context"
	"fmt"
	"io"
	"os"
)

// OpenReader loads OpenMetrics text (plain or gzip-compressed) from r into
// the embedded engine, as OpenFile does for a file; name names the data in
// errors and in String.
func OpenReader(ctx context.Context, name string, r io.Reader, o EmbeddedOptions) (*Embedded, error) {
	tmp, err := os.CreateTemp(o.TempDir, "nines-*.om")
	if err != nil {
		return nil, fmt.Errorf("could not load %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("could not load %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("could not load %s: %w", name, err)
	}
	e, err := OpenFile(ctx, tmp.Name(), o)
	if err != nil {
		return nil, err
	}
	e.path = name
	return e, nil
}
