package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"

	"github.com/nines-sre/nines/internal/redact"
	"github.com/nines-sre/nines/report"
)

// pushTimeout bounds a push to the Pushgateway: the gate does not wait longer
// for its own metrics.
const pushTimeout = 10 * time.Second

// pushJob is the Pushgateway job of the gate's metrics; the service is the
// other grouping label, so each push replaces the service's previous metrics.
const pushJob = "nines_gate"

// gateMetrics builds the gate's metrics for one decision. Every metric gets
// job="nines_gate" and service from the grouping key.
func gateMetrics(doc report.GateDecision, duration time.Duration) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	gauge := func(name, help string, labels ...string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
		reg.MustRegister(g)
		return g
	}
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}

	verdict := gauge("nines_gate_verdict", "1 for the verdict of the last decision (allow, warn or block), 0 for the others.", "verdict")
	for _, v := range report.GateVerdicts {
		verdict.WithLabelValues(v).Set(b2f(v == doc.Verdict))
	}
	gauge("nines_gate_blocked", "1 when the last decision blocked the deploy (exit code 3).").
		WithLabelValues().Set(b2f(doc.ExitCode == exitBlocked))
	gauge("nines_gate_decision_info", "The last decision: its ID, change type and policy verdict.",
		"decision_id", "change_type", "policy_verdict").
		WithLabelValues(doc.ID, doc.ChangeType, doc.PolicyVerdict).Set(1)
	gauge("nines_gate_overridden", "1 when the last decision was overridden.").WithLabelValues().Set(b2f(doc.Override != nil))
	gauge("nines_gate_dry_run", "1 when the last decision was a dry run.").WithLabelValues().Set(b2f(doc.DryRun))
	fallback := gauge("nines_gate_fallback", "1 for the path the last decision took when SLOs could not be evaluated (none when they could).", "path")
	for _, p := range report.GateFallbackPaths {
		fallback.WithLabelValues(p).Set(b2f(p == doc.Fallback.Path))
	}
	reasons := gauge("nines_gate_reasons", "Reasons of the last decision by effect.", "effect")
	for _, v := range report.GateVerdicts {
		n := 0
		for _, r := range doc.Reasons {
			if r.Effect == v {
				n++
			}
		}
		reasons.WithLabelValues(v).Set(float64(n))
	}
	objective := gauge("nines_gate_objective_ratio", "Objective of each SLO decided on.", "slo")
	left := gauge("nines_gate_budget_left_ratio", "Error budget left of each SLO decided on (absent without data).", "slo")
	burn := gauge("nines_gate_burn_rate", "Burn rate of each SLO over each alert window (absent without data).", "slo", "window")
	cached := gauge("nines_gate_slo_cached", "1 when the SLO was decided on its last known good evaluation.", "slo")
	for _, s := range doc.SLOs {
		objective.WithLabelValues(s.SLO).Set(s.Objective)
		if s.BudgetLeft != nil {
			left.WithLabelValues(s.SLO).Set(*s.BudgetLeft)
		}
		for _, b := range s.BurnRates {
			if b.BurnRate != nil {
				burn.WithLabelValues(s.SLO, b.Window).Set(*b.BurnRate)
			}
		}
		cached.WithLabelValues(s.SLO).Set(b2f(s.Evaluation == "cache"))
	}
	gauge("nines_gate_last_decision_timestamp_seconds", "When the last decision was made.").
		WithLabelValues().Set(float64(doc.Time.UnixNano()) / 1e9)
	gauge("nines_gate_duration_seconds", "How long the last gate run took, evaluation included.").
		WithLabelValues().Set(duration.Seconds())
	return reg
}

// pushDecision pushes the decision's metrics to the Pushgateway at rawURL,
// replacing the service's previous ones. Userinfo in the URL is sent as
// basic auth and its query (an API key for a proxy in front) with every
// request; neither appears in an error, which is built anew from the
// scrubbed message rather than wrapped, since the cause's text carries the
// request URL.
func pushDecision(ctx context.Context, rawURL string, doc report.GateDecision, duration time.Duration, log *slog.Logger) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("invalid Pushgateway URL %q", redact.URL(rawURL))
	}
	var secrets redact.Secrets
	secrets.AddURL(u)
	user, query := u.User, u.RawQuery
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	ctx, cancel := context.WithTimeout(ctx, pushTimeout)
	defer cancel()
	p := push.New(strings.TrimRight(u.String(), "/"), pushJob).
		Grouping("service", doc.Service).
		Gatherer(gateMetrics(doc, duration)).
		Client(&http.Client{Timeout: pushTimeout, Transport: withQuery{query: query, next: http.DefaultTransport}})
	if user != nil {
		pw, _ := user.Password()
		p = p.BasicAuth(user.Username(), pw)
	}
	log.Debug("pushing the decision to the Pushgateway", "url", redact.URL(rawURL))
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("could not push to %s: %s", redact.URL(rawURL), secrets.Scrub(err.Error()))
	}
	log.Debug("pushed the decision to the Pushgateway", "url", redact.URL(rawURL))
	return nil
}

// withQuery adds the Pushgateway URL's query to every request: push builds
// its request URLs by appending to the base URL, which must have none.
type withQuery struct {
	query string
	next  http.RoundTripper
}

func (t withQuery) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.query == "" {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	if r.URL.RawQuery == "" {
		r.URL.RawQuery = t.query
	} else {
		r.URL.RawQuery += "&" + t.query
	}
	return t.next.RoundTrip(r)
}
