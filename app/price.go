package app

import (
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/cost"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// DetectionOptions tune incident detection.
type DetectionOptions struct {
	// Step is the detection step; 0 chooses the finest of StepCandidates at
	// which the data has values.
	Step time.Duration
	// MergeGap merges burning spans closer than it into one incident.
	MergeGap time.Duration
	// Threshold is the burn rate above which a step burns; 0 means each
	// SLO's fastest page factor.
	Threshold float64
}

// PriceRequest is a period to price, and optionally the one before it.
type PriceRequest struct {
	Selection Selection
	Period    slo.Period
	// Previous, when set, is priced too, exactly as it would be priced
	// alone; while Period is still running at the evaluation time, only
	// the same elapsed part of Previous is priced (like for like).
	Previous *slo.Period
	// Location is the time zone of days and months; nil means UTC.
	Location *time.Location
	// Incidents is the incidents file (YAML or CSV); empty for the specs'
	// default (slo.Catalog.IncidentFiles). NoIncidents reads none.
	Incidents   string
	NoIncidents bool
	// MinCoverage is the data coverage (0 to 1) a period and an SLO need
	// for a comparison and below which a caveat is shown; 0 means
	// DefaultMinCoverage, a negative value no minimum.
	MinCoverage float64
	Detection   DetectionOptions
	// Trend is how many periods, ending with Period, the trend of summary
	// and report covers (0: none); see Trend.
	Trend int
	// Advice, when above 0, is how many periods ending with Period the
	// Advice sheet of `nines report --advice` measures (Report only).
	Advice int
	// Progress, when set, hears the incident scans advance: what is
	// scanned ("incidents 2026-Q3") and done of total services.
	Progress func(what string, done, total int)
}

// Priced is a priced period, and the one before it when asked.
type Priced struct {
	Current  *report.CostReport
	Previous *report.CostReport
}

// DefaultMinCoverage is the data coverage a comparison needs when the
// request gives none: 90% of the period.
const DefaultMinCoverage = 0.9

// StepCandidates are the detection steps tried, finest first, when no step
// is given.
var StepCandidates = []time.Duration{5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour}

// PricePeriod prices req's period (and the previous one when asked) for
// `nines cost`: evaluations over the period and over each calendar month
// for SLA credits, then the incident scan, then every figure. It fails
// when the selection is unknown, the incidents file is invalid or the
// source failed for every SLO; other source errors are in Notes.
func PricePeriod(ctx context.Context, env *Env, req PriceRequest) (*Priced, Notes, error) {
	slos, err := req.Selection.Pick(env.Catalog)
	if err != nil {
		return nil, Notes{}, err
	}
	records, files, ignored, err := incidentRecords(env.Catalog, req)
	if err != nil {
		return nil, Notes{}, err
	}
	src, err := env.source()
	if err != nil {
		return nil, Notes{}, err
	}
	p := pricer{ctx: ctx, env: env, src: src, cat: env.Catalog, slos: slos, records: records, det: req.Detection, at: env.At,
		loc: req.Location, progress: req.Progress, files: files, minCoverage: req.MinCoverage}
	if p.loc == nil {
		p.loc = time.UTC
	}
	if ignored > 0 {
		p.notes = append(p.notes, fmt.Sprintf("incidents files %s: %d records of services the specs do not define are left out", strings.Join(files, ", "), ignored))
	}
	out := &Priced{}
	if out.Current, err = p.price(req.Period); err != nil {
		return nil, Notes{}, err
	}
	if req.Previous != nil {
		// Priced as it would be alone: its own step and inputs; only its
		// evaluation time moves back when the current period is to date.
		q := p
		q.at = LikeForLike(req.Period, *req.Previous, p.at)
		if out.Previous, err = q.price(*req.Previous); err != nil {
			return nil, Notes{}, err
		}
	}
	return out, costNotes(out.Current, out.Previous), nil
}

// LikeForLike is the time to measure prev up to when it is compared with
// cur at time at: at itself when cur is over (prev is measured whole), and
// otherwise prev's start plus the time cur has run (the same elapsed part,
// at most the whole of prev).
func LikeForLike(cur, prev slo.Period, at time.Time) time.Time {
	if !at.Before(cur.End) {
		return at
	}
	t := prev.Start.Add(at.Sub(cur.Start))
	if t.After(prev.End) {
		t = prev.End
	}
	if t.After(at) {
		t = at
	}
	return t
}

// incidentRecords reads the incidents the request prices with: the file it
// names, none, or the specs' default files. It returns the records, the
// files read and how many records of unknown services were left out.
func incidentRecords(cat *slo.Catalog, req PriceRequest) ([]slo.IncidentRecord, []string, int, error) {
	switch {
	case req.NoIncidents:
		return nil, []string{}, 0, nil
	case req.Incidents != "":
		recs, err := slo.LoadIncidents(req.Incidents, cat)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("could not load incidents: %w", err)
		}
		return recs, []string{req.Incidents}, 0, nil
	}
	recs, ignored, err := cat.DefaultIncidents()
	if err != nil {
		return nil, nil, 0, fmt.Errorf("could not load the incidents files of the specs (incident_files:; --incidents none reads none): %w", err)
	}
	files := slices.Clone(cat.IncidentFiles)
	sort.Strings(files)
	return recs, slices.Compact(files), ignored, nil
}

