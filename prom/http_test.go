package prom_test

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// reply is one canned answer of the fake Prometheus.
type reply struct {
	status int // 0 means 200
	body   string
	header map[string]string
	hang   bool // answer nothing until the client gives up
}

// fakeProm answers requests with replies in order, repeating the last one,
// and counts the requests it receives.
type fakeProm struct {
	*httptest.Server
	requests atomic.Int64
}

func newFakeProm(t *testing.T, replies ...reply) *fakeProm {
	t.Helper()
	f := &fakeProm{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(f.requests.Add(1))
		rep := replies[min(n, len(replies))-1]
		if rep.hang {
			// Read the body first: only then does the server notice the
			// client hanging up, which ends r.Context().
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		for k, v := range rep.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(cmp.Or(rep.status, http.StatusOK))
		_, _ = io.WriteString(w, rep.body)
	}))
	t.Cleanup(f.Close)
	return f
}

// logBuffer collects the client's log lines as JSON.
type logBuffer struct{ bytes.Buffer }

// lines decodes the log lines whose message is msg.
func (b *logBuffer) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, sc.Text())
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

const retryMsg = "prometheus query failed, retrying"

// newClient builds a client with fast backoffs and debug logs into the
// returned buffer; opts adjusts the options.
func newClient(t *testing.T, url string, opts ...func(*prom.HTTPOptions)) (*prom.HTTP, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	o := prom.HTTPOptions{
		URL:           url,
		Timeout:       2 * time.Second,
		MaxRetries:    2,
		BackoffBase:   time.Millisecond,
		BackoffMax:    2 * time.Millisecond,
		RetryAfterMax: 20 * time.Millisecond,
		Logger:        slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range opts {
		f(&o)
	}
	h, err := prom.NewHTTP(o)
	if err != nil {
		t.Fatalf("NewHTTP: %v", err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h, logs
}

const (
	evalTime = 1767225600 // 2026-01-01T00:00:00Z

	upVector = `{"status":"success","data":{"resultType":"vector","result":[
		{"metric":{"__name__":"up","job":"api"},"value":[1767225600,"1"]},
		{"metric":{"__name__":"up","job":"db"},"value":[1767225600,"0.5"]}]}}`
)

var (
	upResult = slo.Result{Samples: []slo.Sample{
		{Labels: map[string]string{"__name__": "up", "job": "api"}, Value: 1},
		{Labels: map[string]string{"__name__": "up", "job": "db"}, Value: 0.5},
	}}
	at = time.Unix(evalTime, 0).UTC()
)

func apiError(errType, msg string) string {
	b, _ := json.Marshal(map[string]string{"status": "error", "errorType": errType, "error": msg})
	return string(b)
}

// sameFloat compares floats that were decoded, not computed: exactly, with
// NaN equal to NaN.
func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func checkResult(t *testing.T, got, want slo.Result) {
	t.Helper()
	if len(got.Samples) != len(want.Samples) {
		t.Fatalf("got %d samples %v, want %d %v", len(got.Samples), got.Samples, len(want.Samples), want.Samples)
	}
	for i := range want.Samples {
		g, w := got.Samples[i], want.Samples[i]
		if !maps.Equal(g.Labels, w.Labels) || !sameFloat(g.Value, w.Value) || g.Labels == nil {
			t.Errorf("sample %d = %v %v, want %v %v", i, g.Labels, g.Value, w.Labels, w.Value)
		}
	}
	if strings.Join(got.Warnings, "|") != strings.Join(want.Warnings, "|") {
		t.Errorf("warnings = %q, want %q", got.Warnings, want.Warnings)
	}
}

// TestHTTPQueryFaults is the fault matrix: for each server behaviour, the
// exact outcome and how many requests the server received, which proves
// what is retried and what is not.
func TestHTTPQueryFaults(t *testing.T) {
	type testCase struct {
		name          string
		replies       []reply
		opts          func(*prom.HTTPOptions)
		want          slo.Result // when wantErr is empty
		wantErr       string
		wantTransient bool
		wantRequests  int64
	}
	cases := []testCase{
		{
			name:         "a vector becomes one sample per series with its labels",
			replies:      []reply{{body: upVector}},
			want:         upResult,
			wantRequests: 1,
		},
		{
			name:         "an empty vector is an empty result, not an error",
			replies:      []reply{{body: `{"status":"success","data":{"resultType":"vector","result":[]}}`}},
			want:         slo.Result{},
			wantRequests: 1,
		},
		{
			name: "NaN and infinite values are passed through unchanged",
			replies: []reply{{body: `{"status":"success","data":{"resultType":"vector","result":[
				{"metric":{"slo":"a"},"value":[1767225600,"NaN"]},
				{"metric":{"slo":"b"},"value":[1767225600,"+Inf"]},
				{"metric":{"slo":"c"},"value":[1767225600,"-Inf"]}]}}`}},
			want: slo.Result{Samples: []slo.Sample{
				{Labels: map[string]string{"slo": "a"}, Value: math.NaN()},
				{Labels: map[string]string{"slo": "b"}, Value: math.Inf(1)},
				{Labels: map[string]string{"slo": "c"}, Value: math.Inf(-1)},
			}},
			wantRequests: 1,
		},
		{
			name:         "a scalar becomes one sample without labels",
			replies:      []reply{{body: `{"status":"success","data":{"resultType":"scalar","result":[1767225600,"0.999"]}}`}},
			want:         slo.Result{Samples: []slo.Sample{{Labels: map[string]string{}, Value: 0.999}}},
			wantRequests: 1,
		},
		{
			name: "warnings and info annotations are kept in the result",
			replies: []reply{{body: `{"status":"success","data":{"resultType":"vector","result":[]},
				"warnings":["partial response: store eu-1 unavailable"],
				"infos":["PromQL info: metric might not be a counter","no prefix"]}`}},
			want: slo.Result{Warnings: []string{
				"partial response: store eu-1 unavailable",
				"PromQL info: metric might not be a counter",
				"PromQL info: no prefix",
			}},
			wantRequests: 1,
		},
		{
			name:         "a string result is an error naming the query",
			replies:      []reply{{body: `{"status":"success","data":{"resultType":"string","result":[1767225600,"hello"]}}`}},
			wantErr:      `query "up" returned a string, not a vector or a scalar: fix the query in the spec`,
			wantRequests: 1,
		},
		{
			name:         "a range vector from an instant query is an error",
			replies:      []reply{{body: `{"status":"success","data":{"resultType":"matrix","result":[]}}`}},
			wantErr:      `query "up" returned a range vector (matrix), not an instant vector or a scalar`,
			wantRequests: 1,
		},
		{
			name: "native histogram samples are an error, not zeros",
			replies: []reply{{body: `{"status":"success","data":{"resultType":"vector","result":[
				{"metric":{"job":"api"},"histogram":[1767225600,{"count":"3","sum":"1.5","buckets":[]}]}]}}`}},
			wantErr:      `returned native histograms ({job="api"}), not numbers: wrap it in histogram_count()`,
			wantRequests: 1,
		},
		{
			name:         "a 500 is not retried and carries the server's message",
			replies:      []reply{{status: 500, body: "boom", header: map[string]string{"Content-Type": "text/plain"}}},
			wantErr:      "could not query Prometheus at SERVER: server answered 500 Internal Server Error: boom: see the server's logs",
			wantRequests: 1,
		},
		{
			name:         "a 400 is not retried and carries the server's message",
			replies:      []reply{{status: 400, body: apiError("bad_data", "1:3: parse error: unclosed left parenthesis")}},
			wantErr:      `query "up" rejected (400 bad_data): 1:3: parse error: unclosed left parenthesis: fix the query in the spec`,
			wantRequests: 1,
		},
		{
			name:         "a 422 is not retried and carries the server's message",
			replies:      []reply{{status: 422, body: apiError("execution", "query processing would load too many samples into memory")}},
			wantErr:      `query "up" rejected (422 execution): query processing would load too many samples into memory: check the query and the server's query limits`,
			wantRequests: 1,
		},
		{
			name:         "a 401 is not retried and points at the credentials",
			replies:      []reply{{status: 401, body: "unauthorized", header: map[string]string{"Content-Type": "text/plain"}}},
			wantErr:      "server answered 401 Unauthorized: unauthorized: check the credentials (and tenant header) in --http.config.file",
			wantRequests: 1,
		},
		{
			name:         "a 404 is not retried and points at the path prefix",
			replies:      []reply{{status: 404, body: "404 page not found", header: map[string]string{"Content-Type": "text/plain"}}},
			wantErr:      "server answered 404 Not Found: 404 page not found: check --prometheus.url, including any path prefix such as /prometheus",
			wantRequests: 1,
		},
		{
			name:         "an HTML page instead of JSON is an error and is not retried",
			replies:      []reply{{body: "<html><body>login</body></html>", header: map[string]string{"Content-Type": "text/html"}}},
			wantErr:      "could not decode the response (invalid character '<' looking for beginning of value): check that --prometheus.url points at a Prometheus-compatible API",
			wantRequests: 1,
		},
		{
			name:         "a truncated JSON body is an error and is not retried",
			replies:      []reply{{body: `{"status":"success","data":{"resultType":"vector","result":[`}},
			wantErr:      "could not decode the response (unexpected end of JSON input)",
			wantRequests: 1,
		},
		{
			name:          "a query that runs out of time on the server is not retried",
			replies:       []reply{{status: 503, body: apiError("timeout", "query timed out in expression evaluation")}},
			wantErr:       "query timed out on the server (503 Service Unavailable: query timed out in expression evaluation): simplify the query or raise --query.timeout",
			wantTransient: true,
			wantRequests:  1,
		},
		{
			name:          "a query that outlives the per-query timeout fails and is not retried",
			replies:       []reply{{hang: true}},
			opts:          func(o *prom.HTTPOptions) { o.Timeout = 100 * time.Millisecond },
			wantErr:       "could not query Prometheus at SERVER: query timed out after 100ms (--query.timeout): simplify the query or raise --query.timeout",
			wantTransient: true,
			wantRequests:  1,
		},
		{
			name:         "a 429 without Retry-After is retried with backoff",
			replies:      []reply{{status: 429, body: "slow down"}, {body: upVector}},
			want:         upResult,
			wantRequests: 2,
		},
		{
			name:          "a 429 that persists fails after MaxRetries retries",
			replies:       []reply{{status: 429, body: "slow down", header: map[string]string{"Retry-After": "1"}}},
			wantErr:       "server answered 429 Too Many Requests: slow down (2 retries): the server is rate limiting; try again later or lower --query.concurrency",
			wantTransient: true,
			wantRequests:  3,
		},
		{
			name:          "a proxy's HTML error page is left out of the message",
			replies:       []reply{{status: 502, body: "<html><h1>502 Bad Gateway</h1></html>", header: map[string]string{"Content-Type": "text/html"}}},
			wantErr:       "server answered 502 Bad Gateway (2 retries): the server or a proxy in front of it is unavailable; try again later",
			wantTransient: true,
			wantRequests:  3,
		},
		{
			name:          "with no retries configured a 503 fails at once",
			replies:       []reply{{status: 503, body: "restarting"}, {body: upVector}},
			opts:          func(o *prom.HTTPOptions) { o.MaxRetries = 0 },
			wantErr:       "server answered 503 Service Unavailable: restarting: the server or a proxy",
			wantTransient: true,
			wantRequests:  1,
		},
	}
	for _, code := range []int{502, 503, 504} {
		text := http.StatusText(code)
		cases = append(cases,
			testCase{
				name:         "a " + text + " is retried and a later success is returned",
				replies:      []reply{{status: code, body: "down"}, {status: code, body: "down"}, {body: upVector}},
				want:         upResult,
				wantRequests: 3,
			},
			testCase{
				name:          "a " + text + " that persists fails after MaxRetries+1 attempts",
				replies:       []reply{{status: code, body: "down"}},
				wantErr:       "server answered " + statusLine(code) + ": down (2 retries): the server or a proxy in front of it is unavailable",
				wantTransient: true,
				wantRequests:  3,
			})
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFakeProm(t, tc.replies...)
			var opts []func(*prom.HTTPOptions)
			if tc.opts != nil {
				opts = append(opts, tc.opts)
			}
			h, _ := newClient(t, srv.URL, opts...)

			got, err := h.Query(context.Background(), "up", at)

			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Query: %v", err)
				}
				checkResult(t, got, tc.want)
			} else {
				want := strings.ReplaceAll(tc.wantErr, "SERVER", srv.URL)
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("error = %v\nwant it to contain %q", err, want)
				}
				if !strings.HasPrefix(err.Error(), "could not query Prometheus at "+srv.URL+": ") {
					t.Errorf("error %q does not say what could not be done", err)
				}
				if prom.IsTransient(err) != tc.wantTransient {
					t.Errorf("IsTransient = %v, want %v", !tc.wantTransient, tc.wantTransient)
				}
			}
			if n := srv.requests.Load(); n != tc.wantRequests {
				t.Errorf("server received %d requests, want %d", n, tc.wantRequests)
			}
		})
	}
}

