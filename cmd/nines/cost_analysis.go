package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// detectionFlags tune incident detection, shared by cost, report and summary.
type detectionFlags struct {
	incidents string
	step      time.Duration
	mergeGap  time.Duration
	threshold float64
}

func (d *detectionFlags) addFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&d.incidents, "incidents", "", "incidents file (YAML or CSV) that adds, corrects or dismisses incidents and states their responders")
	f.DurationVar(&d.step, "step", 0, "incident detection step and window (default 5m, coarser when the data is sampled too sparsely for it)")
	f.DurationVar(&d.mergeGap, "merge-gap", slo.DefaultMergeGap, "burning spans closer than this are one incident")
	f.Float64Var(&d.threshold, "threshold", 0, "burn rate above which a step burns (default each SLO's fastest page factor, 14.4 for the SRE Workbook alerts)")
}

func (d *detectionFlags) check(c *cobra.Command) error {
	if c.Flags().Changed("step") && d.step < time.Minute {
		return usageErrorf("invalid --step %s: use at least 1m", d.step)
	}
	if d.mergeGap < 0 {
		return usageErrorf("invalid --merge-gap %s: use zero or more", d.mergeGap)
	}
	if c.Flags().Changed("threshold") && !(d.threshold > 0) {
		return usageErrorf("invalid --threshold %v: use a burn rate above 0, such as 14.4", d.threshold)
	}
	return nil
}

// stepCandidates are the detection steps tried, finest first, when --step is
// not given.
var stepCandidates = []time.Duration{5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour}

// analysisRequest is what analyze needs.
type analysisRequest struct {
	g      *globalOptions
	s      *streams
	sel    *selection
	period *periodFlags
	// def is the period without period flags: "30d" or "quarter".
	def string
	det *detectionFlags
	// previous also prices the period before.
	previous bool
	now      func() time.Time
}

// analysis is the priced period, and the one before when asked.
type analysis struct {
	at     time.Time
	source string
	cur    *report.CostReport
	prev   *report.CostReport
	log    *slog.Logger
}

// analyze loads the specs and the incidents file, opens the source and
// prices the period (and the previous one): evaluations over the period and
// over each month for SLA credits, then the incident scan.
func analyze(ctx context.Context, r analysisRequest) (*analysis, error) {
	log, at, err := r.g.start(r.s, r.now)
	if err != nil {
		return nil, err
	}
	period, err := r.period.resolve(at, r.def)
	if err != nil {
		return nil, err
	}
	if !period.Start.Before(at) {
		return nil, usageErrorf("the period %s has not started at %s", period.Name, at.UTC().Format(time.RFC3339))
	}
	cat, err := loadCatalog(r.g)
	if err != nil {
		return nil, err
	}
	slos, err := r.sel.pick(cat)
	if err != nil {
		return nil, err
	}
	var records []slo.IncidentRecord
	if r.det.incidents != "" {
		if records, err = slo.LoadIncidents(r.det.incidents, cat); err != nil {
			return nil, fmt.Errorf("could not load incidents: %w", err)
		}
	}
	src, err := r.g.openSource(ctx, r.s, log)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	p := pricer{ctx: ctx, src: src, cat: cat, slos: slos, records: records, det: r.det, at: at, loc: r.period.loc, s: r.s}
	if p.loc == nil {
		p.loc = time.UTC
	}
	out := &analysis{at: at, source: src.String(), log: log}
	if out.cur, err = p.price(period); err != nil {
		return nil, err
	}
	if r.previous {
		if out.prev, err = p.price(r.period.previous(period, r.def)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pricer prices periods from one source.
type pricer struct {
	ctx     context.Context
	src     source
	cat     *slo.Catalog
	slos    []slo.SLO
	records []slo.IncidentRecord
	det     *detectionFlags
	at      time.Time
	loc     *time.Location
	s       *streams
	// step, sparse and reason, once chosen, hold for every period priced.
	step   time.Duration
	sparse map[slo.SLIKind]bool
	reason string
}

func (p *pricer) price(period slo.Period) (*report.CostReport, error) {
	// A priced period reads each SLO's measurement over the period, never its
	// burn rates at the period's end.
	evals := slo.Evaluate(p.ctx, p.src, p.slos, slo.EvalOptions{At: p.at, Period: &period, WindowOnly: true})
	if err := p.ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluation interrupted: %w", err)
	}
	if err := allFailed(evals); err != nil {
		return nil, err
	}
	end := period.End
	if p.at.Before(end) {
		end = p.at
	}
	months := report.MonthsOf(period.Start, end, p.loc)
	sla := report.SLASLOs(p.cat)
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
				months[i].Evals = slo.Evaluate(p.ctx, p.src, slaSLOs, slo.EvalOptions{At: p.at, Period: &months[i].Month, WindowOnly: true})
			})
		}
		wg.Wait()
	}
	if err := p.chooseStep(end); err != nil {
		return nil, err
	}
	progress := p.progress("incidents " + period.Name)
	scans := slo.Scan(p.ctx, p.src, p.slos, slo.ScanOptions{
		Start: period.Start, End: end, Step: p.step, Sparse: p.sparse, MergeGap: p.det.mergeGap, Threshold: p.det.threshold,
		Location: p.loc, Records: p.records, Progress: progress,
	})
	p.progressDone()
	if err := p.ctx.Err(); err != nil {
		return nil, fmt.Errorf("incident detection interrupted: %w", err)
	}
	return report.NewCostReport(report.CostInput{
		Catalog: p.cat, Period: period, At: p.at, Source: p.src.String(), Evals: evals, Months: months, Scans: scans,
		Detection: report.NewDetection(p.step, p.reason, p.det.mergeGap, p.det.threshold), Location: p.loc,
	})
}

