package app

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/gate"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// ExitBlocked is the exit code of a decision that blocks the deploy, as the
// decision records it (exit_code); an allowed deploy exits 0.
const ExitBlocked = 3

// Override lets a deploy through whatever the policy says; the decision and
// the audit log record it.
type Override = gate.Override

// NewDecisionID returns a random decision ID, a version 4 UUID.
func NewDecisionID() string { return gate.NewID() }

// Actor returns who runs the gate from the CI environment that getenv reads
// (the first of ActorVars that is set) and the variable it came from; both
// are empty when none is set.
func Actor(getenv func(string) string) (actor, from string) { return gate.Actor(getenv) }

// ActorVars are the environment variables Actor reads, in the order it
// tries them.
func ActorVars() []string { return slices.Clone(gate.ActorVars) }

// GateRequest is a deploy to decide on.
type GateRequest struct {
	// ID is the decision ID, also the correlation ID of the log lines;
	// empty means a new one (NewDecisionID).
	ID string
	// Service is the service deployed; SLOs the SLOs of it to decide on,
	// every one when empty.
	Service string
	SLOs    []string
	// ChangeType is the kind of change deployed.
	ChangeType slo.ChangeType
	// Override, when set, allows the deploy whatever the policy says; its
	// actor is resolved already (see Actor).
	Override *Override
	// DryRun records the decision without enforcing it; FailOnWarn makes a
	// warning block.
	DryRun     bool
	FailOnWarn bool
	// CacheDir keeps the last known good evaluations; empty means no cache.
	CacheDir string
	// AuditLog is the JSON Lines file every decision is appended to; empty
	// means none.
	AuditLog string
}

// Gate decides whether a deploy may go ahead: it reads the service's last
// known good evaluation while the SLOs are evaluated at env.At, refreshes
// it with the live evaluations, decides by the service's gate policy,
// and appends the decision to the audit log.
//
// Queries that fail, including those that ctx's deadline (the --timeout)
// cut short, are evaluation errors decided by the policy's on_error; the
// decision and its audit line do not use ctx, so they are made and recorded
// after the deadline has passed. Gate fails without a decision, and records
// none, on an unknown service or SLO (a *SelectionError) or when ctx is
// canceled (a signal; see Interrupted). When the decision was made but
// could not be recorded, Gate returns it with the error: show it, then
// fail.
func Gate(ctx context.Context, env *Env, req GateRequest) (*report.GateDecision, error) {
	id := req.ID
	if id == "" {
		id = NewDecisionID()
	}
	log := env.log().With("decision_id", id)
	svc, slos, err := pickGate(env.Catalog, req.Service, req.SLOs)
	if err != nil {
		return nil, err
	}
	log.Info("gate started", "service", svc.Name, "change_type", req.ChangeType, "slos", len(slos), "at", env.At)

	in := gate.Input{
		ID: id, Service: svc, SLOs: slos, ChangeType: req.ChangeType, Override: req.Override,
		DryRun: req.DryRun, FailOnWarn: req.FailOnWarn, At: env.At,
	}
	src, err := env.source()
	if err != nil {
		return nil, err
	}
	cache, cached := loadCache(req.CacheDir, svc, log)
	in.Source = src.String()
	if in.Evaluations, err = evaluate(ctx, src, slos, slo.EvalOptions{At: env.At, Recorded: env.Recorded}); err != nil {
		<-cached
		return nil, fmt.Errorf("%w: no decision was made or recorded", err)
	}
	in.Cache = <-cached
	// A grouped SLO is decided per group: its groups replace it; when the
	// source failed before its groups were found, the groups the cache
	// knows stand in for it, so each falls back to its own last known
	// good evaluation.
	in.Evaluations = failedGroups(in.Evaluations, in.Cache)
	in.SLOs = evaluatedSLOs(in.Evaluations)
	if err := Interrupted(ctx); err != nil {
		return nil, fmt.Errorf("%w: no decision was made or recorded", err)
	}
	if cache != nil {
		// The live evaluations refresh the cache while the decision is
		// made and recorded; Gate waits for it before it returns.
		stored := storeCache(cache, svc.Name, in.Evaluations)
		defer func() {
			if err := <-stored; err != nil {
				log.Warn("could not refresh the last-known-good cache", "error", err)
			}
		}()
	}

	d := gate.Decide(in)
	code := 0
	if d.Blocks() {
		code = ExitBlocked
	}
	doc := newGateDecision(d, env.now(), code, report.GateCI{
		Provider: gate.CIProvider(env.getenv), Env: gate.CIContext(env.getenv),
	})
	if err := Interrupted(ctx); err != nil {
		return nil, fmt.Errorf("%w: decision %s was not recorded", err, id)
	}
	if req.AuditLog != "" {
		if err := gate.AppendJSON(req.AuditLog, doc); err != nil {
			return &doc, fmt.Errorf("decision %s was not recorded: %w", id, err)
		}
	}
	return &doc, nil
}