// statusLine is "503 Service Unavailable".
func statusLine(code int) string { return strconv.Itoa(code) + " " + http.StatusText(code) }

// TestHTTPRetryAfter checks the delay the client chose, from its retry log
// line, rather than timing a sleep.
func TestHTTPRetryAfter(t *testing.T) {
	cases := []struct {
		name           string
		status         int
		retryAfter     string
		wantDelay      time.Duration // exact, unless wantBackoff
		wantBackoff    bool          // random delay within [0, BackoffMax]
		wantRetryAfter time.Duration // -1: no retry_after in the log line
	}{
		{
			name:           "Retry-After in seconds is honoured up to RetryAfterMax",
			status:         429,
			retryAfter:     "1",
			wantDelay:      20 * time.Millisecond,
			wantRetryAfter: time.Second,
		},
		{
			name:           "Retry-After as an HTTP date in the past means retry at once",
			status:         429,
			retryAfter:     "Sat, 01 Jan 2000 00:00:00 GMT",
			wantDelay:      0,
			wantRetryAfter: 0,
		},
		{
			name:           "Retry-After on a 503 is honoured too",
			status:         503,
			retryAfter:     "120",
			wantDelay:      20 * time.Millisecond,
			wantRetryAfter: 2 * time.Minute,
		},
		{
			name:           "an unreadable Retry-After falls back to backoff",
			status:         429,
			retryAfter:     "soon",
			wantBackoff:    true,
			wantRetryAfter: -1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFakeProm(t,
				reply{status: tc.status, body: "busy", header: map[string]string{"Retry-After": tc.retryAfter}},
				reply{body: upVector})
			h, logs := newClient(t, srv.URL)

			got, err := h.Query(context.Background(), "up", at)
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			checkResult(t, got, upResult)
			if n := srv.requests.Load(); n != 2 {
				t.Errorf("server received %d requests, want 2", n)
			}

			lines := logs.lines(t, retryMsg)
			if len(lines) != 1 {
				t.Fatalf("got %d retry log lines, want 1: %s", len(lines), logs.String())
			}
			l := lines[0]
			if l["level"] != "INFO" || l["attempt"] != 1.0 || l["max_attempts"] != 3.0 || l["status"] != float64(tc.status) || l["error"] != "busy" {
				t.Errorf("retry log line = %v, want level INFO, attempt 1 of 3, status %d, error busy", l, tc.status)
			}
			delay := time.Duration(l["delay"].(float64))
			if tc.wantBackoff {
				if delay < 0 || delay > 2*time.Millisecond {
					t.Errorf("delay = %s, want within [0, BackoffMax 2ms]", delay)
				}
			} else if delay != tc.wantDelay {
				t.Errorf("delay = %s, want %s", delay, tc.wantDelay)
			}
			ra, ok := l["retry_after"].(float64)
			switch {
			case tc.wantRetryAfter < 0 && ok:
				t.Errorf("retry_after = %s, want none", time.Duration(ra))
			case tc.wantRetryAfter >= 0 && (!ok || time.Duration(ra) != tc.wantRetryAfter):
				t.Errorf("retry_after = %v, want %s", l["retry_after"], tc.wantRetryAfter)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header string
		want   time.Duration
		wantOK bool
	}{
		{"a missing header means no advice", "", 0, false},
		{"delay-seconds are seconds", "120", 2 * time.Minute, true},
		{"surrounding spaces are ignored", " 3 ", 3 * time.Second, true},
		{"an HTTP date is relative to now", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"an HTTP date in the past means no wait", "Sat, 01 Jan 2000 00:00:00 GMT", 0, true},
		{"negative seconds are unreadable", "-1", 0, false},
		{"fractional seconds are unreadable", "1.5", 0, false},
		{"words are unreadable", "soon", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := prom.ParseRetryAfter(tc.header, now)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", tc.header, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

// closedAddr is the address of a listener that no longer listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// hangUpServer accepts connections and closes them without an answer; it
// counts the connections.
func hangUpServer(t *testing.T) (addr string, conns *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	conns = &atomic.Int64{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	return ln.Addr().String(), conns
}

func TestHTTPConnectionFailures(t *testing.T) {
	t.Run("a refused connection is retried MaxRetries times, then fails", func(t *testing.T) {
		url := "http://" + closedAddr(t)
		h, logs := newClient(t, url)

		_, err := h.Query(context.Background(), "up", at)

		want := "connection refused (2 retries): check --prometheus.url and that the server is up"
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "could not query Prometheus at "+url+": ") {
			t.Fatalf("error = %v, want it to start with the URL and contain %q", err, want)
		}
		if !prom.IsTransient(err) {
			t.Error("a refused connection is not transient")
		}
		if n := len(logs.lines(t, retryMsg)); n != 2 {
			t.Errorf("logged %d retries, want 2", n)
		}
	})
	t.Run("a connection closed before any response is retried", func(t *testing.T) {
		addr, conns := hangUpServer(t)
		h, _ := newClient(t, "http://"+addr)

		_, err := h.Query(context.Background(), "up", at)

		if err == nil || !strings.Contains(err.Error(), "(2 retries): check --prometheus.url and that the server is up") {
			t.Fatalf("error = %v, want a connection error after 2 retries", err)
		}
		if n := conns.Load(); n != 3 {
			t.Errorf("server accepted %d connections, want 3", n)
		}
	})
}

func TestHTTPCancellation(t *testing.T) {
	slowDown := reply{status: 429, body: "slow down", header: map[string]string{"Retry-After": "10"}}
	waitLong := func(o *prom.HTTPOptions) { o.RetryAfterMax = time.Minute }

	t.Run("canceling the context during a backoff returns at once", func(t *testing.T) {
		t.Parallel()
		srv := newFakeProm(t, slowDown)
		h, _ := newClient(t, srv.URL, waitLong)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)

		start := time.Now()
		_, err := h.Query(ctx, "up", at)

		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("Query returned after %s, want promptly after the cancellation", elapsed)
		}
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "context canceled") {
			t.Errorf("error = %v, want context.Canceled", err)
		}
		if prom.IsTransient(err) {
			t.Error("the caller's cancellation is reported as transient")
		}
		if n := srv.requests.Load(); n != 1 {
			t.Errorf("server received %d requests, want 1", n)
		}
	})
	t.Run("a retry the server wants after the caller's deadline is not waited for", func(t *testing.T) {
		t.Parallel()
		srv := newFakeProm(t, slowDown)
		h, _ := newClient(t, srv.URL, waitLong)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()

		start := time.Now()
		_, err := h.Query(ctx, "up", at)

		if elapsed := time.Since(start); elapsed > time.Second {
			t.Errorf("Query returned after %s, want at once", elapsed)
		}
		want := "server answered 429 Too Many Requests: slow down (not retried: waiting 10s would pass the deadline)"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to contain %q", err, want)
		}
		if n := srv.requests.Load(); n != 1 {
			t.Errorf("server received %d requests, want 1", n)
		}
	})
	t.Run("waiting for a free slot stops when the context ends", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		var requests atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			<-release
			_, _ = io.WriteString(w, upVector)
		}))
		defer srv.Close()
		h, _ := newClient(t, srv.URL, func(o *prom.HTTPOptions) { o.Concurrency = 1 })

		first := make(chan error, 1)
		go func() {
			_, err := h.Query(context.Background(), "up", at)
			first <- err
		}()
		for requests.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := h.Query(ctx, "up", at)
		close(release)

		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %v, want context.DeadlineExceeded", err)
		}
		if err := <-first; err != nil {
			t.Errorf("first query: %v", err)
		}
		if n := requests.Load(); n != 1 {
			t.Errorf("server received %d requests, want 1", n)
		}
	})
}

