package slo_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nines-sre/nines/slo"
)

// loadContextSpecs writes a tiers file and n service files into a new
// directory.
func loadContextSpecs(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"tiers.yaml": "version: nines/v1\ntiers:\n  standard:\n    objective: 99\n"}
	for i := range n {
		files[fmt.Sprintf("svc%d.yaml", i)] = fmt.Sprintf(`version: nines/v1
service: svc%d
tier: standard
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(bad_total[{{.window}}]))
        total: sum(increase(total[{{.window}}]))
`, i)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// LoadContext stops at ctx's end, reading or checking, and says why with
// ctx's cause; a live ctx loads as Load does.
func TestLoadContextStops(t *testing.T) {
	dir := loadContextSpecs(t, 3)
	interrupted := errors.New("interrupted by SIGTERM")

	cat, err := slo.LoadContext(context.Background(), []string{dir}, slo.LoadOptions{})
	if err != nil || len(cat.Services) != 3 {
		t.Fatalf("live context: %v, %v; want 3 services", cat, err)
	}

	t.Run("before reading", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(interrupted)
		cat, err := slo.LoadContext(ctx, []string{dir}, slo.LoadOptions{})
		if cat != nil || !errors.Is(err, interrupted) || err.Error() != "stopped reading spec files after 0 of 4: interrupted by SIGTERM" {
			t.Errorf("got %v, %v; want no catalog and the cause", cat, err)
		}
	})
	t.Run("while checking", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		defer cancel(nil)
		// The first query checked cancels: the services after it are not
		// checked.
		check := func(string) error { cancel(interrupted); return nil }
		cat, err := slo.LoadContext(ctx, []string{dir}, slo.LoadOptions{CheckQuery: check})
		if cat != nil || !errors.Is(err, interrupted) || !strings.HasPrefix(err.Error(), "stopped checking spec files after ") {
			t.Errorf("got %v, %v; want no catalog and the cause", cat, err)
		}
	})
}