// chooseStep settles the detection step once: --step, or the finest of
// stepCandidates at which the data has values; and whether the data is
// sparse at that step.
func (p *pricer) chooseStep(end time.Time) error {
	if p.step > 0 {
		return nil
	}
	candidates := stepCandidates
	if p.det.step > 0 {
		candidates = []time.Duration{p.det.step}
	}
	pr, err := slo.ProbeStep(p.ctx, p.src, p.slos, end, candidates)
	if err != nil {
		return err
	}
	p.step, p.sparse = pr.Step, pr.Sparse
	switch {
	case p.det.step > 0:
		p.reason = "set with --step"
	case !pr.OK:
		p.reason = "the default (no data to probe in the last day)"
	case pr.Step == stepCandidates[0]:
		p.reason = "the short window of the fastest page alert"
	default:
		p.reason = fmt.Sprintf("the finest step at which the data has values (a %s step's window holds too few samples)", slo.PromQLDuration(stepCandidates[0]))
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

// progress returns a progress callback that rewrites one line on stderr when
// it is a terminal, and nil otherwise.
func (p *pricer) progress(what string) func(done, total int) {
	if !p.s.ErrOutIsTTY {
		return nil
	}
	return func(done, total int) {
		fmt.Fprintf(p.s.ErrOut, "\r\033[Kscanning %s: %d/%d services", what, done, total)
	}
}

// progressDone clears the progress line.
func (p *pricer) progressDone() {
	if p.s.ErrOutIsTTY {
		fmt.Fprint(p.s.ErrOut, "\r\033[K")
	}
}

// reportErrors joins a report's source errors, for the exit code: the
// output is written, but the command fails.
func reportErrors(rs ...*report.CostReport) error {
	var msgs []string
	for _, r := range rs {
		if r != nil {
			msgs = append(msgs, r.Errors...)
		}
	}
	return joinErrors(msgs)
}

// printWarnings writes the reports' warnings to stderr, once each.
func printWarnings(s *streams, rs ...*report.CostReport) {
	warn := newWarner(s.ErrOut)
	for _, r := range rs {
		if r != nil {
			warn.print(r.Warnings)
		}
	}
}