// costNotes collects the reports' warnings, each once, and source errors.
func costNotes(rs ...*report.CostReport) Notes {
	var n Notes
	for _, r := range rs {
		if r != nil {
			n.warn(r.Warnings...)
			n.Errors = append(n.Errors, r.Errors...)
		}
	}
	return n
}

// pricer prices periods from one source.
type pricer struct {
	ctx      context.Context
	env      *Env // for Stats
	src      Source
	cat      *slo.Catalog
	slos     []slo.SLO
	records  []slo.IncidentRecord
	det      DetectionOptions
	at       time.Time
	loc      *time.Location
	progress func(what string, done, total int)
	// files are the incidents files read; notes are warnings of every
	// period priced.
	files []string
	notes []string
	// minCoverage is the coverage below which an SLO gets a caveat (as
	// PriceRequest.MinCoverage).
	minCoverage float64
	// step, sparse and reason are chosen for each period, at its own end:
	// a period's figures never depend on another period priced with it.
	step   time.Duration
	sparse map[slo.SLIKind]bool
	reason string
}

func (p *pricer) price(period slo.Period) (*report.CostReport, error) {
	src, rec := recordStats(p.env, p.src)
	defer func(orig Source) { p.src = orig }(p.src)
	p.src = src
	// A priced period reads each SLO's measurement over the period, never its
	// burn rates at the period's end.
	evals, err := evaluate(p.ctx, p.src, p.slos, slo.EvalOptions{At: p.at, Period: &period, WindowOnly: true, Recorded: p.env.Recorded})
	if err != nil {
		return nil, err
	}
	if err := allFailed(evals); err != nil {
		return nil, err
	}
	end := period.End
	if p.at.Before(end) {
		end = p.at
	}
	months := MonthsOf(period.Start, end, p.loc)
	sla := SLASLOs(p.cat)
	var slaSLOs []slo.SLO
	for _, s := range p.slos {
		if sla[s.Service] == s.Name {
			slaSLOs = append(slaSLOs, s)
		}
	}
	if len(slaSLOs) > 0 {
		// The months are independent: evaluate them together, one round trip.
		var wg sync.WaitGroup
		for i := range months {
			wg.Go(func() {
				months[i].Evals = slo.Evaluate(p.ctx, p.src, slaSLOs, slo.EvalOptions{At: p.at, Period: &months[i].Month, WindowOnly: true, Recorded: p.env.Recorded})
			})
		}
		wg.Wait()
	}
	sloMonths := p.sloMonths(period, end)
	if err := p.chooseStep(end); err != nil {
		return nil, err
	}
	var progress func(done, total int)
	if p.progress != nil {
		what := "incidents " + period.Name
		progress = func(done, total int) { p.progress(what, done, total) }
	}
	scans := slo.Scan(p.ctx, p.src, p.slos, slo.ScanOptions{
		Start: period.Start, End: end, Step: p.step, Sparse: p.sparse, MergeGap: p.det.MergeGap, Threshold: p.det.Threshold,
		Location: p.loc, Records: p.records, Progress: progress, Groups: scanGroups(evals),
	})
	if p.ctx.Err() != nil {
		return nil, fmt.Errorf("incident detection stopped: %w", context.Cause(p.ctx))
	}
	r, err := NewCostReport(CostInput{
		Catalog: p.cat, Period: period, At: p.at, Source: p.src.String(), Evals: evals, Months: months, Scans: scans,
		Detection: report.NewDetection(p.step, p.reason, slo.MergeGapOf(p.slos, p.det.MergeGap), p.det.Threshold), Location: p.loc,
		SLOMonths: sloMonths, IncidentFiles: p.files, MinCoverage: p.minCoverage, Notes: p.notes,
	})
	if err == nil && rec != nil {
		r.Stats = rec.report(p.slos)
	}
	return r, err
}

