package app_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// errDeadline stands for the --timeout deadline's cause.
var errDeadline = fmt.Errorf("the --timeout of 2s expired: %w", context.DeadlineExceeded)

// errSignal stands for a signal's cause.
var errSignal = fmt.Errorf("interrupted by SIGTERM: %w", context.Canceled)

// ctxSource answers as fakeSource does while ctx is live; once ctx has
// ended, every query fails with its cause, as prom.HTTP does. onQuery, when
// set, runs first (a signal arriving mid-evaluation).
type ctxSource struct {
	fakeSource
	onQuery func()
}

func (c ctxSource) Query(ctx context.Context, query string, at time.Time) (slo.Result, error) {
	if c.onQuery != nil {
		c.onQuery()
	}
	if ctx.Err() != nil {
		return slo.Result{}, fmt.Errorf("could not query fake: %s while waiting for Prometheus: %w", context.Cause(ctx), ctx.Err())
	}
	return c.fakeSource.Query(ctx, query, at)
}

func TestInterrupted(t *testing.T) {
	live := context.Background()
	canceled, cancel := context.WithCancelCause(live)
	cancel(errSignal)
	expired, stop := context.WithDeadlineCause(live, time.Now().Add(-time.Second), errDeadline)
	defer stop()
	// A signal after the deadline leaves the expired context as it was:
	// its deadline ended it first.
	parent, cancelParent := context.WithCancelCause(live)
	child, stopChild := context.WithDeadlineCause(parent, time.Now().Add(-time.Second), errDeadline)
	defer stopChild()
	cancelParent(errSignal)

	for _, tt := range []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"live", live, nil},
		{"canceled by a signal", canceled, errSignal},
		{"past its deadline", expired, nil},
		{"past its deadline, then a signal", child, nil},
	} {
		if got := app.Interrupted(tt.ctx); got != tt.want {
			t.Errorf("%s: Interrupted = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// When the --timeout deadline has passed, the queries fail with it and the
// gate still decides (on_error) and records the decision.
func TestGateDecidesAfterTheDeadline(t *testing.T) {
	cat := gateCatalog(t)
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	ctx, cancel := context.WithDeadlineCause(context.Background(), time.Now().Add(-time.Second), errDeadline)
	defer cancel()
	req := app.GateRequest{ID: "late", Service: "search", ChangeType: slo.ChangeNormal, CacheDir: t.TempDir(), AuditLog: audit}

	doc, err := app.Gate(ctx, gateEnv(cat, ctxSource{fakeSource: fakeSource{ratio: 0.001}}, gateAt), req)
	if err != nil {
		t.Fatalf("Gate after the deadline: %v; want a decision", err)
	}
	// The standard tier falls back closed without a cached evaluation.
	if doc.Verdict != report.VerdictBlock || doc.ExitCode != app.ExitBlocked || doc.Fallback.Path != report.FallbackFailClosed {
		t.Errorf("%s, exit %d, fallback %s; want block, 3, fail_closed", doc.Verdict, doc.ExitCode, doc.Fallback.Path)
	}
	if doc.Fallback.Error == nil || !strings.Contains(*doc.Fallback.Error, "the --timeout of 2s expired") {
		t.Errorf("fallback error %v: want it to name the --timeout deadline", doc.Fallback.Error)
	}
	if recs := readAudit(t, audit); len(recs) != 1 || recs[0].ID != "late" || recs[0].Verdict != report.VerdictBlock {
		t.Errorf("audit log %+v: want the one block decision", recs)
	}
}

// A signal stops the gate without a decision: nothing is printed, nothing
// recorded, whether it came before or during the evaluation.
func TestGateInterruptedRecordsNothing(t *testing.T) {
	for _, tt := range []struct {
		name   string
		during bool
	}{{"before the evaluation", false}, {"during the evaluation", true}} {
		t.Run(tt.name, func(t *testing.T) {
			cat := gateCatalog(t)
			audit := filepath.Join(t.TempDir(), "audit.jsonl")
			cache := t.TempDir()
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			src := ctxSource{fakeSource: fakeSource{ratio: 0.001}}
			if tt.during {
				src.onQuery = func() { cancel(errSignal) }
			} else {
				cancel(errSignal)
			}
			req := app.GateRequest{ID: "stopped", Service: "search", ChangeType: slo.ChangeNormal, CacheDir: cache, AuditLog: audit}

			doc, err := app.Gate(ctx, gateEnv(cat, src, gateAt), req)
			if doc != nil || !errors.Is(err, errSignal) {
				t.Fatalf("got %+v, %v; want no decision and the signal's error", doc, err)
			}
			if want := "interrupted by SIGTERM"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "no decision was made or recorded") {
				t.Errorf("error %q: want it to say %q and that no decision was made", err, want)
			}
			if _, err := os.Stat(audit); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("an interrupted gate wrote the audit log: %v", err)
			}
			if entries, _ := os.ReadDir(filepath.Join(cache, "gate")); len(entries) != 0 {
				t.Errorf("an interrupted gate refreshed the cache: %v", entries)
			}
		})
	}
}