func TestHTTPConcurrencyIsBounded(t *testing.T) {
	var inFlight, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(30 * time.Millisecond)
		inFlight.Add(-1)
		_, _ = io.WriteString(w, upVector)
	}))
	defer srv.Close()
	h, _ := newClient(t, srv.URL, func(o *prom.HTTPOptions) { o.Concurrency = 2 })

	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Go(func() {
			_, err := h.Query(context.Background(), "up", at)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Query: %v", err)
		}
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("server saw at most %d queries in flight, want 2 (the bound, reached)", p)
	}
}

func TestHTTPRequest(t *testing.T) {
	var (
		mu  sync.Mutex
		got struct{ method, path, query, time, timeout string }
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		got.method, got.path = r.Method, r.URL.Path
		got.query, got.time, got.timeout = r.FormValue("query"), r.FormValue("time"), r.FormValue("timeout")
		_, _ = io.WriteString(w, upVector)
	}))
	defer srv.Close()
	h, _ := newClient(t, srv.URL+"/prometheus/", func(o *prom.HTTPOptions) { o.Timeout = 1500 * time.Millisecond })

	if _, err := h.Query(context.Background(), `sum(rate(http_requests_total{code=~"5.."}[5m]))`, at.Add(500*time.Millisecond)); err != nil {
		t.Fatalf("Query: %v", err)
	}

	want := struct{ method, path, query, time, timeout string }{
		method:  http.MethodPost,
		path:    "/prometheus/api/v1/query",
		query:   `sum(rate(http_requests_total{code=~"5.."}[5m]))`,
		time:    "1767225600.5",
		timeout: "1.5s",
	}
	mu.Lock()
	defer mu.Unlock()
	if got != want {
		t.Errorf("request = %+v\nwant      %+v", got, want)
	}
	if s := h.String(); s != "prometheus "+srv.URL+"/prometheus" {
		t.Errorf("String() = %q", s)
	}
}

