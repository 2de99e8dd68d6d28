package prom_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/nines-sre/nines/internal/omtext"
	"github.com/nines-sre/nines/internal/promtest"
	"github.com/nines-sre/nines/prom"
)

// statsSeries is the number of series of statsData, each with a sample
// every minute over 30 days and 2 hours.
const statsSeries = 3

var statsStart = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// statsData is statsSeries counters with 1-minute samples from statsStart
// for 30d 2h.
func statsData(t *testing.T) []byte {
	t.Helper()
	fam := omtext.Family{Name: "work", Type: "counter"}
	end := statsStart.Add(30*24*time.Hour + 2*time.Hour)
	for i := range statsSeries {
		s := omtext.Series{Labels: map[string]string{"instance": fmt.Sprint(i)}}
		v := 0.0
		for ts := statsStart; !ts.After(end); ts = ts.Add(time.Minute) {
			v += float64(1 + i)
			s.Samples = append(s.Samples, omtext.Sample{T: ts, V: v})
		}
		fam.Series = append(fam.Series, s)
	}
	var b bytes.Buffer
	if err := omtext.Write(&b, []omtext.Family{fam}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestStatsSamplesScannedAgainstPrometheus sends a 30-day increase over
// statsSeries series of 1-minute samples to a real Prometheus with stats on,
// and compares the samples scanned with the hand count: a 30d range holds
// 30 × 1,440 = 43,200 samples of each series. At a time off the samples'
// grid (hh:mm:30) no sample sits on the range's edge, so Prometheus 2.x's
// closed ranges and 3.x's left-open ones hold the same 43,200, and the count
// must be exact (tolerance 0). The embedded engine, the same PromQL engine,
// must count the same. Without Stats the client returns no stats.
func TestStatsSamplesScannedAgainstPrometheus(t *testing.T) {
	data := statsData(t)
	srv := promtest.Start(t, data)
	at := statsStart.Add(30*24*time.Hour + time.Hour + 30*time.Second)
	const query = `sum(increase(work_total[30d]))`
	const want = statsSeries * 30 * 1440

	h, err := prom.NewHTTP(prom.HTTPOptions{URL: srv.URL, Stats: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.Query(t.Context(), query, at)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Samples) != 1 {
		t.Fatalf("got %d samples, want 1", len(res.Samples))
	}
	if res.Stats == nil || res.Stats.Samples == nil {
		t.Fatalf("stats = %+v, want samples scanned", res.Stats)
	}
	if got := *res.Stats.Samples; got != want {
		t.Errorf("Prometheus scanned %d samples, want %d × 43,200 = %d", got, statsSeries, want)
	}
	if res.Stats.Duration <= 0 || res.Stats.Duration > 30*time.Second {
		t.Errorf("query time %s, want above 0 and within the query timeout", res.Stats.Duration)
	}

	// A range query counts the samples of each step: 3 steps an hour apart
	// over a 1h range, 60 samples per series each.
	rr, err := h.QueryRange(t.Context(), `sum(increase(work_total[1h]))`, at.Add(-2*time.Hour), at, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if rr.Stats == nil || rr.Stats.Samples == nil || *rr.Stats.Samples != 3*statsSeries*60 {
		t.Errorf("range query stats = %+v, want %d samples", rr.Stats, 3*statsSeries*60)
	}

	e := open(t, "stats.om", data)
	er, err := e.Query(t.Context(), query, at)
	if err != nil {
		t.Fatal(err)
	}
	if er.Stats == nil || er.Stats.Samples == nil || *er.Stats.Samples != want {
		t.Errorf("embedded engine stats = %+v, want %d samples", er.Stats, want)
	}

	plain, err := prom.NewHTTP(prom.HTTPOptions{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := plain.Query(t.Context(), query, at); err != nil || res.Stats != nil {
		t.Errorf("without Stats: stats %+v, err %v; want none", res.Stats, err)
	}
}

// TestStatsAbsentIsNull: a server that answers without data.stats (as
// VictoriaMetrics and Prometheus before 2.35 do) gives no samples count,
// never 0, but still the query time; and the request asked for stats=all.
func TestStatsAbsentIsNull(t *testing.T) {
	var asked string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		asked = r.Form.Get("stats")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1767225600,"5"]}]}}`)
	}))
	defer srv.Close()
	h, err := prom.NewHTTP(prom.HTTPOptions{URL: srv.URL, Stats: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.Query(t.Context(), "up", time.Unix(1767225600, 0))
	if err != nil {
		t.Fatal(err)
	}
	if asked != "all" {
		t.Errorf("stats parameter %q, want all", asked)
	}
	if res.Stats == nil || res.Stats.Samples != nil || res.Stats.Duration <= 0 {
		t.Errorf("stats = %+v, want no samples and a query time", res.Stats)
	}
	if len(res.Samples) != 1 || res.Samples[0].Value != 5 {
		t.Errorf("answer %+v, want one sample of 5", res.Samples)
	}
}

// TestStatsFromAStatsBody: the samples count is read from data.stats of the
// answer as Prometheus writes it.
func TestStatsFromAStatsBody(t *testing.T) {
	body := `{"status":"success","data":{"resultType":"scalar","result":[1767225600,"1"],` +
		`"stats":{"timings":{"evalTotalTime":0.01},"samples":{"totalQueryableSamples":129600,"peakSamples":3}}}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	h, err := prom.NewHTTP(prom.HTTPOptions{URL: srv.URL, Stats: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.Query(t.Context(), "vector(1)", time.Unix(1767225600, 0))
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats == nil || res.Stats.Samples == nil || *res.Stats.Samples != 129600 {
		t.Errorf("stats = %+v, want 129600 samples", res.Stats)
	}
}
