package prom

import (
	"bytes"
	"encoding/json"
	"io"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/nines-sre/nines/slo"
)

// Why the stats are read from the body beside client_golang: its v1 API
// (v1.25) sends stats=all (v1.WithStats) but decodes only the result and
// drops data.stats. So with stats on, the observer keeps a copy of each
// response body as client_golang reads it, and queryStats decodes the one
// number it needs from the copy. The request is the same one, through the
// same client, config, retries, concurrency bound and timeouts; nothing of
// the body reaches an error or a log.

// options are the v1 options of every query: the timeout, and stats=all
// when asked.
func (h *HTTP) options() []v1.Option {
	opts := []v1.Option{v1.WithTimeout(h.timeout)}
	if h.stats {
		opts = append(opts, v1.WithStats(v1.AllStatsValue))
	}
	return opts
}

// queryStats is the stats of a query answered in ex after inFlight in all
// its attempts; nil when stats are off.
func (h *HTTP) queryStats(ex *exchange, inFlight time.Duration) *slo.QueryStats {
	if !h.stats {
		return nil
	}
	return &slo.QueryStats{Duration: inFlight, Samples: samplesScanned(ex.body.Bytes())}
}

// statsBody is the part of a query response that holds the samples read.
type statsBody struct {
	Data struct {
		Stats *struct {
			Samples *struct {
				TotalQueryableSamples *int64 `json:"totalQueryableSamples"`
			} `json:"samples"`
		} `json:"stats"`
	} `json:"data"`
}

// samplesScanned is data.stats.samples.totalQueryableSamples of a query
// response, or nil when the response has none (VictoriaMetrics, servers
// before Prometheus 2.35, a proxy that drops it) or does not decode.
func samplesScanned(body []byte) *int64 {
	var b statsBody
	if len(body) == 0 || json.Unmarshal(body, &b) != nil {
		return nil
	}
	if st := b.Data.Stats; st != nil && st.Samples != nil && st.Samples.TotalQueryableSamples != nil {
		n := *st.Samples.TotalQueryableSamples
		return &n
	}
	return nil
}

// teeBody copies what is read of a response body into buf.
type teeBody struct {
	io.ReadCloser
	buf *bytes.Buffer
}

func (t teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	t.buf.Write(p[:n])
	return n, err
}