// chooseStep settles the detection step of a period ending at end: the
// one given, or the finest of StepCandidates at which the data has values
// in the period's last day; and whether the data is sparse at that step.
func (p *pricer) chooseStep(end time.Time) error {
	p.step, p.sparse, p.reason = 0, nil, ""
	candidates := StepCandidates
	if p.det.Step > 0 {
		candidates = []time.Duration{p.det.Step}
	}
	pr, err := slo.ProbeStep(p.ctx, p.src, p.slos, end, candidates)
	if err != nil {
		return err
	}
	p.step, p.sparse = pr.Step, pr.Sparse
	switch {
	case p.det.Step > 0:
		p.reason = "set with --step"
	case !pr.OK:
		p.reason = "the default (no data to probe in the last day)"
	case pr.Step == StepCandidates[0]:
		p.reason = "the short window of the fastest page alert"
	default:
		p.reason = fmt.Sprintf("the finest step at which the data has values (a %s step's window holds too few samples)", slo.PromQLDuration(StepCandidates[0]))
	}
	var sparse []string
	for _, k := range []slo.SLIKind{slo.Events, slo.Latency, slo.Probe, slo.Raw} {
		if pr.Sparse[k] {
			sparse = append(sparse, string(k))
		}
	}
	if len(sparse) > 0 {
		p.reason += "; the samples of " + strings.Join(sparse, ", ") + " SLIs are about a step apart"
	}
	return nil
}

// CostInput is what NewCostReport prices: the evaluations of a period, the
// months that overlap it (for SLA credits), and the incident scans.
type CostInput struct {
	Catalog *slo.Catalog
	// Period is the period priced; At the evaluation time. The period is
	// measured from its start to the earlier of its end and At.
	Period slo.Period
	At     time.Time
	Source string
	// Evals are the selected SLOs evaluated over Period.
	Evals []slo.Evaluation
	// Months are the calendar months overlapping the period, each with its
	// SLA SLOs evaluated over the month.
	Months []MonthEvaluation
	// Scans are the incident scans of the selected services.
	Scans []slo.ServiceScan
	// Detection describes how incidents were found.
	Detection report.Detection
	// Location is the time zone of days and months.
	Location *time.Location
	// SLOMonths are, by SLO ID, the months of each SLO judged month by
	// month (see sloMonths), each evaluated over its own calendar month.
	SLOMonths map[string][]slo.Evaluation
	// IncidentFiles are the incidents files read.
	IncidentFiles []string
	// MinCoverage is the coverage below which an SLO gets a caveat; 0
	// means DefaultMinCoverage, a negative value no minimum.
	MinCoverage float64
	// Notes are warnings to add to the report.
	Notes []string
}

