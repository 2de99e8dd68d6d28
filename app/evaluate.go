package app

import (
	"context"
	"math"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/cost"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// EvalRequest is what Burn and Status evaluate: the selected SLOs at env.At,
// each over its own window or over Period when given.
type EvalRequest struct {
	Selection Selection
	Period    *slo.Period
}

// Burn evaluates the selected SLOs: burn rates, budget left and time to
// exhaustion. It fails only when the selection is unknown or the source
// failed for every SLO; other source errors are in Notes.
func Burn(ctx context.Context, env *Env, req EvalRequest) (*report.BurnReport, Notes, error) {
	src, err := env.source()
	if err != nil {
		return nil, Notes{}, err
	}
	slos, err := req.Selection.Pick(env.Catalog)
	if err != nil {
		return nil, Notes{}, err
	}
	src, rec := recordStats(env, src)
	evals, err := evaluate(ctx, src, slos, slo.EvalOptions{At: env.At, Period: req.Period, Recorded: env.Recorded})
	if err != nil {
		return nil, Notes{}, err
	}
	if err := allFailed(evals); err != nil {
		return nil, Notes{}, err
	}
	ss := make([]report.SLOStatus, len(evals))
	for i, e := range evals {
		ss[i] = NewSLOStatus(e)
	}
	out := &report.BurnReport{At: env.At.UTC(), Source: src.String(), SLOs: ss}
	if rec != nil {
		out.Stats = rec.report(slos)
	}
	return out, evalNotes(evals), nil
}

// Status evaluates the selected SLOs and gives each service the worst
// condition of its SLOs, as a status page would.
func Status(ctx context.Context, env *Env, sel Selection) (*report.StatusReport, Notes, error) {
	b, notes, err := Burn(ctx, env, EvalRequest{Selection: sel})
	if err != nil {
		return nil, notes, err
	}
	return &report.StatusReport{At: b.At, Source: b.Source, Services: services(b.SLOs), Stats: b.Stats}, notes, nil
}

// services groups SLO statuses by service, in the order they come; a
// service takes the worst condition of its SLOs.
func services(ss []report.SLOStatus) []report.ServiceStatus {
	var out []report.ServiceStatus
	idx := map[string]int{}
	for _, s := range ss {
		i, ok := idx[s.Service]
		if !ok {
			i = len(out)
			idx[s.Service] = i
			out = append(out, report.ServiceStatus{Service: s.Service, Tier: s.Tier, Owner: s.Owner, Status: "operational"})
		}
		out[i].SLOs = append(out[i].SLOs, s)
		if report.ConditionRank(s.Condition) < report.ConditionRank(out[i].Status) {
			out[i].Status = s.Condition
		}
	}
	return out
}

// num returns a pointer to v, or nil when v is NaN or infinite: those never
// reach a user as a number.
func num(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// NewSLOStatus converts an evaluation into its JSON form.
func NewSLOStatus(e slo.Evaluation) report.SLOStatus {
	s := report.SLOStatus{
		Service:     e.SLO.Service,
		SLO:         e.SLO.Name,
		Group:       e.SLO.Group,
		Tier:        e.SLO.Tier,
		Owner:       report.Owner{Team: e.SLO.Owner.Team, Contact: e.SLO.Owner.Contact},
		Kind:        string(e.SLO.SLI.Kind),
		Objective:   e.SLO.Objective,
		Window:      e.SLO.Window.String(),
		Period:      e.Period,
		WindowStart: e.Start.UTC(),
		At:          e.At.UTC(),
		DataState:   string(e.SLI.State),
		Reason:      e.SLI.Reason,
		Warnings:    e.Warnings,
		Assumptions: e.Assumptions,
		Path:        e.Path,
		PathReason:  e.PathReason,
		BurnRates:   []report.BurnRate{},
		Alerts:      []report.Alert{},
	}
	if !e.RecordedAt.IsZero() {
		t := e.RecordedAt.UTC()
		s.RecordedAt = &t
	}
	if c := e.SLO.Ceiling; c != nil {
		s.Ceiling, s.CeilingBasis = num(c.Availability), c.Basis
	}
	s.Composite = newComposite(e)
	if e.Err != nil {
		s.DataState, s.Condition, s.Error = report.ConditionError, report.ConditionError, e.Err.Error()
		s.Reason = ""
		return s
	}
	for _, b := range e.Burn {
		br := report.BurnRate{Window: slo.PromQLDuration(b.Window), Seconds: b.Window.Seconds(), DataState: string(b.State)}
		if b.State == slo.DataOK {
			br.ErrorRatio = num(b.ErrorRatio)
			br.BurnRate = num(budget.BurnRate(b.ErrorRatio, e.SLO.Objective))
		}
		s.BurnRates = append(s.BurnRates, br)
	}
	if e.SLI.State == slo.DataOK && e.SLI.Events {
		s.Good, s.Total = num(e.SLI.Good), num(e.SLI.Total)
	}
	s.Adjustments, s.Raw = newAdjustments(e)
	if e.SLI.State != slo.DataOK {
		s.Condition = report.ConditionNoData
		for _, a := range e.SLO.Alerts {
			s.Alerts = append(s.Alerts, newAlert(budget.AlertState{AlertWindow: a, NoData: true}))
		}
		return s
	}
	s.Coverage = num(e.Coverage)
	st := e.Status
	s.ErrorRatio = num(st.ErrorRatio)
	s.Availability = num(st.Availability)
	s.Nines = num(st.Nines)
	s.BudgetUsed = num(st.BudgetUsed)
	s.BudgetLeft = num(st.BudgetLeft)
	s.BudgetLeftMinutes = num(st.BudgetLeftMinutes)
	if st.HasEvents {
		s.BudgetLeftEvents = num(st.BudgetLeftEvents)
	}
	if m := e.SLO.Cost; m.Configured() {
		s.BudgetLeftCost, s.Currency = num(cost.BudgetLeftValue(m, st.BudgetLeftMinutes)), m.Currency
	}
	for _, a := range st.Alerts {
		s.Alerts = append(s.Alerts, newAlert(a))
	}
	// A period that has ended cannot run out of budget any more.
	ended := e.Period != "" && e.Elapsed >= e.Length
	if st.HasExhaustion && !ended {
		s.TimeToExhaustionSeconds = num(st.TimeToExhaustion.Seconds())
	}
	s.Condition = string(st.Condition())
	return s
}

func newAlert(a budget.AlertState) report.Alert {
	return report.Alert{
		Severity: string(a.Severity),
		Long:     slo.PromQLDuration(a.Long),
		Short:    slo.PromQLDuration(a.Short),
		Factor:   a.Factor,
		Firing:   a.Firing,
		NoData:   a.NoData,
	}
}

// newComposite is how a composite evaluation combined its members, or nil
// for other SLOs.
func newComposite(e slo.Evaluation) *report.CompositeStatus {
	c := e.SLO.SLI.Composite
	if c == nil {
		return nil
	}
	out := &report.CompositeStatus{Method: string(c.Method), Members: []report.CompositeMember{}, LeastHealthy: e.LeastHealthy()}
	for _, m := range e.Members {
		cm := report.CompositeMember{SLO: m.SLO.ID(), Objective: m.SLO.Objective, DataState: string(m.SLI.State)}
		if m.Err != nil {
			cm.DataState = report.ConditionError
		} else if m.SLI.State == slo.DataOK {
			cm.ErrorRatio, cm.Availability, cm.Coverage = num(m.SLI.ErrorRatio), num(1-m.SLI.ErrorRatio), num(m.Coverage)
			if m.SLI.Events {
				cm.Good, cm.Total = num(m.SLI.Good), num(m.SLI.Total)
			}
		}
		out.Members = append(out.Members, cm)
	}
	return out
}

// recordedAt is the time of the evaluation's last record, nil on the raw
// path.
func recordedAt(e slo.Evaluation) *time.Time {
	if e.RecordedAt.IsZero() {
		return nil
	}
	t := e.RecordedAt.UTC()
	return &t
}
