package prom_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nines-sre/nines/prom"
)

// A caller's deadline or cancellation with a cause is named in the error,
// with where the query was: waiting for a concurrency slot (never sent) or
// waiting for the server's answer; and told apart from the query's own
// timeout (--query.timeout).
func TestHTTPNamesTheCallersCause(t *testing.T) {
	deadline := errors.New("the --timeout of 200ms expired")
	signal := errors.New("interrupted by SIGTERM")

	// hanging answers nothing until release is closed or the client hangs up.
	hanging := func(t *testing.T) (srv *httptest.Server, requests *atomic.Int64, release func()) {
		requests = &atomic.Int64{}
		done := make(chan struct{})
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-done:
				_, _ = io.WriteString(w, upVector)
			}
		}))
		var once sync.Once
		release = func() { once.Do(func() { close(done) }) }
		t.Cleanup(func() { release(); srv.Close() })
		return srv, requests, release
	}

	t.Run("the deadline passes while the server is asked", func(t *testing.T) {
		t.Parallel()
		srv, _, _ := hanging(t)
		h, _ := newClient(t, srv.URL, func(o *prom.HTTPOptions) { o.Timeout = time.Minute })
		ctx, cancel := context.WithTimeoutCause(context.Background(), 200*time.Millisecond, deadline)
		defer cancel()

		_, err := h.Query(ctx, "up", at)

		want := "the --timeout of 200ms expired while waiting for Prometheus: check that the server answers, or allow more time"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error = %v, want it to contain %q", err, want)
		}
		if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "--query.timeout") {
			t.Errorf("error = %v: want context.DeadlineExceeded, not the per-query timeout", err)
		}
		if prom.IsTransient(err) {
			t.Error("the caller's deadline is reported as transient")
		}
	})
	t.Run("the deadline passes before a slot is free: the query is never sent", func(t *testing.T) {
		t.Parallel()
		srv, requests, release := hanging(t)
		h, _ := newClient(t, srv.URL, func(o *prom.HTTPOptions) { o.Concurrency = 1; o.Timeout = time.Minute })
		first := make(chan error, 1)
		go func() {
			_, err := h.Query(context.Background(), "up", at)
			first <- err
		}()
		for requests.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		ctx, cancel := context.WithTimeoutCause(context.Background(), 200*time.Millisecond, deadline)
		defer cancel()

		_, err := h.Query(ctx, "up", at)
		release()

		want := "the --timeout of 200ms expired before the query was sent"
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %v, want context.DeadlineExceeded and %q", err, want)
		}
		if err := <-first; err != nil {
			t.Errorf("first query: %v", err)
		}
		if n := requests.Load(); n != 1 {
			t.Errorf("server received %d requests, want 1: the second query was sent", n)
		}
	})
	t.Run("a signal while the server is asked", func(t *testing.T) {
		t.Parallel()
		srv, requests, _ := hanging(t)
		h, _ := newClient(t, srv.URL)
		ctx, cancel := context.WithCancelCause(context.Background())
		go func() {
			for requests.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel(signal)
		}()

		_, err := h.Query(ctx, "up", at)

		want := "interrupted by SIGTERM while waiting for Prometheus"
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled and %q", err, want)
		}
		if strings.Contains(err.Error(), "allow more time") {
			t.Errorf("error = %v: a signal is not a deadline", err)
		}
	})
}

// The per-query timeout counts from when the query is sent: queries that
// wait for a concurrency slot longer than the timeout, and each take a
// fifth of it once sent, all succeed.
func TestHTTPQueryTimeoutCountsFromSend(t *testing.T) {
	const (
		timeout = time.Second
		each    = timeout / 5
		queries = 8 // the last waits 7 × each = 1.4 timeouts for its slot
	)
	var inFlight, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(each)
		inFlight.Add(-1)
		_, _ = io.WriteString(w, upVector)
	}))
	defer srv.Close()
	h, _ := newClient(t, srv.URL, func(o *prom.HTTPOptions) { o.Concurrency = 1; o.Timeout = timeout; o.MaxRetries = 0 })

	var wg sync.WaitGroup
	errs := make(chan error, queries)
	for range queries {
		wg.Go(func() {
			_, err := h.Query(context.Background(), "up", at)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Query: %v; want every query answered: the wait for a slot is not the query's time", err)
		}
	}
	if p := peak.Load(); p != 1 {
		t.Errorf("server saw %d queries in flight, want 1: they must queue for the slot", p)
	}
}