// MonthEvaluation is one calendar month evaluated for SLA credits.
type MonthEvaluation struct {
	Month slo.Period
	// Share is the fraction of the month inside the priced period.
	Share float64
	Evals []slo.Evaluation
}

// NewCostReport prices the period: every selected SLO's lost revenue, every
// incident's cost, each service's labor, opportunity and SLA credits, and
// the totals per currency; and the Daily rows. It fails only when an
// incident's stated labor cannot be priced.
func NewCostReport(in CostInput) (*report.CostReport, error) {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	if in.MinCoverage == 0 {
		in.MinCoverage = DefaultMinCoverage
	}
	in.MinCoverage = max(in.MinCoverage, 0)
	measuredTo := in.Period.End
	if in.At.Before(measuredTo) {
		measuredTo = in.At
	}
	if measuredTo.Before(in.Period.Start) {
		measuredTo = in.Period.Start
	}
	r := &report.CostReport{
		At:     in.At.UTC(),
		Source: in.Source,
		Period: report.PeriodInfo{
			Name: in.Period.Name, Start: in.Period.Start.UTC(), End: in.Period.End.UTC(), MeasuredTo: measuredTo.UTC(),
			Minutes: measuredTo.Sub(in.Period.Start).Minutes(), TimeZone: loc.String(), ToDate: in.At.Before(in.Period.End),
		},
		Detection:  in.Detection,
		Convention: budget.Convention,
		Services:   []report.ServiceCost{},
		Incidents:  []report.IncidentCost{},
		Totals:     []report.CurrencyTotal{},

		IncidentFiles: in.IncidentFiles, IncidentScanPath: slo.PathRaw,
		MinCoverage: in.MinCoverage,
		SLAMonths:   []report.SLAMonth{},
	}
	evals := map[string][]slo.Evaluation{}
	for _, e := range in.Evals {
		evals[e.SLO.Service] = append(evals[e.SLO.Service], e)
	}
	scans := map[string]slo.ServiceScan{}
	warned := map[string]bool{}
	warn := func(w string) {
		if !warned[w] {
			warned[w] = true
			r.Warnings = append(r.Warnings, w)
		}
	}
	if r.IncidentFiles == nil {
		r.IncidentFiles = []string{}
	}
	for _, n := range in.Notes {
		warn(n)
	}
	for _, e := range in.Evals {
		for _, w := range e.Warnings {
			warn(w)
		}
	}
	for _, s := range in.Scans {
		scans[s.Service] = s
		for _, w := range s.Warnings {
			warn(w)
		}
		if s.Err != nil {
			r.Errors = append(r.Errors, s.Err.Error())
		}
	}
	models := map[string]slo.CostModel{}
	totals := map[string]*report.CurrencyTotal{}
	for _, svc := range in.Catalog.Services {
		es := evals[svc.Name]
		if len(es) == 0 {
			continue
		}
		models[svc.Name] = svc.Cost
		sc, incidents, err := priceService(svc, es, scans[svc.Name], in, r.Period, warn)
		if err != nil {
			return nil, err
		}
		r.Services = append(r.Services, sc)
		r.Incidents = append(r.Incidents, incidents...)
		r.SLAMonths = append(r.SLAMonths, slaMonths(svc, in.Months)...)
		if sc.Cost != nil {
			t := totals[sc.Currency]
			if t == nil {
				t = &report.CurrencyTotal{Currency: sc.Currency}
				totals[sc.Currency] = t
			}
			addTotal(t, sc.Cost)
		}
	}
	for _, e := range in.Evals {
		if e.Err != nil {
			r.Errors = append(r.Errors, e.Err.Error())
		}
	}
	sort.SliceStable(r.Incidents, func(i, j int) bool {
		if !r.Incidents[i].Start.Equal(r.Incidents[j].Start) {
			return r.Incidents[i].Start.Before(r.Incidents[j].Start)
		}
		return r.Incidents[i].Service < r.Incidents[j].Service
	})
	for _, t := range totals {
		r.Totals = append(r.Totals, *t)
	}
	sort.Slice(r.Totals, func(i, j int) bool { return r.Totals[i].Currency < r.Totals[j].Currency })
	r.Coverage = meanCoverage(r.Services)
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			if o.Coverage < r.MinCoverage {
				warn(fmt.Sprintf("SLO %s/%s has data for %s of %s (under the %s a comparison needs)", s.Service, o.SLO, report.Percent(o.Coverage, 0), in.Period.Name, report.Percent(r.MinCoverage, 0)))
			}
		}
	}
	sort.Strings(r.Warnings)
	r.Daily, r.DailyCount = dailyRows(r, in.Scans, models, loc)
	return r, nil
}

