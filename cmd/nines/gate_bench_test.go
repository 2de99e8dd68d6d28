package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/internal/scenario"
	"github.com/nines-sre/nines/slo"
)

// gateQueries lists the distinct PromQL queries the gate sends for the SLOs
// of service at at, as slo.Evaluate builds them: the SLI over the SLO
// window's elapsed part and over every alert window.
func gateQueries(b *testing.B, specs, service string, at time.Time) []string {
	b.Helper()
	cat, err := slo.Load([]string{specs}, slo.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	add := func(q slo.Queries) {
		for _, s := range q.All() {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	for _, svc := range cat.Services {
		if svc.Name != service {
			continue
		}
		for _, s := range svc.SLOs {
			start, length := s.Window.Bounds(at)
			add(s.SLI.Queries(min(at.Sub(start), length)))
			for _, w := range budget.Windows(s.Alerts) {
				add(s.SLI.Queries(w))
			}
		}
	}
	if len(out) == 0 {
		b.Fatalf("service %s has no queries", service)
	}
	return out
}

// directClient is a plain client with the transport settings that matter
// here as the gate has them (prometheus/common's): no gzip, since compressing
// small answers costs the server more than it saves on loopback.
func directClient(concurrency int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, DisableCompression: true}}
}

// queryDirectly sends queries to Prometheus at once, at most concurrency in
// flight, and decodes each answer: the floor the gate is measured against.
// A nil client means a fresh one, as a new process would have.
func queryDirectly(client *http.Client, base string, queries []string, at time.Time, concurrency int) error {
	if client == nil {
		client = directClient(concurrency)
		defer client.CloseIdleConnections()
	}
	sem := make(chan struct{}, concurrency)
	errs := make(chan error, len(queries))
	var wg sync.WaitGroup
	for _, q := range queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			form := url.Values{"query": {q}, "time": {strconv.FormatInt(at.Unix(), 10)}}
			resp, err := client.Post(base+"/api/v1/query", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			var body struct {
				Status string          `json:"status"`
				Data   json.RawMessage `json:"data"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Status != "success" {
				errs <- fmt.Errorf("query %q: status %q: %v", q, body.Status, err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// BenchmarkGate compares the wall time of `nines gate` (in process: specs
// loaded and checked, SLOs evaluated, decision made, rendered as JSON and
// cached) with the same PromQL queries sent directly, with the same
// concurrency, to the same real Prometheus, in the same iterations. It
// reports the times and the ratios gate/direct (a fresh client, as a new
// process has) and gate/warm (connections kept between runs); the goal is
// at most 1.15.
//
//	go test ./cmd/nines -run '^$' -bench BenchmarkGate -benchtime 200x
func BenchmarkGate(b *testing.B) {
	b.Run("scenario", func(b *testing.B) {
		om, _ := scenario.Generate()
		srv := promtest.Start(b, om)
		specs := b.TempDir()
		if err := scenario.WriteSpecs(specs); err != nil {
			b.Fatal(err)
		}
		for _, service := range []string{"steady", "burning"} {
			benchGate(b, srv.URL, specs, service, scenario.At)
		}
	})
	b.Run("30d", func(b *testing.B) {
		om, at := benchData30d()
		srv := promtest.Start(b, om)
		specs := b.TempDir()
		files := map[string]string{"tiers.yaml": scenario.Specs["tiers.yaml"], "api.yaml": benchSpec30d}
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(specs, name), []byte(body), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		benchGate(b, srv.URL, specs, "api", at)
	})
}

// benchSpec30d is an SLO over 30 days of 20 series.
const benchSpec30d = `version: nines/v1
service: api
tier: gold
slos:
  - name: availability
    window: 30d
    sli:
      events:
        bad: sum(increase(api_requests_total{code=~"5.."}[{{.window}}]))
        total: sum(increase(api_requests_total[{{.window}}]))
`

// benchData30d is 30 days of one sample a minute for 10 instances, each with
// a 200 and a 500 counter: 864,000 samples, as a production service's SLO
// window holds (at a coarser resolution than most).
func benchData30d() ([]byte, time.Time) {
	at := time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	const minutes = 30*24*60 + 10
	start := at.Add(-30 * 24 * time.Hour)
	var series []omtext.Series
	for inst := range 10 {
		for _, code := range []string{"200", "500"} {
			s := omtext.Series{Labels: map[string]string{"instance": fmt.Sprintf("api-%d", inst), "code": code}}
			v := 0.0
			for m := range minutes {
				if code == "200" {
					v += 1000
				} else if (m+inst)%7 == 0 {
					v += 3
				}
				s.Samples = append(s.Samples, omtext.Sample{T: start.Add(time.Duration(m) * time.Minute), V: v})
			}
			series = append(series, s)
		}
	}
	var buf bytes.Buffer
	if err := omtext.Write(&buf, []omtext.Family{{Name: "api_requests", Type: omtext.Counter, Series: series}}); err != nil {
		panic(err)
	}
	return buf.Bytes(), at
}

// benchGate runs the comparison for one service.
func benchGate(b *testing.B, promURL, specs, service string, at time.Time) {
	b.Run(service, func(b *testing.B) {
		const concurrency = 8 // the gate's default --query.concurrency
		queries := gateQueries(b, specs, service, at)
		args := []string{"gate", "--service", service, "--specs", specs, "--prometheus.url", promURL,
			"--at", at.Format(time.RFC3339), "--cache-dir", b.TempDir(), "-o", "json",
			"--query.concurrency", strconv.Itoa(concurrency)}
		gate := func() {
			s, _, errOut := testStreams(nil)
			if code := run(context.Background(), args, s); code != exitOK && code != exitBlocked {
				b.Fatalf("gate exit %d: %s", code, errOut)
			}
		}
		// direct uses a fresh client per run, as the gate's process does;
		// warm keeps its connections from run to run, a floor no new
		// process can reach.
		warmClient := directClient(concurrency)
		defer warmClient.CloseIdleConnections()
		direct := func() {
			if err := queryDirectly(nil, promURL, queries, at, concurrency); err != nil {
				b.Fatal(err)
			}
		}
		warm := func() {
			if err := queryDirectly(warmClient, promURL, queries, at, concurrency); err != nil {
				b.Fatal(err)
			}
		}
		// Warm Prometheus's caches and the page cache for all three.
		for range 5 {
			gate()
			direct()
			warm()
		}
		// Each iteration runs the three in a rotating order, so that
		// load from elsewhere on the machine falls on all of them alike.
		fns := []func(){gate, direct, warm}
		var spent [3]time.Duration
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for k := range 3 {
				j := (i + k) % 3
				t0 := time.Now()
				fns[j]()
				spent[j] += time.Since(t0)
			}
		}
		b.StopTimer()
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(b.N) / 1000 }
		b.ReportMetric(ms(spent[0]), "gate-ms/op")
		b.ReportMetric(ms(spent[1]), "direct-ms/op")
		b.ReportMetric(ms(spent[2]), "warm-ms/op")
		b.ReportMetric(float64(spent[0])/float64(spent[1]), "gate/direct")
		b.ReportMetric(float64(spent[0])/float64(spent[2]), "gate/warm")
		b.Logf("%s: %d queries over %d runs: gate %.2f ms, direct %.2f ms (ratio %.3f), warm direct %.2f ms (ratio %.3f)",
			service, len(queries), b.N, ms(spent[0]), ms(spent[1]), float64(spent[0])/float64(spent[1]),
			ms(spent[2]), float64(spent[0])/float64(spent[2]))
	})
}
