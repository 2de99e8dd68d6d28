// Command gen writes the demo dataset of the embedded quick start,
// specs/demo/metrics.om.gz: OpenMetrics text, gzip-compressed, with the
// metrics that the example specs in specs/ query, from 2026-06-01 to
// 2026-10-15 UTC. specs/demo/README.md tells the story of the data.
//
// The output is a pure function of the code: a fixed seed, no clock, no map
// order, a fixed gzip header. gen_test.go regenerates it in memory and fails
// if it differs from the committed file.
//
// Usage:
//
//	go run ./specs/demo/gen -o specs/demo/metrics.om.gz
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/nines-sre/nines/internal/omtext"
)

// The period and the sampling grid. The file must stay within about 2 MB
// compressed, which 5-minute samples of every series over the whole period
// do not (each sample line costs 3 to 7 bytes after gzip). So:
//   - June, the lead-in that 30-day windows early in Q3 look back on, every
//     30 minutes;
//   - Q3 and October up to the day of the quick start, every 5 minutes;
//   - 2026-10-14, the day of the quick start, every minute, so that the page
//     alert's 5m window holds several samples: a 5-minute grid puts just one
//     sample in (t-5m, t], too few for increase().
var (
	start       = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	quarterFrom = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	fineFrom    = time.Date(2026, 10, 14, 0, 0, 0, 0, time.UTC)
	end         = time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC) // included
)

const (
	leadStep   = 30 * time.Minute
	coarseStep = 5 * time.Minute
	fineStep   = time.Minute
)

// seed makes the noise reproducible. Each series draws from its own stream
// (seed, stream id), so changing one series leaves the others as they were.
const seed = 20261014

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "specs/demo/metrics.om.gz", "output file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gen: unexpected arguments %q\n", fs.Args())
		return 2
	}
	var buf bytes.Buffer
	if err := generate(&buf); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "gen: wrote %s (%d bytes)\n", *out, buf.Len())
	return 0
}

// generate writes the gzip-compressed dataset to w.
func generate(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	// A fixed header: no modification time, a fixed name.
	zw.Header = gzip.Header{Name: "metrics.om", OS: 255}
	if err := omtext.Write(zw, families()); err != nil {
		return fmt.Errorf("could not write the demo dataset: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("could not compress the demo dataset: %w", err)
	}
	return nil
}

// grid is the sample times: every coarseStep from start, every fineStep from
// fineFrom, up to and including end.
func grid() []time.Time {
	var ts []time.Time
	for t := start; !t.After(end); {
		ts = append(ts, t)
		switch {
		case t.Before(quarterFrom):
			t = t.Add(leadStep)
		case t.Before(fineFrom):
			t = t.Add(coarseStep)
		default:
			t = t.Add(fineStep)
		}
	}
	return ts
}

// window is a period [from, to) with a strength: an error ratio, a share of
// slow requests, a share of fallbacks or a probe failure.
type window struct {
	from, to time.Time
	level    float64
}

func at(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, time.UTC)
}

func span(from time.Time, d time.Duration, level float64) window {
	return window{from: from, to: from.Add(d), level: level}
}