func TestHTTPQueryRange(t *testing.T) {
	t.Run("a matrix becomes series of points", func(t *testing.T) {
		var (
			mu   sync.Mutex
			form struct{ start, end, step string }
		)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if r.URL.Path != "/api/v1/query_range" {
				http.NotFound(w, r)
				return
			}
			form.start, form.end, form.step = r.FormValue("start"), r.FormValue("end"), r.FormValue("step")
			_, _ = io.WriteString(w, `{"status":"success","warnings":["partial response"],"data":{"resultType":"matrix","result":[
				{"metric":{"job":"api"},"values":[[1767225600,"0.99"],[1767225660,"NaN"]]},
				{"metric":{"job":"db"},"values":[[1767225660,"1"]]}]}}`)
		}))
		defer srv.Close()
		h, _ := newClient(t, srv.URL)

		got, err := h.QueryRange(context.Background(), "slo:ratio", at, at.Add(time.Minute), time.Minute)
		if err != nil {
			t.Fatalf("QueryRange: %v", err)
		}

		mu.Lock()
		defer mu.Unlock()
		if form.start != "1767225600" || form.end != "1767225660" || form.step != "60" {
			t.Errorf("start, end, step = %s, %s, %s; want 1767225600, 1767225660, 60", form.start, form.end, form.step)
		}
		want := slo.RangeResult{
			Series: []slo.Series{
				{Labels: map[string]string{"job": "api"}, Points: []slo.Point{{T: at, V: 0.99}, {T: at.Add(time.Minute), V: math.NaN()}}},
				{Labels: map[string]string{"job": "db"}, Points: []slo.Point{{T: at.Add(time.Minute), V: 1}}},
			},
			Warnings: []string{"partial response"},
		}
		if len(got.Series) != len(want.Series) {
			t.Fatalf("got %d series, want %d", len(got.Series), len(want.Series))
		}
		for i, ws := range want.Series {
			gs := got.Series[i]
			if !maps.Equal(gs.Labels, ws.Labels) || len(gs.Points) != len(ws.Points) {
				t.Fatalf("series %d = %v, want %v", i, gs, ws)
			}
			for j, wp := range ws.Points {
				if gp := gs.Points[j]; !gp.T.Equal(wp.T) || !sameFloat(gp.V, wp.V) {
					t.Errorf("series %d point %d = %v, want %v", i, j, gp, wp)
				}
			}
		}
		if strings.Join(got.Warnings, "|") != "partial response" {
			t.Errorf("warnings = %q, want [partial response]", got.Warnings)
		}
	})
	t.Run("an instant vector from a range query is an error", func(t *testing.T) {
		srv := newFakeProm(t, reply{body: upVector})
		h, _ := newClient(t, srv.URL)
		_, err := h.QueryRange(context.Background(), "up", at, at.Add(time.Hour), time.Minute)
		want := `query "up" returned an instant vector, not a range vector (matrix)`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to contain %q", err, want)
		}
	})
	t.Run("a step that is not positive is an error without a request", func(t *testing.T) {
		srv := newFakeProm(t, reply{body: upVector})
		h, _ := newClient(t, srv.URL)
		_, err := h.QueryRange(context.Background(), "up", at, at.Add(time.Hour), 0)
		if err == nil || !strings.Contains(err.Error(), `range query "up" needs a positive step, not 0s`) {
			t.Errorf("error = %v", err)
		}
		if n := srv.requests.Load(); n != 0 {
			t.Errorf("server received %d requests, want 0", n)
		}
	})
}