// addTotal adds a breakdown to its currency's total.
func addTotal(t *report.CurrencyTotal, b *report.Breakdown) {
	t.LostRevenue += b.LostRevenue
	t.Labor += b.Labor
	t.Opportunity += b.Opportunity
	t.SLACredits += b.SLACredits
	t.Total += b.Total
}

// priceService prices one service over the period: its SLOs, its incidents
// (returned apart, for the report's list), MTTR and MTBF, and its cost.
func priceService(svc slo.Service, es []slo.Evaluation, scan slo.ServiceScan, in CostInput, period report.PeriodInfo, warn func(string)) (report.ServiceCost, []report.IncidentCost, error) {
	m := svc.Cost
	owner := report.Owner{Team: svc.Owner.Team, Contact: svc.Owner.Contact}
	out := report.ServiceCost{
		Service: svc.Name, Tier: svc.Tier, Owner: owner, Currency: m.Currency, CostModel: m.Configured(), SLOs: []report.SLOCost{},
	}
	scanned := map[string]slo.SLOScan{}
	for _, s := range scan.SLOs {
		scanned[s.SLO.Name] = s
	}
	var total cost.Breakdown
	total.Currency = m.Currency
	for _, e := range es {
		sc := report.SLOCost{
			SLO: e.SLO.Name, Kind: string(e.SLO.SLI.Kind), Objective: e.SLO.Objective, DataState: string(e.SLI.State),
			Reason: e.SLI.Reason, RevenueImpact: m.Revenue.ImpactOf(e.SLO.Name), Coverage: Coverage(e),
			Path: e.Path, PathReason: e.PathReason, RecordedAt: recordedAt(e),
		}
		if s, ok := scanned[e.SLO.Name]; ok {
			sc.IncidentThreshold, sc.DataCoverage = s.Threshold, s.Coverage()
			// Under the minimum coverage NewCostReport says so already.
			if e.SLI.State == slo.DataOK && s.Steps > 0 && s.Coverage() < 0.9 && Coverage(e) >= in.MinCoverage {
				warn(fmt.Sprintf("SLO %s: the detection steps have data for %s of %s; incidents may be missing", e.SLO.ID(), report.Percent(s.Coverage(), 0), in.Period.Name))
			}
		} else {
			sc.IncidentThreshold = slo.FastestPageFactor(e.SLO.Alerts)
		}
		switch {
		case e.Err != nil:
			sc.DataState, sc.Error, sc.Reason = report.ConditionError, e.Err.Error(), ""
		case e.SLI.State == slo.DataOK:
			st := e.Status
			sc.ErrorRatio, sc.Availability, sc.Nines, sc.BudgetUsed = num(st.ErrorRatio), num(st.Availability), num(st.Nines), num(st.BudgetUsed)
			dt := cost.DowntimeMinutes(st.ErrorRatio, e.Elapsed)
			sc.DowntimeMinutes = num(dt)
			if sc.Adjustments, sc.Raw = newAdjustments(e); sc.Raw != nil && e.Adjusted.RawSLI.State == slo.DataOK {
				sc.Raw.DowntimeMinutes = num(cost.DowntimeMinutes(e.Adjusted.RawStatus.ErrorRatio, e.Elapsed))
			}
			met := meets(e)
			sc.Met = &met
			if m.Configured() {
				l := cost.LostRevenue(m, e.SLO.Name, dt)
				total.Revenue = append(total.Revenue, l)
				sc.LostRevenue = num(l.Amount)
			}
		}
		if ms := in.SLOMonths[e.SLO.ID()]; len(ms) > 0 {
			sc.Months, sc.Met = judgeMonths(ms, sc.Met)
		}
		out.SLOs = append(out.SLOs, sc)
	}
	var incidents []report.IncidentCost
	pol := svc.Incidents
	if scan.Policy.MergeGap > 0 { // the policy as the scan applied it
		pol = scan.Policy
	}
	out.IncidentPolicy = &report.IncidentPolicy{MinDurationSeconds: pol.MinDuration.Seconds(), MinBudget: pol.MinBudget, MergeGapSeconds: pol.Gap().Seconds()}
	for _, inc := range scan.Incidents() {
		if inc.Kind == slo.KindBlip {
			// Its downtime and lost revenue are in its SLOs' period
			// figures; it carries no fixed cost and is no incident.
			out.Blips++
			out.BlipSeconds += inc.Duration().Seconds()
			dt := 0.0
			for _, s := range inc.SLOs {
				dt = math.Max(dt, s.DowntimeMinutes)
			}
			out.BlipDowntimeMinutes += dt
			continue
		}
		planned := inc.Kind == slo.KindPlanned
		ic := report.IncidentCost{
			ID:      svc.Name + "/" + inc.Start.UTC().Format("2006-01-02T15:04Z"),
			Service: svc.Name, Tier: svc.Tier, Source: inc.Source,
			Start: inc.Start.UTC(), End: inc.End.UTC(), DurationSeconds: inc.Duration().Seconds(),
			SLOs: []report.IncidentSLO{}, Ongoing: inc.Ongoing, Planned: planned,
		}
		if inc.Record != nil {
			ic.Title, ic.RecordFile, ic.RecordLine = inc.Record.Title, inc.Record.File, inc.Record.Line
		} else if inc.Adjustment != "" {
			ic.Title = "budget adjustment: " + inc.Adjustment
		}
		var rev []cost.RevenueLine
		for _, s := range inc.SLOs {
			is := report.IncidentSLO{SLO: s.SLO, Burning: s.Burning}
			if s.HasData {
				is.ErrorRatio, is.PeakErrorRatio, is.PeakBurnRate, is.DowntimeMinutes = num(s.ErrorRatio), num(s.PeakErrorRatio), num(s.PeakBurnRate), num(s.DowntimeMinutes)
				is.BudgetSpent = num(s.BudgetSpent)
				ic.DowntimeMinutes = math.Max(ic.DowntimeMinutes, s.DowntimeMinutes)
				rev = append(rev, cost.LostRevenue(m, s.SLO, s.DowntimeMinutes))
			}
			ic.SLOs = append(ic.SLOs, is)
		}
		if p := inc.Peak(); p.HasData {
			ic.PeakSLO, ic.PeakErrorRatio, ic.PeakBurnRate = p.SLO, num(p.PeakErrorRatio), num(p.PeakBurnRate)
		}
		if planned {
			// No incident overhead: its lost revenue only, which the
			// service's period figures already hold.
			if m.Configured() {
				ic.Cost = newBreakdown(cost.Breakdown{Currency: m.Currency, Revenue: rev}, m)
			}
			incidents = append(incidents, ic)
			continue
		}
		out.Incidents++
		out.IncidentSeconds += ic.DurationSeconds
		if m.Configured() {
			var stated []slo.Responder
			var hours *float64
			if inc.Record != nil {
				stated, hours = inc.Record.Responders, inc.Record.OpportunityHours
			}
			b, err := cost.Incident(m, inc.Duration(), rev, stated, hours)
			if err != nil {
				return out, nil, fmt.Errorf("could not price the %s incident of %s (%s:%d): %w", svc.Name, inc.Start.UTC().Format(time.RFC3339), inc.Record.File, inc.Record.Line, err)
			}
			ic.Cost = newBreakdown(b, m)
			total.Labor = append(total.Labor, b.Labor...)
			total.Opportunity = append(total.Opportunity, b.Opportunity...)
		}
		incidents = append(incidents, ic)
	}
	if out.Incidents > 0 {
		mttr := out.IncidentSeconds / float64(out.Incidents)
		mtbf := math.Max(0, period.Minutes*60-out.IncidentSeconds) / float64(out.Incidents)
		out.MTTRSeconds, out.MTBFSeconds = &mttr, &mtbf
	}
	if m.Configured() {
		total.Credits = credits(svc, m, in.Months, warn)
		out.Cost = newBreakdown(total, m)
	}
	return out, incidents, nil
}