// overlap is the largest level among ws, weighted by the share of the
// interval (a, b] that each covers.
func overlap(ws []window, a, b time.Time) float64 {
	var out float64
	for _, w := range ws {
		lo, hi := maxTime(a, w.from), minTime(b, w.to)
		if hi.After(lo) {
			out = max(out, w.level*float64(hi.Sub(lo))/float64(b.Sub(a)))
		}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// The story, see README.md. Error windows are ratios of requests failing.
var (
	checkoutErrors = []window{
		span(at(time.June, 24, 11, 15), 5*time.Minute, 0.35),
		span(at(time.July, 3, 16, 2), 3*time.Minute, 1),
		span(at(time.August, 12, 14, 20), 40*time.Minute, 1), // the big one
		span(at(time.September, 17, 9, 41), 4*time.Minute, 0.6),
		span(at(time.October, 14, 10, 0), 3*time.Hour, 0.02), // in progress at the quick start
	}
	// checkoutRestart is the process restart (a deploy) that resets its counters.
	checkoutRestart = at(time.July, 15, 3, 10)
	// checkoutSlow is the share of checkout requests slower than 300 ms.
	checkoutSlow = []window{
		span(at(time.September, 8, 13, 0), 6*time.Hour, 0.15),  // database index dropped
		span(at(time.September, 9, 13, 30), 3*time.Hour, 0.08), // and the day after, partly fixed
		span(at(time.October, 14, 10, 0), 3*time.Hour, 0.03),   // the incident slows retries too
	}
	searchErrors = []window{
		span(at(time.July, 21, 13, 0), 3*time.Hour+30*time.Minute, 0.2), // partial degradation
		span(at(time.June, 9, 7, 5), 5*time.Minute, 1),
		span(at(time.August, 30, 19, 50), 10*time.Minute, 0.5),
		span(at(time.October, 2, 15, 4), 2*time.Minute, 1),
	}
	// probeDown is when the payment gateway's health endpoint fails.
	probeDown = []window{
		span(at(time.August, 27, 2, 10), 30*time.Minute, 1),
	}
	recommendationFallbacks = []window{
		span(at(time.July, 9, 18, 0), 2*time.Hour, 0.3),
		span(at(time.August, 20, 8, 0), 4*time.Hour, 0.12),
		span(at(time.September, 29, 12, 30), time.Hour, 0.5),
		span(at(time.October, 11, 20, 0), 90*time.Minute, 0.2),
	}
)

// Background levels, well within the objectives.
const (
	checkoutErrorRatio = 0.00008 // objective 99.95%: 0.05% budget
	checkoutSlowRatio  = 0.003   // objective 99%: 1% budget
	searchErrorRatio   = 0.0002  // objective 99.9%: 0.1% budget
	probeFailure       = 0.0004  // per probe; objective 99.9%
	fallbackRatio      = 0.003   // objective 99%: 1% budget
)

// traffic is the mean request rate per second of a service at t: a diurnal
// wave peaking at 15:00 UTC (Europe's afternoon, America's morning), a
// weekend dip, and growth of 8% over the period.
func traffic(base float64, t time.Time) float64 {
	h := float64(t.Hour()) + float64(t.Minute())/60
	day := 1 + 0.55*math.Cos(2*math.Pi*(h-15)/24) + 0.08*math.Cos(4*math.Pi*(h-20)/24)
	week := 1.0
	switch t.Weekday() {
	case time.Saturday:
		week = 0.72
	case time.Sunday:
		week = 0.68
	case time.Friday:
		week = 0.93
	}
	growth := 1 + 0.08*float64(t.Sub(start))/float64(end.Sub(start))
	return base * day * week * growth
}

// noise is a slowly wandering multiplicative factor around 1 (an AR(1)
// process on its logarithm), sampled once per step.
type noise struct {
	r *rand.Rand
	x float64
}

func (n *noise) next(dt time.Duration) float64 {
	phi := math.Pow(0.97, dt.Minutes()/5) // the same correlation time on any grid
	n.x = phi*n.x + math.Sqrt(1-phi*phi)*0.04*n.r.NormFloat64()
	return math.Exp(n.x)
}

// poisson draws a Poisson variate with mean lambda: Knuth's method for small
// means, a rounded normal approximation above 50.
func poisson(r *rand.Rand, lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	if lambda > 50 {
		return max(0, math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64()))
	}
	l, k, p := math.Exp(-lambda), 0.0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// binomial draws the number of successes in n trials of probability p:
// Poisson for rare events, a clamped rounded normal for common ones.
func binomial(r *rand.Rand, n, p float64) float64 {
	switch {
	case n <= 0 || p <= 0:
		return 0
	case p >= 1:
		return n
	case n*p < 30:
		return min(n, poisson(r, n*p))
	case n*(1-p) < 30:
		return n - min(n, poisson(r, n*(1-p)))
	}
	return min(n, max(0, math.Round(n*p+math.Sqrt(n*p*(1-p))*r.NormFloat64())))
}

func stream(id uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, id)) }

// series accumulates the samples of one series.
type series struct {
	labels  map[string]string
	suffix  string
	samples []omtext.Sample
	total   float64 // counter value
}

func newSeries(n int, suffix string, labels map[string]string) *series {
	return &series{labels: labels, suffix: suffix, samples: make([]omtext.Sample, 0, n)}
}

// add increments the counter by v and records it at t.
func (s *series) add(t time.Time, v float64) {
	s.total += v
	s.samples = append(s.samples, omtext.Sample{T: t, V: s.total})
}

// set records the gauge value v at t.
func (s *series) set(t time.Time, v float64) {
	s.samples = append(s.samples, omtext.Sample{T: t, V: v})
}

func (s *series) omtext() omtext.Series {
	return omtext.Series{Labels: s.labels, Suffix: s.suffix, Samples: s.samples}
}

