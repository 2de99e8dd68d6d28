package promtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Direct sends every query of qs to the Prometheus at base as an instant
// query at at, with plain net/http and at most concurrency in flight, and
// decodes each answer: the floor any client pays, which the benchmarks
// compare nines with. With stats it asks for stats=all and returns the
// samples Prometheus scanned (totalQueryableSamples), summed. The error is
// the first query that failed.
func Direct(ctx context.Context, c *http.Client, base string, qs []string, at time.Time, concurrency int, stats bool) (int64, error) {
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	var samples atomic.Int64
	errs := make(chan error, len(qs))
	for _, q := range qs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			form := url.Values{"query": {q}, "time": {strconv.FormatInt(at.Unix(), 10)}}
			if stats {
				form.Set("stats", "all")
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/query", bytes.NewBufferString(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := c.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				errs <- err
				return
			}
			var r struct {
				Status string
				Data   struct {
					Stats struct {
						Samples struct {
							TotalQueryableSamples int64 `json:"totalQueryableSamples"`
						} `json:"samples"`
					} `json:"stats"`
				} `json:"data"`
			}
			if err := json.Unmarshal(body, &r); err != nil || r.Status != "success" {
				errs <- fmt.Errorf("query %q: %.300s", q, body)
				return
			}
			samples.Add(r.Data.Stats.Samples.TotalQueryableSamples)
		}()
	}
	wg.Wait()
	close(errs)
	return samples.Load(), <-errs
}