// authServer answers 200 only to requests check accepts, else 401.
func authServer(t *testing.T, check func(r *http.Request) bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !check(r) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, upVector)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTPCredentials(t *testing.T) {
	cases := []struct {
		name   string
		file   string
		user   string // URL userinfo
		accept func(r *http.Request) bool
	}{
		{
			name: "a bearer token and an X-Scope-OrgID header from the config file are sent",
			file: "testdata/http.conf.bearer.good.yml",
			accept: func(r *http.Request) bool {
				return r.Header.Get("Authorization") == "Bearer nines-test-bearer-s3cr3t" &&
					r.Header.Get("X-Scope-OrgID") == "tenant-a"
			},
		},
		{
			name: "basic auth with a password file relative to the config file is sent",
			file: "testdata/http.conf.basic.good.yml",
			accept: func(r *http.Request) bool {
				u, p, ok := r.BasicAuth()
				return ok && u == "nines" && p == "nines-test-basic-s3cr3t"
			},
		},
		{
			name: "userinfo in the URL is sent as basic auth",
			user: "alice:hunter2-s3cr3t@",
			accept: func(r *http.Request) bool {
				u, p, ok := r.BasicAuth()
				return ok && u == "alice" && p == "hunter2-s3cr3t"
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := authServer(t, tc.accept)
			url := strings.Replace(srv.URL, "http://", "http://"+tc.user, 1)
			h, _ := newClient(t, url, func(o *prom.HTTPOptions) { o.HTTPConfigFile = tc.file })
			got, err := h.Query(context.Background(), "up", at)
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			checkResult(t, got, upResult)
		})
	}
}

