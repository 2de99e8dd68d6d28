package slo

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/nines-sre/nines/budget"
)

// Incident detection. Scan range-queries every SLO's error ratio over a
// period at every ScanOptions.Step, each step t measured over the window
// (t - 2·Step, t]: twice the step, so that consecutive windows overlap and
// every increase between two samples at most a step apart falls inside one
// window. Windows as long as the step would tile the period, but
// Prometheus 3 excludes a range's start, so increase() over a tile misses
// the increase between the tile's first sample and the sample before it: a
// fifth of the time with one-minute samples and five-minute tiles, half of
// it with five-minute samples.
//
// Step t stands for the time around t - Step, the middle of its window. It
// burns when its error ratio ÷ (1 − objective) exceeds the SLO's threshold
// (by default the factor of its fastest page alert). Burning steps of any
// SLO of a service make one interval of the service, from the first burning
// step's middle to the last one's (or one step long), merged with the next
// when less than the merge gap apart; every SLO of the service is measured
// over it. An interval's start and end fall within a step of the outage's.
// The service's IncidentPolicy then tells incidents from blips.
//
// The steps are whole steps from ScanOptions.Start. When End (the
// evaluation time of a period to date) falls between two, one more step
// is measured at End itself, for detection only (the days and records
// take the whole steps), so that what burns at End is seen. An interval
// whose last step burns is ongoing: it ends at End, and its SLOs are
// measured over its whole span by one query at End, as the period's SLOs
// are.
//
// Each event is counted in two windows, so sums of events over steps are
// twice the events; ratios of the sums are not affected. An SLO's
// downtime-equivalent minutes over n steps are their bad ÷ total x n x Step.
// The same pass folds the steps into daily error ratios per SLO (by the
// middle of their windows) and measures the spans an incidents file states.

// Defaults of ScanOptions.
const (
	// DefaultStep is the default detection step: the short window of the
	// SRE Workbook's fastest page alert (14.4x over 1h and 5m). Each step is
	// measured over twice the step.
	DefaultStep = 5 * time.Minute
	// DefaultMaxPoints is the most steps asked of one range query:
	// Prometheus refuses more than 11,000 points per series.
	DefaultMaxPoints = 10000
	// DefaultScanConcurrency is how many services are scanned at once.
	DefaultScanConcurrency = 4
)

// ScanOptions tunes Scan.
type ScanOptions struct {
	// Start and End bound the period scanned; End should not be after the
	// evaluation time. Whole steps from Start are scanned, and a last one
	// at End for detection when End falls between steps.
	Start, End time.Time
	// Step is the detection step, measured over twice its length; 0 means
	// DefaultStep.
	Step time.Duration
	// Sparse names the SLI kinds whose queries see samples about a step
	// apart, so that a window of two steps holds one increase, over
	// (t - Step, t]: a burning step t of such an SLO then stands for that
	// step, and an incident runs to its end. ProbeStep tells.
	Sparse map[SLIKind]bool
	// MergeGap merges burning spans closer than it (--merge-gap); 0 means
	// each service's IncidentPolicy.MergeGap.
	MergeGap time.Duration
	// Threshold is the burn rate above which a step burns; 0 means each
	// SLO's FastestPageFactor.
	Threshold float64
	// Location sets the days of the daily measures; nil means UTC.
	Location *time.Location
	// MaxPoints caps the steps of one range query; 0 means DefaultMaxPoints.
	MaxPoints int
	// Concurrency is how many services are scanned at once; 0 means
	// DefaultScanConcurrency.
	Concurrency int
	// Records are incidents stated in a file; those of a scanned service
	// that overlap the period are measured.
	Records []IncidentRecord
	// Progress, when set, is called after each service with the number of
	// services done and the total. Calls do not overlap.
	Progress func(done, total int)
	// Groups are the groups of each grouped SLO (group_by) by its ID, as
	// its evaluation found them: each group is scanned as an SLO of its own
	// (its incidents, days and coverage), from one range query per query
	// and chunk summed by the group's labels (docs/groups.md). A grouped
	// SLO without an entry, or on a source that cannot rewrite PromQL, is
	// scanned whole.
	Groups map[string][]map[string]string
}