// newBreakdown turns the cost lines into their JSON, with totals.
func newBreakdown(b cost.Breakdown, model slo.CostModel) *report.Breakdown {
	out := &report.Breakdown{
		Currency:    b.Currency,
		LostRevenue: b.LostRevenue(),
		Labor:       b.LaborCost(),
		Opportunity: b.OpportunityCost(),
		SLACredits:  b.CreditCost(),
		Total:       b.Total(),
		Revenue:     []report.RevenueLine{},
		LaborLines:  []report.LaborLine{},
		Credits:     []report.CreditLine{},
		LaborByRole: []report.RoleLabor{},
	}
	for _, l := range b.Revenue {
		out.Revenue = append(out.Revenue, report.RevenueLine(l))
	}
	for _, l := range b.Labor {
		out.LaborLines = append(out.LaborLines, report.LaborLine{
			Role: l.Role, People: l.People, HoursEach: l.Hours, HourlyRate: l.HourlyRate,
			HoursPerIncident: l.HoursPerIncident, HoursPerOutageHour: l.HoursPerOutageHour, OutageHours: l.OutageHours,
			Stated: l.Stated, Amount: l.Amount,
		})
	}
	out.Diverted.HourlyValue = model.Opportunity.HourlyValue
	for _, l := range b.Opportunity {
		out.Diverted.Hours += l.Hours
		out.Diverted.Amount += l.Amount
	}
	for _, l := range b.Credits {
		c := report.CreditLine{Month: l.Month, Availability: l.Availability, CreditRate: l.Rate, MonthlyContractValue: l.MonthlyContractValue, MonthShare: l.Share, Amount: l.Amount}
		if l.Rate > 0 {
			below := l.Below
			c.BandBelow = &below
		}
		out.Credits = append(out.Credits, c)
	}
	for _, r := range b.LaborByRole() {
		out.LaborByRole = append(out.LaborByRole, report.RoleLabor(r))
	}
	return out
}