// TestHTTPSecretsNeverLeak runs each way of giving credentials against a
// server that echoes the Authorization header in its errors (as some
// proxies do), and searches every error, log line and String() for them.
func TestHTTPSecretsNeverLeak(t *testing.T) {
	echo := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "upstream unavailable; request had Authorization="+r.Header.Get("Authorization"))
	}
	basic := func(user, pass string) string {
		return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	}
	cases := []struct {
		name    string
		file    string
		user    string // URL userinfo
		refused bool   // no server at all
		secrets []string
	}{
		{
			name:    "a bearer token from the config file",
			file:    "testdata/http.conf.bearer.good.yml",
			secrets: []string{"nines-test-bearer-s3cr3t"},
		},
		{
			name:    "a basic-auth password from a password file",
			file:    "testdata/http.conf.basic.good.yml",
			secrets: []string{"nines-test-basic-s3cr3t", basic("nines", "nines-test-basic-s3cr3t")},
		},
		{
			name:    "userinfo in the URL",
			user:    "alice:hunter2-s3cr3t@",
			secrets: []string{"alice", "hunter2-s3cr3t", basic("alice", "hunter2-s3cr3t")},
		},
		{
			name:    "userinfo in the URL of a server that refuses connections",
			user:    "alice:hunter2-s3cr3t@",
			refused: true,
			secrets: []string{"alice", "hunter2-s3cr3t"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := closedAddr(t)
			if !tc.refused {
				srv := httptest.NewServer(http.HandlerFunc(echo))
				t.Cleanup(srv.Close)
				addr = strings.TrimPrefix(srv.URL, "http://")
			}
			h, logs := newClient(t, "http://"+tc.user+addr, func(o *prom.HTTPOptions) { o.HTTPConfigFile = tc.file })

			_, err := h.Query(context.Background(), "up", at)
			if err == nil {
				t.Fatal("Query succeeded against a failing server")
			}
			if !tc.refused && !strings.Contains(err.Error(), "Authorization=") {
				t.Fatalf("error %q does not show the echo, so the test proves nothing", err)
			}
			_, rangeErr := h.QueryRange(context.Background(), "up", at, at.Add(time.Hour), time.Minute)

			for _, out := range []struct{ what, text string }{
				{"Query error", err.Error()},
				{"QueryRange error", rangeErr.Error()},
				{"log", logs.String()},
				{"String()", h.String()},
			} {
				for _, s := range tc.secrets {
					if strings.Contains(out.text, s) {
						t.Errorf("%s contains secret %q:\n%s", out.what, s, out.text)
					}
				}
			}
			if n := len(logs.lines(t, retryMsg)); n == 0 {
				t.Error("no retry was logged, so the logs prove nothing")
			}
		})
	}
}

