package gate_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/gate"
	"github.com/nines-sre/nines/slo"
)

var at = time.Date(2026, 9, 8, 12, 0, 0, 0, time.UTC)

var (
	page = budget.AlertState{
		AlertWindow: budget.AlertWindow{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: budget.Page},
		LongBurn:    20, ShortBurn: 21.5, Firing: true,
	}
	ticket = budget.AlertState{
		AlertWindow: budget.AlertWindow{Long: 24 * time.Hour, Short: 2 * time.Hour, Factor: 3, Severity: budget.Ticket},
		LongBurn:    3.5, ShortBurn: 4, Firing: true,
	}
)

// sloNamed is an SLO of service checkout with the given no-data policy.
func sloNamed(name string, noData slo.NoDataPolicy) slo.SLO {
	return slo.SLO{Service: "checkout", Tier: "critical", Name: name, Objective: 0.999,
		Window: slo.Window{Rolling: 30 * budget.Day}, NoData: noData}
}

// ok is a live evaluation with data, budget left and firing alerts.
func ok(s slo.SLO, left float64, firing ...budget.AlertState) slo.Evaluation {
	e := slo.Evaluation{SLO: s, At: at, SLI: slo.Measurement{State: slo.DataOK}}
	e.Status.BudgetLeft = left
	e.Status.Windows = []budget.WindowBurn{{Window: time.Hour, BurnRate: 2}, {Window: 5 * time.Minute, NoData: true}}
	e.Status.Alerts = append(e.Status.Alerts, firing...)
	return e
}

func withState(e slo.Evaluation, st slo.DataState, reason string) slo.Evaluation {
	e.SLI.State, e.SLI.Reason = st, reason
	e.Status.BudgetLeft = 0
	return e
}

func failing(s slo.SLO, msg string) slo.Evaluation {
	return slo.Evaluation{SLO: s, At: at, Err: errors.New(msg)}
}

func service(p slo.GatePolicy) slo.Service {
	return slo.Service{Name: "checkout", Tier: "critical", Owner: slo.Owner{Team: "payments", Contact: "#payments"}, Gate: p}
}

func policy(edit func(*slo.GatePolicy)) slo.GatePolicy {
	p := slo.DefaultGatePolicy()
	if edit != nil {
		edit(&p)
	}
	return p
}

func cacheOf(obs ...gate.Observation) *gate.CacheEntry {
	c := &gate.CacheEntry{Service: "checkout", SLOs: map[string]gate.Observation{}}
	for _, o := range obs {
		c.SLOs[o.SLO] = o
	}
	return c
}

func cached(name string, age time.Duration, left float64, firing ...budget.AlertState) gate.Observation {
	return gate.Observation{SLO: name, Objective: 0.999, At: at.Add(-age), State: slo.DataOK, BudgetLeft: left,
		NoData: slo.NoDataBlock, Firing: firing}
}

// reasonsOf is "effect rule slo" per reason, in order.
func reasonsOf(d gate.Decision) string {
	var parts []string
	for _, r := range d.Reasons {
		parts = append(parts, fmt.Sprintf("%s %s %s", r.Effect, r.Rule, r.SLO))
	}
	return strings.Join(parts, ", ")
}