// pickGate finds the service and the SLOs of it to decide on: every one
// when names is empty, else those named, once each, in the order named.
func pickGate(cat *slo.Catalog, service string, names []string) (slo.Service, []slo.SLO, error) {
	i := slices.IndexFunc(cat.Services, func(s slo.Service) bool { return s.Name == service })
	if i < 0 {
		return slo.Service{}, nil, selectionErrorf("unknown service %q: the specs define %s", service, strings.Join(serviceNames(cat), ", "))
	}
	svc := cat.Services[i]
	if len(names) == 0 {
		return svc, svc.SLOs, nil
	}
	var out []slo.SLO
	for _, name := range names {
		j := slices.IndexFunc(svc.SLOs, func(s slo.SLO) bool { return s.Name == name })
		if j < 0 {
			have := make([]string, len(svc.SLOs))
			for k, s := range svc.SLOs {
				have[k] = s.Name
			}
			return slo.Service{}, nil, selectionErrorf("unknown SLO %q of service %s: it has %s", name, svc.Name, strings.Join(have, ", "))
		}
		if !slices.ContainsFunc(out, func(s slo.SLO) bool { return s.Name == name }) {
			out = append(out, svc.SLOs[j])
		}
	}
	return svc, out, nil
}

// loadCache starts reading the service's last known good evaluation from
// dir; the entry (nil for none or an unusable cache) arrives on the
// channel. The cache is nil without a directory.
func loadCache(dir string, svc slo.Service, log *slog.Logger) (*gate.Cache, <-chan *gate.CacheEntry) {
	cached := make(chan *gate.CacheEntry, 1)
	if dir == "" {
		cached <- nil
		if svc.Gate.OnError == slo.LastKnownGood {
			log.Warn("no cache directory: set --cache-dir, XDG_CACHE_HOME or HOME for last_known_good")
		}
		return nil, cached
	}
	cache := &gate.Cache{Dir: dir}
	go func() {
		e, err := cache.Load(svc.Name)
		if err != nil {
			log.Warn("last-known-good cache unusable, treated as empty", "error", err)
		}
		cached <- e
	}()
	return cache, cached
}

// storeCache starts recording evals as the service's last known good
// evaluation; the result arrives on the channel.
func storeCache(cache *gate.Cache, service string, evals []slo.Evaluation) <-chan error {
	live := make([]gate.Observation, len(evals))
	for i, e := range evals {
		live[i] = gate.Observe(e)
	}
	stored := make(chan error, 1)
	go func() { stored <- cache.Store(service, live) }()
	return stored
}

