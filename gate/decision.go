package gate

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// Verdict is what the gate says about a deploy, and the effect of one reason.
type Verdict string

// Verdicts, from best to worst.
const (
	Allow Verdict = "allow"
	Warn  Verdict = "warn"
	Block Verdict = "block"
)

func (v Verdict) rank() int {
	switch v {
	case Block:
		return 2
	case Warn:
		return 1
	}
	return 0
}

// worse returns the worse of a and b.
func worse(a, b Verdict) Verdict {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Rule names why a reason was given. Rules are stable identifiers: they
// appear in JSON output and audit logs.
type Rule string

// Rules, most important first.
const (
	// RulePageAlert: a page-severity burn-rate alert fires.
	RulePageAlert Rule = "page_alert"
	// RuleBudgetExhausted: budget left is below the policy's block threshold.
	RuleBudgetExhausted Rule = "budget_exhausted"
	// RuleEvaluationError: the SLO could not be evaluated and no usable last
	// known good evaluation stood in.
	RuleEvaluationError Rule = "evaluation_error"
	// RuleNoData: the SLO has no data; its no-data policy gives the effect.
	RuleNoData Rule = "no_data"
	// RuleInsufficientData: fewer events than the SLO's min_events; the
	// no-data policy gives the effect.
	RuleInsufficientData Rule = "insufficient_data"
	// RuleAlertNotEvaluated: a burn-rate alert's windows had no data, so
	// whether it fires is unknown; the no-data policy gives the effect, never
	// worse than the alert firing would.
	RuleAlertNotEvaluated Rule = "alert_not_evaluated"
	// RuleBudgetLow: budget left is below the policy's warn threshold.
	RuleBudgetLow Rule = "budget_low"
	// RuleTicketAlert: a ticket-severity burn-rate alert fires.
	RuleTicketAlert Rule = "ticket_alert"
	// RuleSourceWarning: the source or the evaluation warned (a partial
	// response, a NaN, several series summed), so the numbers may be off.
	RuleSourceWarning Rule = "source_warning"
	// RuleLastKnownGood: the SLO could not be evaluated, and its last known
	// good evaluation was decided on instead.
	RuleLastKnownGood Rule = "last_known_good"
	// RuleAssumption: the numbers rest on something not measured (an absent
	// error series counted as 0 errors, a window only partly covered by
	// data); it allows, and says so.
	RuleAssumption Rule = "assumption"
	// RuleWithinPolicy: nothing in the policy objects.
	RuleWithinPolicy Rule = "within_policy"
	// RuleBudgetAdjusted: budget adjustments excluded intervals from the
	// SLO window, so the budget decided on is the adjusted one; it
	// allows, and names them with the raw budget.
	RuleBudgetAdjusted Rule = "budget_adjusted"
)

var ruleOrder = []Rule{RulePageAlert, RuleBudgetExhausted, RuleEvaluationError, RuleNoData,
	RuleInsufficientData, RuleAlertNotEvaluated, RuleBudgetLow, RuleTicketAlert, RuleSourceWarning, RuleLastKnownGood,
	RuleWithinPolicy, RuleBudgetAdjusted, RuleAssumption}

// Reason is one finding about one SLO and its effect on the decision.
type Reason struct {
	SLO    string
	Rule   Rule
	Effect Verdict
	// Message says what was found and what the policy makes of it.
	Message   string
	Objective float64
	// BudgetLeft is valid when HasBudget.
	BudgetLeft float64
	HasBudget  bool
	// Firing are the burn-rate alerts that fire, pages first.
	Firing []budget.AlertState
	// Owner is whom to contact about the SLO.
	Owner slo.Owner
	// Cached is set when the reason comes from the last known good evaluation.
	Cached bool
}

// Burn is the burn rate over one alert window.
type Burn struct {
	Window time.Duration
	Rate   float64
	// NoData is set when the window had no measurement; Rate is then 0.
	NoData bool
}

// Observation is what the gate knows about one SLO: a live evaluation, a
// cached one, or the error that prevented it.
type Observation struct {
	SLO       string
	Objective float64
	Window    string
	// At is when the SLO was evaluated (the evaluation time, not the clock).
	At          time.Time
	State       slo.DataState
	StateReason string
	// BudgetLeft is valid when State is slo.DataOK.
	BudgetLeft float64
	Burn       []Burn
	// Firing are the burn-rate alerts that fire, pages first.
	Firing []budget.AlertState
	// NotEvaluated are the burn-rate alerts whose windows had no data:
	// whether they fire is unknown.
	NotEvaluated []budget.AlertWindow
	// Assumptions are what the evaluation assumed (slo.Evaluation's).
	Assumptions []string
	// Coverage is the part of the SLO window with data (slo.Evaluation's).
	Coverage float64
	NoData   slo.NoDataPolicy
	// Warnings are the source's and the evaluation's about this SLO.
	Warnings []string
	// Error is why the SLO could not be evaluated; empty when it was.
	Error string
	// Cached is set when the observation is a last known good evaluation.
	Cached bool
	// Path is the data measured: slo.PathRaw or slo.PathRecorded.
	Path string
	// Adjustments are the budget adjustments applied to the SLO window
	// (slo.Evaluation's): BudgetLeft is then the adjusted budget, and
	// RawBudgetLeft, when HasRawBudget, the budget with every event.
	Adjustments   []slo.AppliedAdjustment
	RawBudgetLeft float64
	HasRawBudget  bool
}

// Observe turns an evaluation into what the gate decides on.
func Observe(e slo.Evaluation) Observation {
	o := Observation{
		SLO:         e.SLO.Name,
		Objective:   e.SLO.Objective,
		Window:      e.SLO.Window.String(),
		At:          e.At,
		State:       e.SLI.State,
		StateReason: e.SLI.Reason,
		NoData:      e.SLO.NoData,
		Warnings:    e.Warnings,
		Assumptions: e.Assumptions,
		Coverage:    e.Coverage,
		Path:        e.Path,
	}
	if e.Err != nil {
		// slo.Evaluate wraps the source's error in "could not evaluate SLO
		// x: ..."; the observation already names the SLO.
		err := e.Err
		if u := errors.Unwrap(err); u != nil {
			err = u
		}
		o.Error = err.Error()
		o.State, o.StateReason = "", ""
		return o
	}
	if o.State == slo.DataOK {
		o.BudgetLeft = e.Status.BudgetLeft
	}
	if a := e.Adjusted; a != nil && len(a.Applied) > 0 {
		o.Adjustments = a.Applied
		if a.RawSLI.State == slo.DataOK {
			o.RawBudgetLeft, o.HasRawBudget = a.RawStatus.BudgetLeft, true
		}
	}
	for _, w := range e.Status.Windows {
		b := Burn{Window: w.Window, NoData: w.NoData || !finite(w.BurnRate)}
		if !b.NoData {
			b.Rate = w.BurnRate
		}
		o.Burn = append(o.Burn, b)
	}
	o.Firing = e.Status.Firing()
	for _, a := range e.Status.Alerts {
		if a.NoData {
			o.NotEvaluated = append(o.NotEvaluated, a.AlertWindow)
		}
	}
	return o
}

// Override lets a deploy through whatever the policy says; it is recorded.
type Override struct {
	// Actor is who overrode: a CI user name or --actor.
	Actor string
	// ActorFrom says where Actor came from: "--actor" or an environment
	// variable's name (see ActorVars).
	ActorFrom string
	// Reason is why, in the actor's words; never empty.
	Reason string
}

// Path is the way a decision was reached when SLOs could not be evaluated.
type Path string

// Paths. PathNone means every SLO was evaluated live.
const (
	PathNone          Path = "none"
	PathFailClosed    Path = "fail_closed"
	PathFailOpen      Path = "fail_open"
	PathLastKnownGood Path = "last_known_good"
)

func (p Path) rank() int {
	switch p {
	case PathFailClosed:
		return 3
	case PathFailOpen:
		return 2
	case PathLastKnownGood:
		return 1
	}
	return 0
}

// CacheState says whether the last known good evaluation could stand in.
type CacheState string

// Cache states. The worst one over the failed SLOs is reported.
const (
	CacheFresh   CacheState = "fresh"
	CacheStale   CacheState = "stale"
	CacheMissing CacheState = "missing"
)

func (c CacheState) rank() int {
	switch c {
	case CacheMissing:
		return 3
	case CacheStale:
		return 2
	case CacheFresh:
		return 1
	}
	return 0
}

// Fallback says which path the decision took when SLOs could not be evaluated.
type Fallback struct {
	// Path is the path taken: the worst over the failed SLOs (fail_closed,
	// then fail_open, then last_known_good), or none.
	Path Path
	// Policy is the configured evaluation-error policy.
	Policy slo.OnError
	// Cache is the state of the last known good evaluation, for the
	// last_known_good policy when an SLO failed: the worst over those SLOs.
	Cache CacheState
	// CacheAt is when the oldest cached evaluation looked at was made; zero
	// when none was found.
	CacheAt time.Time
	// MaxStaleness is the policy's limit on the cache's age.
	MaxStaleness time.Duration
	// Error is the first evaluation error.
	Error string
	// SLOs names the SLOs that could not be evaluated.
	SLOs []string
}

// Input is everything a decision depends on.
type Input struct {
	// ID identifies the decision (NewID).
	ID string
	// Service is the service deployed: its name, tier, owner and policy.
	Service slo.Service
	// SLOs are the SLOs to decide on, a subset of the service's.
	SLOs []slo.SLO
	// Evaluations are the evaluations of SLOs, matched by SLO name; an SLO
	// without one counts as an evaluation error.
	Evaluations []slo.Evaluation
	// Cache is the service's last known good evaluation, if any.
	Cache *CacheEntry
	// ChangeType is the kind of change deployed.
	ChangeType slo.ChangeType
	// Override, when set, allows the deploy whatever the policy says.
	Override *Override
	// DryRun marks the decision as not enforced.
	DryRun bool
	// FailOnWarn makes a warning block.
	FailOnWarn bool
	// At is the evaluation time; cache ages are measured from it.
	At time.Time
	// Source describes where the data came from, without secrets.
	Source string
}

// Decision is the gate's answer, with every reason and how it was reached.
type Decision struct {
	ID         string
	Service    string
	Tier       string
	Owner      slo.Owner
	ChangeType slo.ChangeType
	At         time.Time
	Source     string
	Policy     slo.GatePolicy
	// PolicyVerdict is the worst effect of the reasons: what the policy
	// alone says.
	PolicyVerdict Verdict
	// Verdict is the final answer, after FailOnWarn, the freeze exemption of
	// the change type and the override. The deploy is blocked when it is
	// Block and the decision is not a dry run (see Blocks).
	Verdict Verdict
	// Escalated is set when FailOnWarn turned a warning into a block.
	Escalated bool
	// Exempted is set when the change type is allowed during a freeze and
	// turned a block into allow.
	Exempted bool
	// Override is the override applied, if any.
	Override   *Override
	Fallback   Fallback
	DryRun     bool
	FailOnWarn bool
	// Reasons are ordered most important first: by effect, then rule, then SLO.
	Reasons []Reason
	// SLOs are the observations decided on, in the order of Input.SLOs.
	SLOs []Observation
	// Warnings are the source's and the evaluation's, deduplicated.
	Warnings []string
}

// Blocks reports whether the deploy must not go ahead: the verdict is block
// and the decision is enforced (not a dry run).
func (d Decision) Blocks() bool { return d.Verdict == Block && !d.DryRun }

// Overridden reports whether an override was applied.
func (d Decision) Overridden() bool { return d.Override != nil }

// Count returns how many reasons have effect v.
func (d Decision) Count(v Verdict) int {
	n := 0
	for _, r := range d.Reasons {
		if r.Effect == v {
			n++
		}
	}
	return n
}

// Decide applies the service's gate policy to the evaluations and returns the
// decision. It is pure: everything it depends on is in the input.
func Decide(in Input) Decision {
	p := in.Service.Gate
	d := Decision{
		ID:         in.ID,
		Service:    in.Service.Name,
		Tier:       in.Service.Tier,
		Owner:      in.Service.Owner,
		ChangeType: in.ChangeType,
		At:         in.At,
		Source:     in.Source,
		Policy:     p,
		Override:   in.Override,
		DryRun:     in.DryRun,
		FailOnWarn: in.FailOnWarn,
		Fallback:   Fallback{Path: PathNone, Policy: p.OnError, MaxStaleness: p.MaxStaleness},
	}
	evals := map[string]slo.Evaluation{}
	for _, e := range in.Evaluations {
		evals[e.SLO.Name] = e
	}
	var warnings []string
	for _, s := range in.SLOs {
		var o Observation
		e, ok := evals[s.Name]
		switch {
		case !ok:
			o = failed(s, in.At, "the SLO was not evaluated")
		default:
			o = Observe(e)
			warnings = append(warnings, e.Warnings...)
		}
		if o.Error != "" {
			o = d.onError(in, s, o)
		}
		d.SLOs = append(d.SLOs, o)
		if o.Error == "" {
			d.Reasons = append(d.Reasons, rules(p, o, in.Service.Owner)...)
		}
	}
	d.Warnings = dedupe(warnings)
	sortReasons(d.Reasons)

	d.PolicyVerdict = Allow
	for _, r := range d.Reasons {
		d.PolicyVerdict = worse(d.PolicyVerdict, r.Effect)
	}
	d.Verdict = d.PolicyVerdict
	if d.Verdict == Warn && in.FailOnWarn {
		d.Verdict, d.Escalated = Block, true
	}
	if d.Verdict == Block && p.AllowsDuringFreeze(in.ChangeType) {
		d.Verdict, d.Exempted = Allow, true
	}
	if in.Override != nil {
		d.Verdict = Allow
	}
	return d
}

// failed is the observation of an SLO that could not be evaluated.
func failed(s slo.SLO, at time.Time, err string) Observation {
	return Observation{SLO: s.Name, Objective: s.Objective, Window: s.Window.String(), At: at, NoData: s.NoData, Error: err}
}

// onError applies the evaluation-error policy to the failed observation o:
// it returns the cached observation to decide on, or o after adding the
// reason that decides.
func (d *Decision) onError(in Input, s slo.SLO, o Observation) Observation {
	p := in.Service.Gate
	fb := &d.Fallback
	if fb.Error == "" {
		fb.Error = o.Error
	}
	fb.SLOs = append(fb.SLOs, s.Name)
	path, effect := p.OnError, Block
	var why string
	if p.OnError == slo.LastKnownGood {
		state, found := lookup(in.Cache, s.Name, in.At, p.MaxStaleness)
		if state.rank() > fb.Cache.rank() {
			fb.Cache = state
		}
		if found != nil && (fb.CacheAt.IsZero() || found.At.Before(fb.CacheAt)) {
			fb.CacheAt = found.At
		}
		if state == CacheFresh {
			setPath(fb, PathLastKnownGood)
			cached := *found
			cached.Cached = true
			age := in.At.Sub(cached.At)
			d.Reasons = append(d.Reasons, Reason{
				SLO: s.Name, Rule: RuleLastKnownGood, Effect: Warn, Objective: s.Objective,
				Owner: in.Service.Owner, Cached: true,
				Message: fmt.Sprintf("could not evaluate live (%s); decided on the last known good evaluation of %s (%s old, max_staleness %s)",
					o.Error, cached.At.UTC().Format(time.RFC3339), fmtAge(age), fmtAge(p.MaxStaleness)),
			})
			return cached
		}
		path = p.Fallback
		if state == CacheMissing {
			why = "no last known good evaluation is cached"
		} else {
			why = fmt.Sprintf("the last known good evaluation of %s is %s old, older than max_staleness %s",
				found.At.UTC().Format(time.RFC3339), fmtAge(in.At.Sub(found.At)), fmtAge(p.MaxStaleness))
		}
	}
	var action string
	switch path {
	case slo.FailOpen:
		setPath(fb, PathFailOpen)
		effect, action = Warn, "fail open: the deploy is allowed without knowing the budget"
	default:
		setPath(fb, PathFailClosed)
		effect, action = Block, "fail closed: the deploy is blocked until the SLO can be evaluated"
	}
	msg := "could not evaluate: " + o.Error + "; "
	if why != "" {
		msg += why + ", so the fallback applies: " + action
	} else {
		msg += "on_error is " + string(p.OnError) + ": " + action
	}
	d.Reasons = append(d.Reasons, Reason{
		SLO: s.Name, Rule: RuleEvaluationError, Effect: effect, Objective: s.Objective,
		Owner: in.Service.Owner, Message: msg,
	})
	return o
}

func setPath(fb *Fallback, p Path) {
	if p.rank() > fb.Path.rank() {
		fb.Path = p
	}
}

// lookup finds the cached observation of an SLO and says whether it is fresh:
// evaluated no later than at and at most maxStaleness before it.
func lookup(c *CacheEntry, name string, at time.Time, maxStaleness time.Duration) (CacheState, *Observation) {
	if c == nil {
		return CacheMissing, nil
	}
	o, ok := c.SLOs[name]
	if !ok || o.Error != "" {
		return CacheMissing, nil
	}
	age := at.Sub(o.At)
	if age < 0 || age > maxStaleness {
		return CacheStale, &o
	}
	return CacheFresh, &o
}

// rules applies the policy to one evaluated SLO.
func rules(p slo.GatePolicy, o Observation, owner slo.Owner) []Reason {
	base := Reason{SLO: o.SLO, Objective: o.Objective, Owner: owner, Cached: o.Cached,
		BudgetLeft: o.BudgetLeft, HasBudget: o.State == slo.DataOK, Firing: o.Firing}
	var out []Reason
	add := func(rule Rule, effect Verdict, format string, a ...any) {
		r := base
		r.Rule, r.Effect, r.Message = rule, effect, fmt.Sprintf(format, a...)
		out = append(out, r)
	}
	var pages, tickets []budget.AlertState
	for _, a := range o.Firing {
		if a.Severity == budget.Page {
			pages = append(pages, a)
		} else {
			tickets = append(tickets, a)
		}
	}
	if len(pages) > 0 {
		if p.BlockOnPage {
			add(RulePageAlert, Block, "burning fast: %s; a page alert blocks deploys", alertList(pages))
		} else {
			add(RulePageAlert, Warn, "burning fast: %s; block_on_page is off, so it only warns", alertList(pages))
		}
	}
	switch o.State {
	case slo.DataOK:
		left := o.BudgetLeft
		switch {
		case left < p.BlockBelow:
			add(RuleBudgetExhausted, Block, "error budget exhausted: %s left, below the block threshold of %s",
				pct(left), pct(p.BlockBelow))
		case left < p.WarnBelow:
			add(RuleBudgetLow, Warn, "error budget low: %s left, below the warn threshold of %s",
				pct(left), pct(p.WarnBelow))
		}
	case slo.NoData, slo.InsufficientData:
		rule, what := RuleNoData, "no data"
		if o.State == slo.InsufficientData {
			rule, what = RuleInsufficientData, "insufficient data"
		}
		if o.StateReason != "" {
			what += " (" + o.StateReason + ")"
		}
		effect := noDataEffect(o.NoData)
		add(rule, effect, "%s: the budget is unknown, and the no-data policy is %s", what, effect)
	default:
		add(RuleNoData, Block, "the evaluation has no data state %q: the budget is unknown", o.State)
	}
	if o.State == slo.DataOK {
		for _, a := range o.NotEvaluated {
			ifFiring := Allow
			switch {
			case a.Severity == budget.Page && p.BlockOnPage:
				ifFiring = Block
			case a.Severity == budget.Page || p.WarnOnTicket:
				ifFiring = Warn
			}
			effect := noDataEffect(o.NoData)
			if effect.rank() > ifFiring.rank() {
				effect = ifFiring
			}
			add(RuleAlertNotEvaluated, effect, "%s alert %s/%s not evaluated: no data over %s, so whether it fires is unknown; the no-data policy is %s",
				a.Severity, slo.PromQLDuration(a.Long), slo.PromQLDuration(a.Short), missingWindows(o.Burn, a), o.NoData)
		}
	}
	if len(tickets) > 0 && p.WarnOnTicket {
		add(RuleTicketAlert, Warn, "burning slowly: %s", alertList(tickets))
	}
	if len(o.Warnings) > 0 {
		add(RuleSourceWarning, Warn, "the evaluation came with warnings, so its numbers may be partial or off: %s",
			strings.Join(o.Warnings, "; "))
	}
	if !slices.ContainsFunc(out, func(r Reason) bool { return r.Effect != Allow || r.Rule != RuleAlertNotEvaluated }) {
		msg := fmt.Sprintf("within policy: %s of the error budget left (warn below %s), ", pct(o.BudgetLeft), pct(p.WarnBelow))
		switch {
		case len(tickets) > 0:
			msg += alertList(tickets) + " (warn_on_ticket is off)"
		case len(o.NotEvaluated) > 0:
			msg += "no burn-rate alert firing of those evaluated"
		default:
			msg += "no burn-rate alert firing"
		}
		add(RuleWithinPolicy, Allow, "%s", msg)
	}
	if len(o.Adjustments) > 0 {
		raw := "unknown"
		if o.HasRawBudget {
			raw = pct(o.RawBudgetLeft)
		}
		add(RuleBudgetAdjusted, Allow, "decided on the adjusted budget (%s left; %s raw): %d interval(s) excluded: %s",
			pct(o.BudgetLeft), raw, len(o.Adjustments), adjustmentList(o.Adjustments))
	}
	for _, a := range o.Assumptions {
		add(RuleAssumption, Allow, "assumed: %s", a)
	}
	return out
}

// noDataEffect is the effect of a no-data policy; an unknown one blocks, so
// that it cannot let a deploy through.
func noDataEffect(p slo.NoDataPolicy) Verdict {
	switch p {
	case slo.NoDataBlock, slo.NoDataWarn, slo.NoDataAllow:
		return Verdict(p)
	}
	return Block
}

// missingWindows names the windows of alert a that had no data: "5m".
func missingWindows(burns []Burn, a budget.AlertWindow) string {
	var out []string
	for _, w := range []time.Duration{a.Short, a.Long} {
		i := slices.IndexFunc(burns, func(b Burn) bool { return b.Window == w })
		if i < 0 || burns[i].NoData {
			out = append(out, slo.PromQLDuration(w))
		}
	}
	if len(out) == 0 {
		return "its windows"
	}
	return strings.Join(out, " and ")
}

// alertList is "page alert 1h/5m firing (burn 20x over 1h, 20x over 5m; threshold 14.4x)".
func alertList(as []budget.AlertState) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = fmt.Sprintf("%s alert %s/%s firing (burn %sx over %s, %sx over %s; threshold %sx)",
			a.Severity, slo.PromQLDuration(a.Long), slo.PromQLDuration(a.Short),
			num(a.LongBurn), slo.PromQLDuration(a.Long), num(a.ShortBurn), slo.PromQLDuration(a.Short),
			strconv.FormatFloat(a.Factor, 'f', -1, 64))
	}
	return strings.Join(parts, "; ")
}