// slaSLO is the SLO whose availability the service's SLA measures.
func slaSLO(svc slo.Service) string {
	if svc.Cost.SLA.SLO != "" {
		return svc.Cost.SLA.SLO
	}
	if len(svc.SLOs) > 0 {
		return svc.SLOs[0].Name
	}
	return ""
}

// hasSLACredits reports whether m's SLA owes credits: a contract value and
// credit bands.
func hasSLACredits(m slo.CostModel) bool {
	return m.SLA.MonthlyContractValue > 0 && len(m.SLA.Credits) > 0
}

// SLASLOs lists, per service of the catalog, the SLO its SLA measures, for
// the services whose cost model has an SLA with credit bands.
func SLASLOs(cat *slo.Catalog) map[string]string {
	out := map[string]string{}
	for _, s := range cat.Services {
		if s.Cost.Configured() && hasSLACredits(s.Cost) {
			out[s.Name] = slaSLO(s)
		}
	}
	return out
}

// credits prices the SLA credit of each month from its SLA SLO's
// availability.
func credits(svc slo.Service, m slo.CostModel, months []MonthEvaluation, warn func(string)) []cost.CreditLine {
	if !hasSLACredits(m) {
		return nil
	}
	name := slaSLO(svc)
	var out []cost.CreditLine
	for _, mo := range months {
		for _, e := range mo.Evals {
			if e.SLO.Service != svc.Name || e.SLO.Name != name {
				continue
			}
			if e.Err != nil || e.SLI.State != slo.DataOK {
				warn(fmt.Sprintf("SLA of %s: no availability for %s (%s); no credit counted", svc.Name, mo.Month.Name, strings.ReplaceAll(string(e.SLI.State), "_", " ")))
				continue
			}
			out = append(out, cost.Credit(m, mo.Month.Name, e.Status.Availability, mo.Share))
		}
	}
	return out
}