func (o ScanOptions) withDefaults() ScanOptions {
	if o.Step <= 0 {
		o.Step = DefaultStep
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.MaxPoints <= 0 {
		o.MaxPoints = DefaultMaxPoints
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultScanConcurrency
	}
	return o
}

// FastestPageFactor is the burn-rate factor of an SLO's fastest page alert
// (the one with the shortest long window; the highest factor on a tie),
// the default incident threshold. Without page alerts it is the highest
// factor of any alert, and 1 without alerts.
func FastestPageFactor(alerts []budget.AlertWindow) float64 {
	var best *budget.AlertWindow
	for i := range alerts {
		a := &alerts[i]
		if a.Severity != budget.Page {
			continue
		}
		if best == nil || a.Long < best.Long || (a.Long == best.Long && a.Factor > best.Factor) {
			best = a
		}
	}
	if best != nil {
		return best.Factor
	}
	f := 0.0
	for _, a := range alerts {
		f = math.Max(f, a.Factor)
	}
	if f == 0 {
		return 1
	}
	return f
}

// ServiceScan is what a scan measured and found for one service.
type ServiceScan struct {
	Service string
	// Step is the step scanned.
	Step time.Duration
	// Policy is the service's incident policy as applied: its MergeGap is
	// the one used (ScanOptions.MergeGap when set).
	Policy IncidentPolicy
	// SLOs are the service's scanned SLOs, in the order given.
	SLOs []SLOScan
	// Detected are the incidents found in the metrics, by start.
	Detected []Incident
	// Records are the service's incidents-file records, measured, in file
	// order; each has Record set.
	Records []Incident
	// Warnings from the source and the scan, for the user.
	Warnings []string
	// Err is set when the source failed; nothing else is then reliable.
	Err error
}

// SLOScan is one SLO's measures over the period.
type SLOScan struct {
	SLO SLO
	// Threshold is the burn rate above which a step burns.
	Threshold float64
	// Days are the daily measures, in order, covering the period.
	Days []DayMeasure
	// Steps is the number of steps scanned; StepsWithData those with a
	// measurement (traffic, or a ratio).
	Steps, StepsWithData int
}

// Coverage is the fraction of steps with data.
func (s SLOScan) Coverage() float64 {
	if s.Steps == 0 {
		return 0
	}
	return float64(s.StepsWithData) / float64(s.Steps)
}

// DayMeasure is one day of an SLO: the steps whose windows' middles fall in
// [Start, End). Bad and Total sum the steps' events (each event counts in
// two steps) for event-based SLIs; for raw SLIs each step with data adds its
// ratio to Bad and 1 to Total, so Bad/Total is the mean ratio.
type DayMeasure struct {
	Start, End    time.Time
	Bad, Total    float64
	Steps         int
	StepsWithData int
}

// ErrorRatio is Bad/Total; ok is false without data.
func (d DayMeasure) ErrorRatio() (ratio float64, ok bool) {
	if d.StepsWithData == 0 || d.Total <= 0 {
		return 0, false
	}
	return d.Bad / d.Total, true
}

// Incident sources.
const (
	// SourceDetected: found in the metrics.
	SourceDetected = "detected"
	// SourceCorrected: found in the metrics, its span and details stated by
	// an incidents file.
	SourceCorrected = "corrected"
	// SourceFile: stated by an incidents file only.
	SourceFile = "file"
)

// Kinds of interval.
const (
	// KindIncident: priced as an incident, with its fixed labor and
	// opportunity, and counted in incidents, MTTR and MTBF.
	KindIncident = "incident"
	// KindBlip: shorter than the policy's min_duration and spent less than
	// its min_budget. Its downtime counts in its SLOs' period figures; it
	// carries no fixed cost and is not counted as an incident.
	KindBlip = "blip"
	// KindPlanned: a planned interval of the incidents file (maintenance):
	// its downtime counts, it carries no incident overhead.
	KindPlanned = "planned"
)

// Incident is one incident of a service: a span [Start, End) and every SLO
// of the service measured over it.
type Incident struct {
	Service    string
	Start, End time.Time
	SLOs       []IncidentSLO
	// Source is SourceDetected, SourceCorrected or SourceFile.
	Source string
	// Record is the incidents-file record that states or corrects it.
	Record *IncidentRecord
	// Kind is KindIncident, KindBlip or KindPlanned; ServiceScan.Incidents
	// sets it.
	Kind string
	// Ongoing is set when the interval still burns at the end of the scan:
	// it ends there, and its SLOs are measured over its whole span.
	Ongoing bool
	// Adjustment is the reason of the budget adjustment a detected
	// interval lies inside (KindPlanned; slo/adjust_incidents.go).
	Adjustment string
}

// BudgetSpent is the largest share of an SLO window's error budget that
// the interval spent.
func (i Incident) BudgetSpent() float64 {
	b := 0.0
	for _, s := range i.SLOs {
		b = math.Max(b, s.BudgetSpent)
	}
	return b
}

// Duration is End - Start.
func (i Incident) Duration() time.Duration { return i.End.Sub(i.Start) }

// IncidentSLO is one SLO measured over an incident.
type IncidentSLO struct {
	SLO string
	// HasData is false when no step of the incident had data.
	HasData bool
	// ErrorRatio is DowntimeMinutes over the incident's minutes, at most 1.
	ErrorRatio float64
	// PeakErrorRatio and PeakBurnRate are those of the worst step.
	PeakErrorRatio float64
	PeakBurnRate   float64
	// Burning is set when the SLO crossed its threshold during the incident.
	Burning bool
	// DowntimeMinutes is bad ÷ total over the incident's steps x their
	// number x the step (over its whole span for an ongoing one).
	DowntimeMinutes float64
	// BudgetSpent is DowntimeMinutes over the error budget's minutes of the
	// SLO window (for a calendar window, the one the incident starts in).
	BudgetSpent float64
}

// Peak is the SLO measure with the highest peak burn rate.
func (i Incident) Peak() IncidentSLO {
	var p IncidentSLO
	for j, s := range i.SLOs {
		if j == 0 || s.PeakBurnRate > p.PeakBurnRate {
			p = s
		}
	}
	return p
}

// Incidents applies the incidents file to the detected intervals and sets
// each one's Kind: a record replaces every detected interval it overlaps
// (a correction) or, when it overlaps none, is added; a dismissed record
// removes the detected intervals it overlaps and adds nothing. A record is
// an incident (KindPlanned when planned); a detected interval is an
// incident when the service's Policy counts it, else a blip. The result is
// sorted by start.
func (s ServiceScan) Incidents() []Incident {
	out := make([]Incident, 0, len(s.Detected)+len(s.Records))
	replaced := make([]bool, len(s.Detected))
	for _, r := range s.Records {
		overlaps := false
		for i, d := range s.Detected {
			if r.Start.Before(d.End) && d.Start.Before(r.End) {
				replaced[i], overlaps = true, true
			}
		}
		if r.Record.Dismissed {
			continue
		}
		if overlaps {
			r.Source = SourceCorrected
		}
		r.Kind = KindIncident
		if r.Record.Planned {
			r.Kind = KindPlanned
		}
		out = append(out, r)
	}
	for i, d := range s.Detected {
		if !replaced[i] {
			d.Kind = KindBlip
			if s.Policy.Counts(d.Duration(), d.BudgetSpent()) {
				d.Kind = KindIncident
			}
			if reason := s.plannedBy(d); reason != "" {
				d.Kind, d.Adjustment = KindPlanned, reason
			}
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// Scan measures slos over the period of opts and finds their incidents, a
// ServiceScan per service in the order services first appear in slos.
// Services are scanned concurrently (opts.Concurrency at once); a source
// failure is recorded in that service's Err. Composite SLOs are left out:
// they have no queries, and their incidents are their members'.
func Scan(ctx context.Context, rq RangeQuerier, slos []SLO, opts ScanOptions) []ServiceScan {
	o := opts.withDefaults()
	slos, batches := scanGroups(rq, measured(slos), o.Groups)
	var order []string
	groups := map[string][]SLO{}
	for _, s := range slos {
		if _, ok := groups[s.Service]; !ok {
			order = append(order, s.Service)
		}
		groups[s.Service] = append(groups[s.Service], s)
	}
	out := make([]ServiceScan, len(order))
	sem := make(chan struct{}, o.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for i, name := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var recs []IncidentRecord
			for _, r := range o.Records {
				if r.Service == name && r.Start.Before(o.End) && r.End.After(o.Start) {
					recs = append(recs, r)
				}
			}
			out[i] = scanService(ctx, rq, name, groups[name], batches, recs, o)
			if o.Progress != nil {
				mu.Lock()
				done++
				o.Progress(done, len(order))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

// spanAcc accumulates one SLO over a span: steps counts those with data,
// span all steps of the span.
type spanAcc struct {
	bad, total float64
	steps      int
	span       int
	peak       float64
	burning    bool
}

func (a *spanAcc) add(b spanAcc) {
	a.bad += b.bad
	a.total += b.total
	a.steps += b.steps
	a.peak = math.Max(a.peak, b.peak)
	a.burning = a.burning || b.burning
}

// scanner holds the state of one service's scan.
type scanner struct {
	o       ScanOptions
	slos    []SLO
	scans   []SLOScan
	objs    []float64
	n       int // steps in the period
	warn    map[string]bool
	dayIdx  int
	records []IncidentRecord
	recAcc  [][]spanAcc
	batches groupBatches

	tail     bool // step n+1 is at End, between whole steps
	mergeGap time.Duration
	lastHot  bool // the last step (at End) burns

	// the open span, and the steps since its last burning one
	open      bool
	spanStart time.Time
	spanEnd   time.Time
	quiet     int
	span      []spanAcc
	pending   []spanAcc
	detected  []Incident
}

func scanService(ctx context.Context, rq RangeQuerier, service string, slos []SLO, batches groupBatches, recs []IncidentRecord, o ScanOptions) ServiceScan {
	res := ServiceScan{Service: service, Step: o.Step, Policy: slos[0].Incidents}
	if o.MergeGap > 0 {
		res.Policy.MergeGap = o.MergeGap
	}
	res.Policy.MergeGap = res.Policy.Gap()
	sc := &scanner{o: o, slos: slos, batches: batches, warn: map[string]bool{}, records: recs, mergeGap: res.Policy.MergeGap}
	sc.n = max(0, int(o.End.Sub(o.Start)/o.Step))
	sc.tail = sc.n > 0 && sc.stepTime(sc.n).Before(o.End)
	days := dayBounds(o.Start, o.Start.Add(time.Duration(sc.n)*o.Step), o.Location)
	for _, s := range slos {
		thr := o.Threshold
		if thr <= 0 {
			thr = FastestPageFactor(s.Alerts)
		}
		ds := make([]DayMeasure, len(days))
		for i, d := range days {
			ds[i] = DayMeasure{Start: d[0], End: d[1]}
		}
		sc.scans = append(sc.scans, SLOScan{SLO: s, Threshold: thr, Days: ds, Steps: sc.n})
		sc.objs = append(sc.objs, s.Objective)
	}
	sc.span = make([]spanAcc, len(slos))
	sc.pending = make([]spanAcc, len(slos))
	sc.recAcc = make([][]spanAcc, len(recs))
	for i := range recs {
		sc.recAcc[i] = make([]spanAcc, len(slos))
	}
	vals := make([]stepValues, len(slos))
	for a := 1; a <= sc.n; a += o.MaxPoints {
		b := min(sc.n, a+o.MaxPoints-1)
		if err := sc.fetchAll(ctx, rq, a, b, vals); err != nil {
			res.Err = err
			return res
		}
		for k := a; k <= b; k++ {
			sc.fold(k, vals, k-a)
		}
	}
	if sc.tail {
		if err := sc.fetchAll(ctx, rq, sc.n+1, sc.n+1, vals); err != nil {
			res.Err = err
			return res
		}
		sc.fold(sc.n+1, vals, 0)
	}
	if sc.open && sc.lastHot {
		// Still burning at the end: the interval ends there, measured
		// over its whole span.
		sc.spanEnd = o.End
		sc.closeSpan()
		inc := &sc.detected[len(sc.detected)-1]
		inc.Ongoing = true
		if err := sc.measureSpan(ctx, rq, inc); err != nil {
			res.Err = fmt.Errorf("could not measure the ongoing incident of %s: %w", service, err)
			return res
		}
	}
	sc.closeSpan()
	res.SLOs = sc.scans
	res.Detected = sc.detected
	for i, r := range recs {
		inc := sc.incident(r.Start, r.End, sc.recAcc[i])
		inc.Source, inc.Record = SourceFile, &r
		res.Records = append(res.Records, inc)
	}
	for w := range sc.warn {
		res.Warnings = append(res.Warnings, w)
	}
	sort.Strings(res.Warnings)
	return res
}

// dayBounds splits [start, end) at midnights in loc.
func dayBounds(start, end time.Time, loc *time.Location) [][2]time.Time {
	var out [][2]time.Time
	for t := start; t.Before(end); {
		l := t.In(loc)
		next := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
		if next.After(end) {
			next = end
		}
		out = append(out, [2]time.Time{t, next})
		t = next
	}
	return out
}

// stepTime is the end of step k's window: Start + k x Step, or End for the
// step after the whole ones.
func (sc *scanner) stepTime(k int) time.Time {
	if sc.tail && k > sc.n {
		return sc.o.End
	}
	return sc.o.Start.Add(time.Duration(k) * sc.o.Step)
}

// stepValues are one SLO's bad and total per step of a chunk.
type stepValues struct {
	bad, total []float64
	ok         []bool
}

// queryRange sends q over [from, to] at the scan's step for owner (the SLO
// --stats charges), checks the answer against that grid (CheckRange) and
// keeps its warnings.
func (sc *scanner) queryRange(ctx context.Context, rq RangeQuerier, owner, q string, from, to time.Time) (RangeResult, error) {
	res, err := rq.QueryRange(WithQueryOwners(ctx, owner), q, from, to, sc.o.Step)
	if err == nil {
		err = CheckRange(q, res, from, to, sc.o.Step)
	}
	if err != nil {
		return RangeResult{}, err
	}
	for _, w := range res.Warnings {
		sc.warn[w] = true
	}
	return res, nil
}

// fetch range-queries steps a..b of one SLO.
func (sc *scanner) fetch(ctx context.Context, rq RangeQuerier, s SLO, a, b int) (stepValues, error) {
	n := b - a + 1
	from, to := sc.stepTime(a), sc.stepTime(b)
	get := func(q string) ([]float64, []bool, error) {
		vals, present := make([]float64, n), make([]bool, n)
		if q == "" {
			return vals, present, nil
		}
		res, err := sc.queryRange(ctx, rq, s.ID(), q, from, to)
		if err != nil {
			return nil, nil, err
		}
		if len(res.Series) > 1 {
			sc.warn[fmt.Sprintf("query %q returned %d series; they were summed (wrap it in sum() to say so)", q, len(res.Series))] = true
		}
		for _, ser := range res.Series {
			for _, p := range ser.Points {
				if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
					sc.warn[fmt.Sprintf("query %q returned %v; treated as no data", q, p.V)] = true
					continue
				}
				i := int(math.Round(float64(p.T.Sub(from)) / float64(sc.o.Step)))
				if i < 0 || i >= n {
					continue
				}
				vals[i] += p.V
				present[i] = true
			}
		}
		return vals, present, nil
	}
	win := PromQLDuration(2 * sc.o.Step)
	qs := s.SLI.Queries(2 * sc.o.Step)
	v := stepValues{bad: make([]float64, n), total: make([]float64, n), ok: make([]bool, n)}
	if s.SLI.Kind == Raw {
		r, ok, err := get(qs.ErrorRatio)
		if err != nil {
			return v, err
		}
		for i := range n {
			if ok[i] {
				v.bad[i], v.total[i], v.ok[i] = min(max(r[i], 0), 1), 1, true
			}
		}
		return v, nil
	}
	total, totalOK, err := get(qs.Total)
	if err != nil {
		return v, err
	}
	q := qs.Bad
	if q == "" {
		q = qs.Good
	}
	x, xOK, err := get(q)
	if err != nil {
		return v, err
	}
	for i := range n {
		if !totalOK[i] || total[i] <= 0 {
			continue
		}
		bad := x[i]
		if qs.Bad == "" {
			if !xOK[i] {
				sc.warn[fmt.Sprintf("SLO %s: the good query returned no series over %s at some steps; counted as 0 good events", s.ID(), win)] = true
			}
			bad = total[i] - x[i]
		}
		v.bad[i], v.total[i], v.ok[i] = min(max(bad, 0), total[i]), total[i], true
	}
	return v, nil
}

// fold adds step k (values at index i of vals) to the day measures, the
// incident state and the records; the step at End after the whole ones
// only to the incident state.
func (sc *scanner) fold(k int, vals []stepValues, i int) {
	t := sc.stepTime(k)
	mid := t.Add(-sc.o.Step)
	whole := k <= sc.n
	step := make([]spanAcc, len(sc.slos))
	hot := false
	days := sc.scans[0].Days // every SLO has the same days
	for sc.dayIdx < len(days)-1 && !mid.Before(days[sc.dayIdx].End) {
		sc.dayIdx++
	}
	for j := range sc.slos {
		sl := &sc.scans[j]
		v := vals[j]
		if whole {
			d := &sl.Days[sc.dayIdx]
			d.Steps++
			if v.ok[i] {
				sl.StepsWithData++
				d.StepsWithData++
				d.Bad += v.bad[i]
				d.Total += v.total[i]
			}
		}
		if !v.ok[i] {
			continue
		}
		r := v.bad[i] / v.total[i]
		burn := budget.BurnRate(r, sc.objs[j])
		burning := budget.AlertWindow{Factor: sl.Threshold}.Fires(burn, burn)
		hot = hot || burning
		step[j] = spanAcc{bad: v.bad[i], total: v.total[i], steps: 1, peak: r, burning: burning}
	}
	for ri, r := range sc.records {
		if whole && !mid.Before(r.Start) && mid.Before(r.End) {
			for j := range step {
				sc.recAcc[ri][j].add(step[j])
				sc.recAcc[ri][j].span++
			}
		}
	}
	sc.lastHot = hot // the last call is the last step
	// A burning step t stands for the time t - Step (the middle of its
	// window), or for a sparse SLO for (t - Step, t].
	start := t.Add(-sc.o.Step)
	end := start
	for j, x := range step {
		if x.burning && sc.o.Sparse[sc.slos[j].SLI.Kind] {
			end = t
		}
	}
	switch {
	case hot && !sc.open:
		sc.open, sc.spanStart, sc.spanEnd, sc.quiet = true, start, end, 0
		copy(sc.span, step)
		for j := range sc.span {
			sc.span[j].span = 1
		}
	case hot:
		for j := range step {
			sc.span[j].add(sc.pending[j])
			sc.span[j].add(step[j])
			sc.span[j].span += sc.quiet + 1
		}
		clear(sc.pending)
		sc.quiet = 0
		if end.After(sc.spanEnd) {
			sc.spanEnd = end
		}
	case sc.open:
		for j := range step {
			sc.pending[j].add(step[j])
		}
		sc.quiet++
		// A burning step after this one would start at t or later.
		if t.Sub(sc.spanEnd) >= sc.mergeGap {
			sc.closeSpan()
		}
	}
}

// closeSpan ends the open span, at least one step long.
func (sc *scanner) closeSpan() {
	if !sc.open {
		return
	}
	start, end := sc.spanStart, sc.spanEnd
	if !end.After(start) {
		end = start.Add(sc.o.Step)
	}
	inc := sc.incident(start, end, sc.span)
	inc.Source = SourceDetected
	sc.detected = append(sc.detected, inc)
	sc.open = false
	clear(sc.span)
	clear(sc.pending)
}

// incident measures every SLO over [start, end) from its accumulators.
func (sc *scanner) incident(start, end time.Time, acc []spanAcc) Incident {
	inc := Incident{Service: sc.slos[0].Service, Start: start, End: end}
	minutes := end.Sub(start).Minutes()
	for j, s := range sc.slos {
		a := acc[j]
		m := IncidentSLO{SLO: s.Name, Burning: a.burning}
		if a.steps > 0 && a.total > 0 {
			m.HasData = true
			m.DowntimeMinutes = a.bad / a.total * float64(a.span) * sc.o.Step.Minutes()
			m.ErrorRatio = math.Min(1, m.DowntimeMinutes/minutes)
			m.DowntimeMinutes = math.Min(m.DowntimeMinutes, minutes)
			m.PeakErrorRatio = a.peak
			m.PeakBurnRate = budget.BurnRate(a.peak, sc.objs[j])
			m.BudgetSpent = m.DowntimeMinutes / budgetMinutes(s, start)
		}
		inc.SLOs = append(inc.SLOs, m)
	}
	return inc
}

// budgetMinutes is the error budget of s's window in minutes: (1 -
// objective) x the window's minutes; for a calendar window, the month or
// quarter that contains at.
func budgetMinutes(s SLO, at time.Time) float64 {
	_, length := s.Window.Bounds(at)
	if s.Window.Calendar == "" && length <= 0 {
		length = 30 * budget.Day
	}
	return math.Max(1e-9, (1-s.Objective)*length.Minutes())
}

// measureSpan measures every SLO of inc over (Start - Step, End] with one
// query at End, as the period's SLOs are measured: its span, and the step
// before it that its first burning step's window reaches back to, so that
// all of an outage that starts within that step counts. The steps' windows
// would count the last half step once and the rest twice, short of the
// truth when the outage is still going on. An SLO without data there
// keeps its measure from the steps.
func (sc *scanner) measureSpan(ctx context.Context, rq RangeQuerier, inc *Incident) error {
	d := inc.End.Sub(inc.Start.Add(-sc.o.Step)).Truncate(time.Second)
	if d <= 0 {
		return nil
	}
	minutes := d.Minutes()
	at := inc.End
	var owner string // the SLO measured, for --stats
	value := func(q string) (float64, bool, error) {
		if q == "" {
			return 0, false, nil
		}
		res, err := rq.QueryRange(WithQueryOwners(ctx, owner), q, at, at, sc.o.Step)
		if err == nil {
			err = CheckRange(q, res, at, at, sc.o.Step)
		}
		if err != nil {
			return 0, false, err
		}
		v, ok := 0.0, false
		for _, ser := range res.Series {
			for _, p := range ser.Points {
				if !math.IsNaN(p.V) && !math.IsInf(p.V, 0) {
					v, ok = v+p.V, true
				}
			}
		}
		return v, ok, nil
	}
	for j, s := range sc.slos {
		owner = s.ID()
		qs := s.SLI.Queries(d)
		var ratio float64
		switch {
		case s.SLI.Kind == Raw:
			r, ok, err := value(qs.ErrorRatio)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			ratio = min(max(r, 0), 1)
		default:
			total, ok, err := value(qs.Total)
			if err != nil {
				return err
			}
			if !ok || total <= 0 {
				continue
			}
			q := qs.Bad
			if q == "" {
				q = qs.Good
			}
			x, _, err := value(q)
			if err != nil {
				return err
			}
			if qs.Bad == "" {
				x = total - x
			}
			ratio = min(max(x/total, 0), 1)
		}
		m := &inc.SLOs[j]
		m.HasData = true
		m.DowntimeMinutes = ratio * minutes
		m.ErrorRatio = min(1, m.DowntimeMinutes/inc.End.Sub(inc.Start).Minutes())
		m.BudgetSpent = m.DowntimeMinutes / budgetMinutes(s, inc.Start)
		if m.PeakErrorRatio < ratio {
			m.PeakErrorRatio = ratio
			m.PeakBurnRate = budget.BurnRate(ratio, sc.objs[j])
		}
	}
	return nil
}

// StepProbe is what ProbeStep found out about the data's resolution.
type StepProbe struct {
	// Step is the detection step to use.
	Step time.Duration
	// Sparse names the SLI kinds whose probed queries hold no value over a
	// window as long as Step: their samples are about a step apart (see
	// ScanOptions.Sparse). Probe SLIs never are: sum_over_time counts a
	// single sample.
	Sparse map[SLIKind]bool
	// OK is false when no probed SLO had data; Step is then the finest
	// candidate.
	OK bool
}

// ProbeStep finds the detection step: the finest of candidates (sorted
// finest first) at which range queries over twice the step, as Scan runs
// them, return data for nearly as many steps (90%) as the coarsest does,
// over the last day before end; and, per SLI kind, whether the data is
// sparse at that step. Up to two SLOs with data of each SLI kind are
// probed; the coarsest step wins.
func ProbeStep(ctx context.Context, rq RangeQuerier, slos []SLO, end time.Time, candidates []time.Duration) (StepProbe, error) {
	if len(candidates) == 0 {
		candidates = []time.Duration{DefaultStep}
	}
	p := StepProbe{Step: candidates[0], Sparse: map[SLIKind]bool{}}
	slos = measured(slos)
	coverage := func(s SLO, step, window time.Duration) (float64, error) {
		qs := s.SLI.Queries(window)
		q := qs.Total
		if q == "" {
			q = qs.ErrorRatio
		}
		start := end.Add(-budget.Day).Truncate(step)
		res, err := rq.QueryRange(WithQueryOwners(ctx, s.ID()), q, start.Add(step), end, step)
		if err == nil {
			err = CheckRange(q, res, start.Add(step), end, step)
		}
		if err != nil {
			return 0, fmt.Errorf("could not probe the data's resolution with SLO %s: %w", s.ID(), err)
		}
		steps := map[int64]bool{}
		for _, ser := range res.Series {
			for _, pt := range ser.Points {
				if !math.IsNaN(pt.V) && !math.IsInf(pt.V, 0) {
					steps[pt.T.UnixMilli()] = true
				}
			}
		}
		return float64(len(steps)) / math.Max(1, float64(end.Sub(start)/step)), nil
	}
	var probed []SLO
	var best []float64 // per probed SLO, its coverage at its pick
	perKind := map[SLIKind]int{}
	for _, s := range slos {
		if perKind[s.SLI.Kind] == 2 {
			continue
		}
		cov := make([]float64, len(candidates))
		top := 0.0
		for i, c := range candidates {
			v, err := coverage(s, c, 2*c)
			if err != nil {
				return StepProbe{Step: candidates[0]}, err
			}
			cov[i] = v
			top = math.Max(top, v)
		}
		if top == 0 {
			continue
		}
		for i, c := range candidates {
			if cov[i] >= 0.9*top {
				p.Step = max(p.Step, c)
				best = append(best, cov[i])
				break
			}
		}
		probed = append(probed, s)
		perKind[s.SLI.Kind]++
	}
	p.OK = len(probed) > 0
	for i, s := range probed {
		v, err := coverage(s, p.Step, p.Step)
		if err != nil {
			return p, err
		}
		if v < 0.5*best[i] {
			p.Sparse[s.SLI.Kind] = true
		}
	}
	return p, nil
}