// newGateDecision converts a decision into its JSON form, made at the
// clock's now, with the process's exit code and the CI run.
func newGateDecision(d gate.Decision, now time.Time, exitCode int, ci report.GateCI) report.GateDecision {
	p := d.Policy
	g := report.GateDecision{
		SchemaVersion: report.GateSchemaVersion,
		ID:            d.ID,
		Time:          now.UTC(),
		At:            d.At.UTC(),
		Service:       d.Service,
		Tier:          d.Tier,
		Owner:         report.Owner{Team: d.Owner.Team, Contact: d.Owner.Contact},
		ChangeType:    string(d.ChangeType),
		Verdict:       string(d.Verdict),
		PolicyVerdict: string(d.PolicyVerdict),
		ExitCode:      exitCode,
		DryRun:        d.DryRun,
		FailOnWarn:    d.FailOnWarn,
		Escalated:     d.Escalated,
		Exempted:      d.Exempted,
		Source:        d.Source,
		Policy: report.GatePolicy{
			BlockBelow: p.BlockBelow, WarnBelow: p.WarnBelow, BlockOnPage: p.BlockOnPage, WarnOnTicket: p.WarnOnTicket,
			AllowDuringFreeze: []string{}, OnError: string(p.OnError), MaxStalenessSeconds: p.MaxStaleness.Seconds(),
			Fallback: strings.TrimPrefix(string(p.Fallback), "fail_"),
		},
		Reasons:  []report.GateReason{},
		SLOs:     []report.GateSLO{},
		Warnings: []string{},
		CI:       ci,
	}
	if g.CI.Env == nil {
		g.CI.Env = map[string]string{}
	}
	for _, c := range p.AllowDuringFreeze {
		g.Policy.AllowDuringFreeze = append(g.Policy.AllowDuringFreeze, string(c))
	}
	if d.Override != nil {
		g.Override = &report.GateOverride{Actor: d.Override.Actor, ActorFrom: d.Override.ActorFrom, Reason: d.Override.Reason}
	}
	g.Warnings = append(g.Warnings, d.Warnings...)

	fb := d.Fallback
	g.Fallback = report.GateFallback{Path: string(fb.Path), Policy: string(fb.Policy),
		MaxStalenessSeconds: fb.MaxStaleness.Seconds(), SLOs: []string{}}
	g.Fallback.SLOs = append(g.Fallback.SLOs, fb.SLOs...)
	if fb.Cache != "" {
		c := string(fb.Cache)
		g.Fallback.Cache = &c
	}
	if !fb.CacheAt.IsZero() {
		t := fb.CacheAt.UTC()
		g.Fallback.CacheAt = &t
		g.Fallback.CacheAgeSeconds = num(d.At.Sub(fb.CacheAt).Seconds())
	}
	if fb.Error != "" {
		e := fb.Error
		g.Fallback.Error = &e
	}

	for _, r := range d.Reasons {
		gr := report.GateReason{SLO: r.SLO, Rule: string(r.Rule), Effect: string(r.Effect), Message: r.Message,
			Objective: r.Objective, Owner: report.Owner{Team: r.Owner.Team, Contact: r.Owner.Contact}, Cached: r.Cached, Firing: []string{}}
		if r.HasBudget {
			gr.BudgetLeft = num(r.BudgetLeft)
		}
		for _, a := range r.Firing {
			gr.Firing = append(gr.Firing, gate.AlertName(a))
		}
		g.Reasons = append(g.Reasons, gr)
	}
	for _, o := range d.SLOs {
		s := report.GateSLO{SLO: o.SLO, Objective: o.Objective, Window: o.Window, EvaluatedAt: o.At.UTC(),
			Evaluation: "live", DataState: string(o.State), Reason: o.StateReason, NoData: string(o.NoData),
			BurnRates: []report.GateBurnRate{}, Firing: []report.GateFiring{}, Error: o.Error,
			AlertsNotEvaluated: []string{}, Assumptions: []string{}, Path: o.Path}
		switch {
		case o.Error != "":
			s.Evaluation, s.DataState = "failed", report.ConditionError
		case o.Cached:
			s.Evaluation = "cache"
		}
		if o.State == slo.DataOK && o.Error == "" {
			s.BudgetLeft = num(o.BudgetLeft)
		}
		s.Adjustments, s.RawBudgetLeft = gateAdjustments(o)
		if o.Error == "" && !o.Cached && o.State == slo.DataOK {
			s.Coverage = num(o.Coverage)
		}
		for _, a := range o.NotEvaluated {
			s.AlertsNotEvaluated = append(s.AlertsNotEvaluated, gate.AlertName(budget.AlertState{AlertWindow: a}))
		}
		s.Assumptions = append(s.Assumptions, o.Assumptions...)
		for _, b := range o.Burn {
			br := report.GateBurnRate{Window: slo.PromQLDuration(b.Window), Seconds: b.Window.Seconds()}
			if !b.NoData {
				br.BurnRate = num(b.Rate)
			}
			s.BurnRates = append(s.BurnRates, br)
		}
		for _, a := range o.Firing {
			s.Firing = append(s.Firing, report.GateFiring{Severity: string(a.Severity), Long: slo.PromQLDuration(a.Long),
				Short: slo.PromQLDuration(a.Short), Factor: a.Factor, LongBurn: a.LongBurn, ShortBurn: a.ShortBurn})
		}
		g.SLOs = append(g.SLOs, s)
	}
	return g
}

// failedGroups replaces each grouped SLO that could not be evaluated (its
// groups were not found: the source failed) by a failed evaluation per
// group of it that c holds, named and labelled as the live groups are
// (slo.GroupSuffix). Without a cache, or no group of it in the cache, the
// SLO stays as it is: its policy's fallback decides.
func failedGroups(evals []slo.Evaluation, c *gate.CacheEntry) []slo.Evaluation {
	if c == nil {
		return evals
	}
	var out []slo.Evaluation
	for _, e := range evals {
		var names []string
		if e.Err != nil && e.SLO.Grouped() {
			for name := range c.SLOs {
				if _, ok := slo.ParseGroupSuffix(strings.TrimPrefix(name, e.SLO.Name)); ok && strings.HasPrefix(name, e.SLO.Name+"{") {
					names = append(names, name)
				}
			}
		}
		if len(names) == 0 {
			out = append(out, e)
			continue
		}
		slices.Sort(names)
		for _, n := range names {
			g := e
			g.SLO.Group, _ = slo.ParseGroupSuffix(strings.TrimPrefix(n, e.SLO.Name))
			g.SLO.Base, g.SLO.Name = e.SLO.Name, n
			out = append(out, g)
		}
	}
	return out
}

// evaluatedSLOs are the SLOs of evals: those asked, each grouped SLO
// replaced by its groups (slo.Evaluate splits them).
func evaluatedSLOs(evals []slo.Evaluation) []slo.SLO {
	out := make([]slo.SLO, len(evals))
	for i, e := range evals {
		out[i] = e.SLO
	}
	return out
}