// MonthsOf lists the calendar months in loc that overlap [start, end), each
// with the fraction of it inside.
func MonthsOf(start, end time.Time, loc *time.Location) []MonthEvaluation {
	var out []MonthEvaluation
	for t := start; t.Before(end); {
		m := slo.CalendarPeriod(slo.Month, t, loc)
		lo, hi := maxTime(m.Start, start), minTime(m.End, end)
		out = append(out, MonthEvaluation{Month: m, Share: float64(hi.Sub(lo)) / float64(m.Length())})
		t = m.End
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

// dailyRows prices each SLO's days from the detection steps, for the Daily
// sheet: the rows are computed as the sheet streams them. It returns the
// rows and how many there are.
func dailyRows(r *report.CostReport, scans []slo.ServiceScan, models map[string]slo.CostModel, loc *time.Location) (iter.Seq[report.DailyRow], int) {
	n := 0
	for _, s := range scans {
		for _, sl := range s.SLOs {
			n += len(sl.Days)
		}
	}
	type key struct {
		service, slo string
		day          time.Time
	}
	dayOf := func(t time.Time) time.Time {
		l := t.In(loc)
		return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	}
	rows := func(yield func(report.DailyRow) bool) {
		incidents := map[key][2]float64{} // count, cost
		for _, inc := range r.Incidents {
			if inc.Planned {
				continue
			}
			k := key{inc.Service, inc.PeakSLO, dayOf(inc.Start)}
			v := incidents[k]
			v[0]++
			if inc.Cost != nil {
				v[1] += inc.Cost.Labor + inc.Cost.Opportunity
			}
			incidents[k] = v
		}
		tiers := map[string]string{}
		for _, s := range r.Services {
			tiers[s.Service] = s.Tier
		}
		for _, s := range scans {
			m := models[s.Service]
			for _, sl := range s.SLOs {
				for _, d := range sl.Days {
					row := report.DailyRow{
						Date: dayOf(d.Start), Service: s.Service, SLO: sl.SLO.Name, Tier: tiers[s.Service],
						Currency: m.Currency, Priced: m.Configured(),
					}
					if d.Steps > 0 {
						row.Coverage = float64(d.StepsWithData) / float64(d.Steps)
					}
					if ratio, ok := d.ErrorRatio(); ok {
						row.HasData, row.ErrorRatio = true, ratio
						row.DowntimeMinutes = cost.DowntimeMinutes(ratio, time.Duration(d.Steps)*s.Step)
						if row.Priced {
							row.LostRevenue = cost.LostRevenue(m, sl.SLO.Name, row.DowntimeMinutes).Amount
						}
					}
					v := incidents[key{s.Service, sl.SLO.Name, row.Date}]
					row.Incidents, row.IncidentCost = int(v[0]), v[1]
					if !yield(row) {
						return
					}
				}
			}
		}
	}
	return rows, n
}