// families builds every metric family of the dataset.
func families() []omtext.Family {
	ts := grid()
	n := len(ts)

	// http_requests_total and the latency histogram of checkout.
	code := func(service, c string) *series {
		return newSeries(n, "", map[string]string{"service": service, "code": c})
	}
	co200, co500 := code("checkout", "200"), code("checkout", "500")
	se200, se500 := code("search", "200"), code("search", "500")
	co200.total, co500.total = 18_204_505, 1_529
	se200.total, se500.total = 96_810_442, 20_917

	bounds := []string{"0.3", "1.0", "+Inf"}
	buckets := make([]*series, len(bounds))
	for i, le := range bounds {
		buckets[i] = newSeries(n, omtext.SuffixBucket, map[string]string{"service": "checkout", "le": le})
	}
	count := newSeries(n, omtext.SuffixCount, map[string]string{"service": "checkout"})
	for i, v := range []float64{18_126_004, 18_203_519, 18_206_034} {
		buckets[i].total = v
	}
	count.total = buckets[len(buckets)-1].total

	probe := newSeries(n, "", map[string]string{"job": "blackbox", "instance": "https://pay.example.com/health"})
	recReq, recFallback := newSeries(n, "", nil), newSeries(n, "", nil)
	recReq.total, recFallback.total = 40_315_870, 133_502

	var (
		rCheckout, rCheckoutErr, rLatency = stream(1), stream(2), stream(3)
		rSearch, rSearchErr               = stream(4), stream(5)
		rProbe                            = stream(6)
		rRec, rRecFallback                = stream(7), stream(8)
		nCheckout                         = noise{r: stream(11)}
		nSearch                           = noise{r: stream(12)}
		nRec                              = noise{r: stream(13)}
	)
	prev := start.Add(-coarseStep)
	for _, t := range ts {
		dt := t.Sub(prev)
		sec := dt.Seconds()

		// checkout
		if !prev.After(checkoutRestart) && t.After(checkoutRestart) {
			for _, s := range append([]*series{co200, co500, count}, buckets...) {
				s.total = 0
			}
		}
		req := poisson(rCheckout, traffic(2.5, t)*sec*nCheckout.next(dt))
		failed := binomial(rCheckoutErr, req, checkoutErrorRatio+overlap(checkoutErrors, prev, t))
		co200.add(t, req-failed)
		co500.add(t, failed)
		// Latency: a share are slow (over 300 ms); of those, 20% take over 1 s.
		slow := binomial(rLatency, req, checkoutSlowRatio+overlap(checkoutSlow, prev, t))
		over1 := binomial(rLatency, slow, 0.2)
		cum := []float64{req - slow, req - over1, req}
		for i, s := range buckets {
			s.add(t, cum[i])
		}
		count.add(t, req)

		// search
		req = poisson(rSearch, traffic(8, t)*sec*nSearch.next(dt))
		failed = binomial(rSearchErr, req, searchErrorRatio+overlap(searchErrors, prev, t))
		se200.add(t, req-failed)
		se500.add(t, failed)

		// payments-gateway probe: one probe per sample.
		ok := 1.0
		if overlap(probeDown, prev, t) >= 0.5 || rProbe.Float64() < probeFailure {
			ok = 0
		}
		probe.set(t, ok)

		// recommendations
		req = poisson(rRec, traffic(5, t)*sec*nRec.next(dt))
		recReq.add(t, req)
		recFallback.add(t, binomial(rRecFallback, req, fallbackRatio+overlap(recommendationFallbacks, prev, t)))

		prev = t
	}
	hist := []omtext.Series{}
	for _, s := range buckets {
		hist = append(hist, s.omtext())
	}
	hist = append(hist, count.omtext())

	return []omtext.Family{
		{
			Name: "http_requests", Type: omtext.Counter,
			Help:   "HTTP requests served, by service and status code.",
			Series: []omtext.Series{co200.omtext(), co500.omtext(), se200.omtext(), se500.omtext()},
		},
		{
			Name: "http_request_duration_seconds", Type: omtext.Histogram, Unit: "seconds",
			Help:   "Time to serve an HTTP request.",
			Series: hist,
		},
		{
			Name: "probe_success", Type: omtext.Gauge,
			Help:   "Whether the blackbox probe succeeded (1) or failed (0).",
			Series: []omtext.Series{probe.omtext()},
		},
		{
			Name: "recommendations_requests", Type: omtext.Counter,
			Help:   "Recommendation requests answered.",
			Series: []omtext.Series{recReq.omtext()},
		},
		{
			Name: "recommendations_fallback", Type: omtext.Counter,
			Help:   "Recommendation requests answered with the bestseller fallback.",
			Series: []omtext.Series{recFallback.omtext()},
		},
	}
}