// AlertName is "page 1h/5m 14.4x".
func AlertName(a budget.AlertState) string {
	return string(a.Severity) + " " + slo.PromQLDuration(a.Long) + "/" + slo.PromQLDuration(a.Short) + " " +
		strconv.FormatFloat(a.Factor, 'f', -1, 64) + "x"
}

// pct formats a ratio as a percent with one decimal: 0.8214 is "82.1%".
func pct(ratio float64) string {
	if !finite(ratio) {
		return "n/a"
	}
	s := strconv.FormatFloat(ratio*100, 'f', 1, 64)
	if s == "-0.0" {
		s = "0.0"
	}
	return s + "%"
}

// num formats a burn rate with up to two decimals: 20, 14.42.
func num(v float64) string {
	if !finite(v) {
		return "n/a"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// fmtAge formats a duration as PromQL does, to the second: 10m, 3h, 1h30m.
func fmtAge(d time.Duration) string {
	if d < 0 {
		return "-" + slo.PromQLDuration(-d)
	}
	return slo.PromQLDuration(d)
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func sortReasons(rs []Reason) {
	rank := func(r Rule) int {
		if i := slices.Index(ruleOrder, r); i >= 0 {
			return i
		}
		return len(ruleOrder)
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Effect.rank() != b.Effect.rank() {
			return a.Effect.rank() > b.Effect.rank()
		}
		if rank(a.Rule) != rank(b.Rule) {
			return rank(a.Rule) < rank(b.Rule)
		}
		return a.SLO < b.SLO
	})
}

// dedupe returns the distinct strings of s, sorted.
func dedupe(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// adjustmentList names excluded intervals: "weekly maintenance
// 2026-10-04T00:00:00Z to 2026-10-04T02:00:00Z".
func adjustmentList(as []slo.AppliedAdjustment) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Reason + " " + a.Start.UTC().Format(time.RFC3339) + " to " + a.End.UTC().Format(time.RFC3339)
	}
	return strings.Join(parts, ", ")
}