func TestNewHTTP(t *testing.T) {
	good := []struct {
		name, url, want string
	}{
		{"a plain URL is shown as given", "http://prometheus:9090", "prometheus http://prometheus:9090"},
		{"a path prefix is kept without its trailing slash", "https://mimir.example.com/prometheus/", "prometheus https://mimir.example.com/prometheus"},
		{"userinfo is not shown", "http://alice:hunter2-s3cr3t@thanos:10902", "prometheus http://thanos:10902"},
		{"query values are masked", "http://vm:8428/select/0/prometheus/?token=abcd-s3cr3t&extra", "prometheus http://vm:8428/select/0/prometheus?token=xxxxx&xxxxx"},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			h, err := prom.NewHTTP(prom.HTTPOptions{URL: tc.url})
			if err != nil {
				t.Fatalf("NewHTTP: %v", err)
			}
			if got := h.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}

	bad := []struct {
		name    string
		opts    prom.HTTPOptions
		wantErr string
	}{
		{
			name:    "an empty URL says what to give",
			opts:    prom.HTTPOptions{},
			wantErr: "no Prometheus URL: give the base URL of the API, e.g. http://prometheus:9090",
		},
		{
			name:    "a URL without a scheme suggests http",
			opts:    prom.HTTPOptions{URL: "alice:hunter2-s3cr3t@localhost:9090"},
			wantErr: `invalid Prometheus URL "localhost:9090": the scheme must be http or https: did you mean http://localhost:9090?`,
		},
		{
			name:    "a scheme other than http or https is refused",
			opts:    prom.HTTPOptions{URL: "ftp://alice:hunter2-s3cr3t@prometheus:9090"},
			wantErr: `invalid Prometheus URL "ftp://prometheus:9090": the scheme must be http or https`,
		},
		{
			name:    "a URL without a host is refused",
			opts:    prom.HTTPOptions{URL: "http:///api"},
			wantErr: `invalid Prometheus URL "http:///api": no host`,
		},
		{
			name:    "a URL that does not parse is refused without its userinfo",
			opts:    prom.HTTPOptions{URL: "http://alice:hunter2-s3cr3t@[::1"},
			wantErr: `invalid Prometheus URL "http://[::1": missing ']' in host`,
		},
		{
			name:    "a password with an unescaped / is not shown in part by the parser's message",
			opts:    prom.HTTPOptions{URL: "http://alice:hunter2/s3cr3t@prometheus:9090/?token=s3cr3t-too"},
			wantErr: `invalid Prometheus URL "http://prometheus:9090/?token=xxxxx": it does not parse (percent-encode special characters in the user name, password and query)`,
		},
		{
			name:    "a URL ending in /api/v1 asks for the base URL",
			opts:    prom.HTTPOptions{URL: "http://prometheus:9090/api/v1/"},
			wantErr: `invalid Prometheus URL "http://prometheus:9090/api/v1/": leave out /api/v1`,
		},
		{
			name:    "a negative timeout is refused",
			opts:    prom.HTTPOptions{URL: "http://prometheus:9090", Timeout: -time.Second},
			wantErr: "negative query timeout -1s",
		},
		{
			name:    "a missing config file is named",
			opts:    prom.HTTPOptions{URL: "http://prometheus:9090", HTTPConfigFile: "testdata/missing.yml"},
			wantErr: `could not load HTTP config file "testdata/missing.yml": open testdata/missing.yml: no such file or directory`,
		},
		{
			name:    "credentials in both the URL and the config file are refused",
			opts:    prom.HTTPOptions{URL: "http://alice:hunter2-s3cr3t@prometheus:9090", HTTPConfigFile: "testdata/http.conf.bearer.good.yml"},
			wantErr: `credentials given both in the Prometheus URL and in HTTP config file "testdata/http.conf.bearer.good.yml": keep one`,
		},
	}
	files, err := filepath.Glob("testdata/http.conf.*.bad.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad config files: %v", err)
	}
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, want, ok := strings.Cut(string(content), "# want error: ")
		if !ok {
			t.Fatalf("%s has no \"# want error: \" line", f)
		}
		want, _, _ = strings.Cut(want, "\n")
		bad = append(bad, struct {
			name    string
			opts    prom.HTTPOptions
			wantErr string
		}{
			name:    "config file " + filepath.Base(f) + " is refused",
			opts:    prom.HTTPOptions{URL: "http://prometheus:9090", HTTPConfigFile: f},
			wantErr: want,
		})
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := prom.NewHTTP(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v\nwant it to contain %q", err, tc.wantErr)
			}
			for _, s := range []string{"s3cr3t", "alice"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error contains %q: %v", s, err)
				}
			}
		})
	}
}