func TestDecide(t *testing.T) {
	avail := sloNamed("availability", slo.NoDataBlock)
	lat := sloNamed("latency", slo.NoDataWarn)
	both := []slo.SLO{avail, lat}
	tests := []struct {
		name    string
		in      gate.Input
		verdict gate.Verdict
		reasons string
		// policyVerdict defaults to verdict.
		policyVerdict gate.Verdict
		fallback      gate.Fallback
		check         func(t *testing.T, d gate.Decision)
	}{
		{
			name:    "a healthy service is allowed, with a reason saying why",
			in:      gate.Input{SLOs: both, Evaluations: []slo.Evaluation{ok(avail, 0.9), ok(lat, 0.26)}},
			verdict: gate.Allow,
			reasons: "allow within_policy availability, allow within_policy latency",
			check: func(t *testing.T, d gate.Decision) {
				want := "within policy: 90.0% of the error budget left (warn below 25.0%), no burn-rate alert firing"
				if d.Reasons[0].Message != want {
					t.Errorf("message %q, want %q", d.Reasons[0].Message, want)
				}
			},
		},
		{
			name:    "budget left below the warn threshold warns",
			in:      gate.Input{SLOs: both, Evaluations: []slo.Evaluation{ok(avail, 0.9), ok(lat, 0.2499)}},
			verdict: gate.Warn,
			reasons: "warn budget_low latency, allow within_policy availability",
			check: func(t *testing.T, d gate.Decision) {
				r := d.Reasons[0]
				if !r.HasBudget || math.Abs(r.BudgetLeft-0.2499) > 1e-12 || r.Objective != 0.999 || r.Owner.Team != "payments" {
					t.Errorf("reason carries %+v, want budget left 0.2499, objective 0.999 and the owner", r)
				}
				if want := "error budget low: 25.0% left, below the warn threshold of 25.0%"; r.Message != want {
					t.Errorf("message %q, want %q", r.Message, want)
				}
			},
		},
		{
			name:    "budget left exactly at the warn threshold is not below it",
			in:      gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, 0.25)}},
			verdict: gate.Allow,
			reasons: "allow within_policy availability",
		},
		{
			name:    "an exhausted budget blocks",
			in:      gate.Input{SLOs: both, Evaluations: []slo.Evaluation{ok(avail, -15.436), ok(lat, 0.5)}},
			verdict: gate.Block,
			reasons: "block budget_exhausted availability, allow within_policy latency",
			check: func(t *testing.T, d gate.Decision) {
				if want := "error budget exhausted: -1543.6% left, below the block threshold of 0.0%"; d.Reasons[0].Message != want {
					t.Errorf("message %q, want %q", d.Reasons[0].Message, want)
				}
			},
		},
		{
			name:    "a budget of exactly zero warns: block is below the threshold",
			in:      gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, 0)}},
			verdict: gate.Warn,
			reasons: "warn budget_low availability",
		},
		{
			name: "a custom block threshold blocks above zero",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, 0.09)},
				Service: service(policy(func(p *slo.GatePolicy) { p.BlockBelow, p.WarnBelow = 0.1, 0.5 }))},
			verdict: gate.Block,
			reasons: "block budget_exhausted availability",
		},
		{
			name:    "a fast burn with budget left blocks",
			in:      gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, 0.82, page)}},
			verdict: gate.Block,
			reasons: "block page_alert availability",
			check: func(t *testing.T, d gate.Decision) {
				r := d.Reasons[0]
				want := "burning fast: page alert 1h/5m firing (burn 20x over 1h, 21.5x over 5m; threshold 14.4x); a page alert blocks deploys"
				if r.Message != want {
					t.Errorf("message %q, want %q", r.Message, want)
				}
				if len(r.Firing) != 1 || gate.AlertName(r.Firing[0]) != "page 1h/5m 14.4x" {
					t.Errorf("firing %+v, want the page alert", r.Firing)
				}
			},
		},
		{
			name: "a fast burn only warns when block_on_page is off",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, 0.82, page)},
				Service: service(policy(func(p *slo.GatePolicy) { p.BlockOnPage = false }))},
			verdict: gate.Warn,
			reasons: "warn page_alert availability",
		},
		{
			name:    "a fast burn and an exhausted budget give two reasons, the page first",
			in:      gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, -1, page, ticket)}},
			verdict: gate.Block,
			reasons: "block page_alert availability, block budget_exhausted availability, warn ticket_alert availability",
		},
		{
			name:    "a slow burn warns",
			in:      gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, 0.8, ticket)}},
			verdict: gate.Warn,
			reasons: "warn ticket_alert availability",
		},
		{
			name: "a slow burn is allowed when warn_on_ticket is off, and the reason says so",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, 0.8, ticket)},
				Service: service(policy(func(p *slo.GatePolicy) { p.WarnOnTicket = false }))},
			verdict: gate.Allow,
			reasons: "allow within_policy availability",
			check: func(t *testing.T, d gate.Decision) {
				if !strings.Contains(d.Reasons[0].Message, "(warn_on_ticket is off)") {
					t.Errorf("message %q does not mention the firing ticket alert", d.Reasons[0].Message)
				}
			},
		},
		{
			name: "no data follows each SLO's no-data policy: block",
			in: gate.Input{SLOs: both, Evaluations: []slo.Evaluation{
				withState(ok(avail, 0), slo.NoData, "the total query returned no series over 30d"), ok(lat, 0.5)}},
			verdict: gate.Block,
			reasons: "block no_data availability, allow within_policy latency",
			check: func(t *testing.T, d gate.Decision) {
				r := d.Reasons[0]
				if r.HasBudget {
					t.Error("a no-data reason claims a budget")
				}
				want := "no data (the total query returned no series over 30d): the budget is unknown, and the no-data policy is block"
				if r.Message != want {
					t.Errorf("message %q, want %q", r.Message, want)
				}
			},
		},
		{
			name:    "no data follows each SLO's no-data policy: warn",
			in:      gate.Input{SLOs: []slo.SLO{lat}, Evaluations: []slo.Evaluation{withState(ok(lat, 0), slo.NoData, "")}},
			verdict: gate.Warn,
			reasons: "warn no_data latency",
		},
		{
			name: "no data follows each SLO's no-data policy: allow",
			in: gate.Input{SLOs: []slo.SLO{sloNamed("x", slo.NoDataAllow)},
				Evaluations: []slo.Evaluation{withState(ok(sloNamed("x", slo.NoDataAllow), 0), slo.NoData, "")}},
			verdict: gate.Allow,
			reasons: "allow no_data x",
		},
		{
			name: "insufficient data follows the no-data policy too",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{
				withState(ok(avail, 0.99), slo.InsufficientData, "50 events in the window, fewer than the minimum of 100")}},
			verdict: gate.Block,
			reasons: "block insufficient_data availability",
		},
		{
			name: "a page alert fires even when the SLO window has too few events",
			in: gate.Input{SLOs: []slo.SLO{lat}, Evaluations: []slo.Evaluation{
				withState(ok(lat, 0.99, page), slo.InsufficientData, "")}},
			verdict: gate.Block,
			reasons: "block page_alert latency, warn insufficient_data latency",
		},
		{
			name: "warnings from the source warn: the numbers may be partial",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{func() slo.Evaluation {
				e := ok(avail, 0.9)
				e.Warnings = []string{"PromQL warning: partial response", "store gateway unreachable"}
				return e
			}()}},
			verdict: gate.Warn,
			reasons: "warn source_warning availability",
			check: func(t *testing.T, d gate.Decision) {
				want := "the evaluation came with warnings, so its numbers may be partial or off: PromQL warning: partial response; store gateway unreachable"
				if d.Reasons[0].Message != want {
					t.Errorf("message %q, want %q", d.Reasons[0].Message, want)
				}
			},
		},
		{
			name: "a rollback during a freeze is allowed, its reasons kept",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, 0.82, page)},
				ChangeType: slo.ChangeRollback},
			verdict: gate.Allow, policyVerdict: gate.Block,
			reasons: "block page_alert availability",
			check: func(t *testing.T, d gate.Decision) {
				if !d.Exempted || d.Blocks() {
					t.Errorf("exempted %v, blocks %v; want exempted and not blocking", d.Exempted, d.Blocks())
				}
			},
		},
		{
			name: "a security fix during a freeze is allowed",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, -3)},
				ChangeType: slo.ChangeSecurity},
			verdict: gate.Allow, policyVerdict: gate.Block,
			reasons: "block budget_exhausted availability",
		},
		{
			name: "a hotfix during a freeze is blocked unless the policy allows hotfixes",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, -3)},
				ChangeType: slo.ChangeHotfix},
			verdict: gate.Block,
			reasons: "block budget_exhausted availability",
		},
		{
			name: "a normal change is not exempted by an empty freeze list, nor is a rollback",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, -3)}, ChangeType: slo.ChangeRollback,
				Service: service(policy(func(p *slo.GatePolicy) { p.AllowDuringFreeze = nil }))},
			verdict: gate.Block,
			reasons: "block budget_exhausted availability",
		},
		{
			name: "a warning with a rollback is a plain warning, not an exemption",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, 0.1)},
				ChangeType: slo.ChangeRollback},
			verdict: gate.Warn,
			reasons: "warn budget_low availability",
			check: func(t *testing.T, d gate.Decision) {
				if d.Exempted {
					t.Error("exempted, want not")
				}
			},
		},
		{
			name: "an override allows a block and is recorded",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, -3)},
				Override: &gate.Override{Actor: "alice", Reason: "INC-42 fix"}},
			verdict: gate.Allow, policyVerdict: gate.Block,
			reasons: "block budget_exhausted availability",
			check: func(t *testing.T, d gate.Decision) {
				if !d.Overridden() || d.Override.Actor != "alice" || d.Blocks() {
					t.Errorf("override %+v, blocks %v", d.Override, d.Blocks())
				}
			},
		},
		{
			name: "fail-on-warn turns a warning into a block",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, 0.1)},
				FailOnWarn: true},
			verdict: gate.Block, policyVerdict: gate.Warn,
			reasons: "warn budget_low availability",
			check: func(t *testing.T, d gate.Decision) {
				if !d.Escalated || !d.Blocks() {
					t.Errorf("escalated %v, blocks %v; want both", d.Escalated, d.Blocks())
				}
			},
		},
		{
			name: "fail-on-warn leaves a clean pass alone",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, 0.9)},
				FailOnWarn: true},
			verdict: gate.Allow,
			reasons: "allow within_policy availability",
		},
		{
			name: "a dry run keeps the verdict but does not block",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{ok(avail, -3)},
				DryRun: true},
			verdict: gate.Block,
			reasons: "block budget_exhausted availability",
			check: func(t *testing.T, d gate.Decision) {
				if d.Blocks() || !d.DryRun {
					t.Errorf("dry run %v blocks %v; want a dry run that does not block", d.DryRun, d.Blocks())
				}
			},
		},
		{
			name:    "an evaluation error fails closed by default",
			in:      gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{failing(avail, "connection refused")}},
			verdict: gate.Block,
			reasons: "block evaluation_error availability",
			fallback: gate.Fallback{Path: gate.PathFailClosed, Policy: slo.FailClosed, MaxStaleness: time.Hour,
				Error: "connection refused", SLOs: []string{"availability"}},
			check: func(t *testing.T, d gate.Decision) {
				want := "could not evaluate: connection refused; on_error is fail_closed: fail closed: the deploy is blocked until the SLO can be evaluated"
				if d.Reasons[0].Message != want {
					t.Errorf("message %q, want %q", d.Reasons[0].Message, want)
				}
			},
		},
		{
			name: "an evaluation error under fail_open allows with a warning",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{failing(avail, "503")},
				Service: service(policy(func(p *slo.GatePolicy) { p.OnError = slo.FailOpen }))},
			verdict: gate.Warn,
			reasons: "warn evaluation_error availability",
			fallback: gate.Fallback{Path: gate.PathFailOpen, Policy: slo.FailOpen, MaxStaleness: time.Hour,
				Error: "503", SLOs: []string{"availability"}},
		},
		{
			name: "last known good: a fresh cache decides, with a warning",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{failing(avail, "timeout")},
				Service: service(policy(func(p *slo.GatePolicy) { p.OnError = slo.LastKnownGood })),
				Cache:   cacheOf(cached("availability", 10*time.Minute, 0.8))},
			verdict: gate.Warn,
			reasons: "warn last_known_good availability, allow within_policy availability",
			fallback: gate.Fallback{Path: gate.PathLastKnownGood, Policy: slo.LastKnownGood, Cache: gate.CacheFresh,
				CacheAt: at.Add(-10 * time.Minute), MaxStaleness: time.Hour, Error: "timeout", SLOs: []string{"availability"}},
			check: func(t *testing.T, d gate.Decision) {
				if !d.SLOs[0].Cached || !d.Reasons[1].Cached {
					t.Error("the decision does not say it used the cache")
				}
				want := "could not evaluate live (timeout); decided on the last known good evaluation of 2026-09-08T11:50:00Z (10m old, max_staleness 1h)"
				if d.Reasons[0].Message != want {
					t.Errorf("message %q, want %q", d.Reasons[0].Message, want)
				}
			},
		},
		{
			name: "last known good: a fresh cache of an exhausted budget still blocks",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{failing(avail, "timeout")},
				Service: service(policy(func(p *slo.GatePolicy) { p.OnError = slo.LastKnownGood })),
				Cache:   cacheOf(cached("availability", time.Hour, -2))},
			verdict: gate.Block,
			reasons: "block budget_exhausted availability, warn last_known_good availability",
			fallback: gate.Fallback{Path: gate.PathLastKnownGood, Policy: slo.LastKnownGood, Cache: gate.CacheFresh,
				CacheAt: at.Add(-time.Hour), MaxStaleness: time.Hour, Error: "timeout", SLOs: []string{"availability"}},
		},
		{
			name: "last known good: a stale cache falls back to closed",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{failing(avail, "timeout")},
				Service: service(policy(func(p *slo.GatePolicy) { p.OnError = slo.LastKnownGood })),
				Cache:   cacheOf(cached("availability", time.Hour+time.Second, 0.8))},
			verdict: gate.Block,
			reasons: "block evaluation_error availability",
			fallback: gate.Fallback{Path: gate.PathFailClosed, Policy: slo.LastKnownGood, Cache: gate.CacheStale,
				CacheAt: at.Add(-time.Hour - time.Second), MaxStaleness: time.Hour, Error: "timeout", SLOs: []string{"availability"}},
			check: func(t *testing.T, d gate.Decision) {
				want := "could not evaluate: timeout; the last known good evaluation of 2026-09-08T10:59:59Z is 1h1s old, older than max_staleness 1h, so the fallback applies: fail closed: the deploy is blocked until the SLO can be evaluated"
				if d.Reasons[0].Message != want {
					t.Errorf("message %q, want %q", d.Reasons[0].Message, want)
				}
			},
		},
		{
			name: "last known good: a stale cache falls back to open when configured",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{failing(avail, "timeout")},
				Service: service(policy(func(p *slo.GatePolicy) { p.OnError, p.Fallback = slo.LastKnownGood, slo.FailOpen })),
				Cache:   cacheOf(cached("availability", 3*time.Hour, 0.8))},
			verdict: gate.Warn,
			reasons: "warn evaluation_error availability",
			fallback: gate.Fallback{Path: gate.PathFailOpen, Policy: slo.LastKnownGood, Cache: gate.CacheStale,
				CacheAt: at.Add(-3 * time.Hour), MaxStaleness: time.Hour, Error: "timeout", SLOs: []string{"availability"}},
		},
		{
			name: "last known good: no cache falls back",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{failing(avail, "timeout")},
				Service: service(policy(func(p *slo.GatePolicy) { p.OnError = slo.LastKnownGood }))},
			verdict: gate.Block,
			reasons: "block evaluation_error availability",
			fallback: gate.Fallback{Path: gate.PathFailClosed, Policy: slo.LastKnownGood, Cache: gate.CacheMissing,
				MaxStaleness: time.Hour, Error: "timeout", SLOs: []string{"availability"}},
		},
		{
			name: "last known good: a cache entry newer than the evaluation time is not used",
			in: gate.Input{SLOs: []slo.SLO{avail}, Evaluations: []slo.Evaluation{failing(avail, "timeout")},
				Service: service(policy(func(p *slo.GatePolicy) { p.OnError = slo.LastKnownGood })),
				Cache:   cacheOf(cached("availability", -time.Minute, 0.8))},
			verdict: gate.Block,
			reasons: "block evaluation_error availability",
			fallback: gate.Fallback{Path: gate.PathFailClosed, Policy: slo.LastKnownGood, Cache: gate.CacheStale,
				CacheAt: at.Add(time.Minute), MaxStaleness: time.Hour, Error: "timeout", SLOs: []string{"availability"}},
		},
		{
			name: "last known good: only the failed SLO comes from the cache, and a missing one falls back",
			in: gate.Input{SLOs: []slo.SLO{avail, lat, sloNamed("errors", slo.NoDataWarn)},
				Evaluations: []slo.Evaluation{ok(avail, 0.5), failing(lat, "timeout"), failing(sloNamed("errors", slo.NoDataWarn), "timeout")},
				Service:     service(policy(func(p *slo.GatePolicy) { p.OnError, p.Fallback = slo.LastKnownGood, slo.FailOpen })),
				Cache:       cacheOf(cached("availability", 2*time.Minute, 0.1), cached("latency", 2*time.Minute, 0.3))},
			verdict: gate.Warn,
			reasons: "warn evaluation_error errors, warn last_known_good latency, allow within_policy availability, allow within_policy latency",
			fallback: gate.Fallback{Path: gate.PathFailOpen, Policy: slo.LastKnownGood, Cache: gate.CacheMissing,
				CacheAt: at.Add(-2 * time.Minute), MaxStaleness: time.Hour, Error: "timeout", SLOs: []string{"latency", "errors"}},
			check: func(t *testing.T, d gate.Decision) {
				if d.SLOs[0].Cached || !d.SLOs[1].Cached || d.SLOs[2].Cached || d.SLOs[2].Error == "" {
					t.Errorf("observations %+v: want live, cached, failed", d.SLOs)
				}
			},
		},
		{
			name: "an SLO without an evaluation counts as an evaluation error",
			in: gate.Input{SLOs: both, Evaluations: []slo.Evaluation{ok(avail, 0.5)},
				Service: service(policy(func(p *slo.GatePolicy) { p.OnError = slo.FailOpen }))},
			verdict: gate.Warn,
			reasons: "warn evaluation_error latency, allow within_policy availability",
			fallback: gate.Fallback{Path: gate.PathFailOpen, Policy: slo.FailOpen, MaxStaleness: time.Hour,
				Error: "the SLO was not evaluated", SLOs: []string{"latency"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.Service.Name == "" {
				in.Service = service(slo.DefaultGatePolicy())
			}
			if in.ChangeType == "" {
				in.ChangeType = slo.ChangeNormal
			}
			in.At, in.ID, in.Source = at, "id-1", "prometheus http://prom:9090"
			d := gate.Decide(in)
			if d.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s (reasons: %s)", d.Verdict, tt.verdict, reasonsOf(d))
			}
			pv := tt.policyVerdict
			if pv == "" {
				pv = tt.verdict
			}
			if d.PolicyVerdict != pv {
				t.Errorf("policy verdict %s, want %s", d.PolicyVerdict, pv)
			}
			if got := reasonsOf(d); got != tt.reasons {
				t.Errorf("reasons\n got %s\nwant %s", got, tt.reasons)
			}
			fb := tt.fallback
			if fb.Path == "" {
				fb = gate.Fallback{Path: gate.PathNone, Policy: in.Service.Gate.OnError, MaxStaleness: in.Service.Gate.MaxStaleness}
			}
			if fmt.Sprintf("%+v", d.Fallback) != fmt.Sprintf("%+v", fb) {
				t.Errorf("fallback\n got %+v\nwant %+v", d.Fallback, fb)
			}
			if d.ID != "id-1" || d.Service != "checkout" || d.Tier != "critical" || !d.At.Equal(at) || d.Source == "" {
				t.Errorf("decision does not carry its inputs: %+v", d)
			}
			if len(d.SLOs) != len(in.SLOs) {
				t.Errorf("%d observations for %d SLOs", len(d.SLOs), len(in.SLOs))
			}
			wantBlocks := d.Verdict == gate.Block && !in.DryRun
			if d.Blocks() != wantBlocks {
				t.Errorf("Blocks() = %v, want %v", d.Blocks(), wantBlocks)
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

func TestDecideCollectsWarningsOnce(t *testing.T) {
	a, b := sloNamed("a", slo.NoDataBlock), sloNamed("b", slo.NoDataBlock)
	ea, eb := ok(a, 0.9), ok(b, 0.9)
	ea.Warnings = []string{"partial response", "query returned NaN"}
	eb.Warnings = []string{"partial response"}
	d := gate.Decide(gate.Input{Service: service(slo.DefaultGatePolicy()), SLOs: []slo.SLO{a, b},
		Evaluations: []slo.Evaluation{ea, eb}, At: at})
	if got := strings.Join(d.Warnings, "|"); got != "partial response|query returned NaN" {
		t.Errorf("warnings %q", got)
	}
}

func TestObserveKeepsTheNumbersTheGateDecidesOn(t *testing.T) {
	s := sloNamed("availability", slo.NoDataWarn)
	e := ok(s, 0.42, page)
	e.Status.Windows = append(e.Status.Windows, budget.WindowBurn{Window: 6 * time.Hour, BurnRate: math.NaN()})
	o := gate.Observe(e)
	if o.SLO != "availability" || o.State != slo.DataOK || math.Abs(o.BudgetLeft-0.42) > 1e-12 || o.NoData != slo.NoDataWarn || o.Window != "30d" {
		t.Errorf("observation %+v", o)
	}
	if len(o.Burn) != 3 || o.Burn[0].Rate != 2 || o.Burn[0].NoData || !o.Burn[1].NoData || !o.Burn[2].NoData {
		t.Errorf("burn %+v: want 2x over 1h, no data over 5m, NaN over 6h as no data", o.Burn)
	}
	if len(o.Firing) != 1 || o.Firing[0].Severity != budget.Page {
		t.Errorf("firing %+v", o.Firing)
	}
	f := gate.Observe(failing(s, "boom"))
	if f.Error != "boom" || f.State != "" {
		t.Errorf("failed observation %+v", f)
	}
}
