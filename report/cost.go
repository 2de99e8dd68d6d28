package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/cost"
	"github.com/nines-sre/nines/slo"
)

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
	Detection Detection
	// Location is the time zone of days and months.
	Location *time.Location
}

// MonthEvaluation is one calendar month evaluated for SLA credits.
type MonthEvaluation struct {
	Month slo.Period
	// Share is the fraction of the month inside the priced period.
	Share float64
	Evals []slo.Evaluation
}

// Detection is how incidents were found, in the stable JSON.
type Detection struct {
	StepSeconds     float64 `json:"step_seconds"`
	Step            string  `json:"step"`
	StepReason      string  `json:"step_reason"`
	MergeGapSeconds float64 `json:"merge_gap_seconds"`
	// Threshold is a burn rate, or null for each SLO's fastest page factor.
	Threshold *float64 `json:"threshold"`
}

// NewDetection describes a scan: its step and why, the merge gap and the
// burn-rate threshold (0 for each SLO's fastest page factor).
func NewDetection(step time.Duration, reason string, gap time.Duration, threshold float64) Detection {
	d := Detection{StepSeconds: step.Seconds(), Step: slo.PromQLDuration(step), StepReason: reason, MergeGapSeconds: gap.Seconds()}
	if threshold > 0 {
		d.Threshold = &threshold
	}
	return d
}

// CostReport is the stable JSON of `nines cost -o json`, and the model that
// the report and summary commands render. Amounts are in each service's
// currency; totals are per currency. A null number means "no data" or "no
// cost model", never zero.
type CostReport struct {
	At         time.Time       `json:"at"`
	Source     string          `json:"source"`
	Period     PeriodInfo      `json:"period"`
	Detection  Detection       `json:"incident_detection"`
	Convention string          `json:"calendar_convention"`
	Services   []ServiceCost   `json:"services"`
	Incidents  []IncidentCost  `json:"incidents"`
	Totals     []CurrencyTotal `json:"totals"`
	Warnings   []string        `json:"warnings,omitempty"`
	Errors     []string        `json:"errors,omitempty"`

	// scans and days feed the Daily sheet.
	scans    []slo.ServiceScan
	models   map[string]cost.Model
	location *time.Location
}

// PeriodInfo is the period priced: [Start, End), measured up to MeasuredTo.
type PeriodInfo struct {
	Name       string    `json:"name"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	MeasuredTo time.Time `json:"measured_to"`
	// Minutes is the measured length, Start to MeasuredTo.
	Minutes  float64 `json:"minutes"`
	TimeZone string  `json:"time_zone"`
}

// Measured is the measured length of the period.
func (p PeriodInfo) Measured() time.Duration { return p.MeasuredTo.Sub(p.Start) }

// ServiceCost is one service over the period.
type ServiceCost struct {
	Service   string    `json:"service"`
	Tier      string    `json:"tier"`
	Owner     Owner     `json:"owner"`
	Currency  string    `json:"currency,omitempty"`
	CostModel bool      `json:"cost_model"`
	SLOs      []SLOCost `json:"slos"`
	// Incidents counts the service's incidents; IncidentSeconds sums their
	// durations.
	Incidents       int     `json:"incidents"`
	IncidentSeconds float64 `json:"incident_seconds"`
	// MTTRSeconds is the mean incident duration; MTBFSeconds the measured
	// time outside incidents over the number of incidents. Null without
	// incidents.
	MTTRSeconds *float64 `json:"mttr_seconds"`
	MTBFSeconds *float64 `json:"mtbf_seconds"`
	// Cost is null without a cost model.
	Cost *Breakdown `json:"cost"`
}

// SLOCost is one SLO over the period.
type SLOCost struct {
	SLO       string  `json:"slo"`
	Kind      string  `json:"sli_kind"`
	Objective float64 `json:"objective"`
	// DataState is ok, no_data, insufficient_data or error.
	DataState    string   `json:"data_state"`
	Reason       string   `json:"reason,omitempty"`
	ErrorRatio   *float64 `json:"error_ratio"`
	Availability *float64 `json:"availability"`
	Nines        *float64 `json:"nines"`
	BudgetUsed   *float64 `json:"budget_used"`
	// DowntimeMinutes is error ratio x measured minutes.
	DowntimeMinutes *float64 `json:"downtime_minutes"`
	// Met is whether availability reached the objective; null without data.
	Met *bool `json:"met"`
	// IncidentThreshold is the burn rate above which a detection step burns.
	IncidentThreshold float64 `json:"incident_threshold"`
	// DataCoverage is the fraction of detection steps with data.
	DataCoverage float64 `json:"data_coverage"`
	// RevenueImpact is the fraction of a bad event that loses revenue.
	RevenueImpact float64 `json:"revenue_impact"`
	// LostRevenue is null without data or a cost model.
	LostRevenue *float64 `json:"lost_revenue"`
	Error       string   `json:"error,omitempty"`

	owner Owner
	tier  string
}

// Breakdown is a cost by component with the lines behind each figure.
type Breakdown struct {
	Currency    string         `json:"currency"`
	LostRevenue float64        `json:"lost_revenue"`
	Labor       float64        `json:"labor"`
	Opportunity float64        `json:"opportunity"`
	SLACredits  float64        `json:"sla_credits"`
	Total       float64        `json:"total"`
	Revenue     []RevenueLine  `json:"revenue_lines"`
	LaborLines  []LaborLine    `json:"labor_lines"`
	Diverted    DivertedWork   `json:"opportunity_line"`
	Credits     []CreditLine   `json:"sla_credit_lines"`
	LaborByRole []RoleLabor    `json:"labor_by_role"`
	breakdown   cost.Breakdown // the lines, for renderers
}

// RevenueLine is lost revenue = per_minute x share x impact x
// downtime_minutes x (1 - recovery).
type RevenueLine struct {
	SLO             string  `json:"slo"`
	DowntimeMinutes float64 `json:"downtime_minutes"`
	PerMinute       float64 `json:"per_minute"`
	Share           float64 `json:"share"`
	Impact          float64 `json:"impact"`
	Recovery        float64 `json:"recovery"`
	Amount          float64 `json:"amount"`
}

// LaborLine is labor = people x hours_each x hourly_rate, where from the
// model hours_each = hours_per_incident + hours_per_outage_hour x
// outage_hours; stated lines come from an incidents file.
type LaborLine struct {
	Role               string  `json:"role"`
	People             float64 `json:"people"`
	HoursEach          float64 `json:"hours_each"`
	HourlyRate         float64 `json:"hourly_rate"`
	HoursPerIncident   float64 `json:"hours_per_incident"`
	HoursPerOutageHour float64 `json:"hours_per_outage_hour"`
	OutageHours        float64 `json:"outage_hours"`
	Stated             bool    `json:"stated"`
	Amount             float64 `json:"amount"`
}

// DivertedWork is opportunity = hours x hourly_value (summed over incidents
// for a service).
type DivertedWork struct {
	Hours       float64 `json:"hours"`
	HourlyValue float64 `json:"hourly_value"`
	Amount      float64 `json:"amount"`
}

// CreditLine is an SLA credit = monthly_contract_value x credit_rate x
// month_share; band_below is null when the month met every band.
type CreditLine struct {
	Month                string   `json:"month"`
	Availability         float64  `json:"availability"`
	BandBelow            *float64 `json:"band_below"`
	CreditRate           float64  `json:"credit_rate"`
	MonthlyContractValue float64  `json:"monthly_contract_value"`
	MonthShare           float64  `json:"month_share"`
	Amount               float64  `json:"amount"`
}

// RoleLabor is the labor of one role summed.
type RoleLabor struct {
	Role        string  `json:"role"`
	PersonHours float64 `json:"person_hours"`
	Amount      float64 `json:"amount"`
}

// IncidentCost is one incident and its cost.
type IncidentCost struct {
	// ID is "service/2026-08-12T14:20Z", unique within a report.
	ID      string `json:"id"`
	Service string `json:"service"`
	Tier    string `json:"tier"`
	Title   string `json:"title,omitempty"`
	// Source is detected, corrected (by the incidents file) or file.
	Source          string    `json:"source"`
	Start           time.Time `json:"start"`
	End             time.Time `json:"end"`
	DurationSeconds float64   `json:"duration_seconds"`
	// PeakSLO is the SLO that burned fastest; PeakErrorRatio and
	// PeakBurnRate are its worst step.
	PeakSLO        string   `json:"peak_slo"`
	PeakErrorRatio *float64 `json:"peak_error_ratio"`
	PeakBurnRate   *float64 `json:"peak_burn_rate"`
	// DowntimeMinutes is the largest downtime-equivalent minutes of its SLOs.
	DowntimeMinutes float64       `json:"downtime_minutes"`
	SLOs            []IncidentSLO `json:"slos"`
	Cost            *Breakdown    `json:"cost"`
	// RecordFile and RecordLine locate the incidents-file record, if any.
	RecordFile string `json:"record_file,omitempty"`
	RecordLine int    `json:"record_line,omitempty"`
}

// Duration is the incident's length.
func (i IncidentCost) Duration() time.Duration { return i.End.Sub(i.Start) }

// IncidentSLO is one SLO over an incident.
type IncidentSLO struct {
	SLO             string   `json:"slo"`
	Burning         bool     `json:"burning"`
	ErrorRatio      *float64 `json:"error_ratio"`
	PeakErrorRatio  *float64 `json:"peak_error_ratio"`
	PeakBurnRate    *float64 `json:"peak_burn_rate"`
	DowntimeMinutes *float64 `json:"downtime_minutes"`
}

// CurrencyTotal sums the services of one currency.
type CurrencyTotal struct {
	Currency    string  `json:"currency"`
	LostRevenue float64 `json:"lost_revenue"`
	Labor       float64 `json:"labor"`
	Opportunity float64 `json:"opportunity"`
	SLACredits  float64 `json:"sla_credits"`
	Total       float64 `json:"total"`
}

func (t *CurrencyTotal) add(b *Breakdown) {
	t.LostRevenue += b.LostRevenue
	t.Labor += b.Labor
	t.Opportunity += b.Opportunity
	t.SLACredits += b.SLACredits
	t.Total += b.Total
}

// newBreakdown turns the cost lines into their JSON, with totals.
func newBreakdown(b cost.Breakdown, model cost.Model) *Breakdown {
	out := &Breakdown{
		Currency:    b.Currency,
		LostRevenue: b.LostRevenue(),
		Labor:       b.LaborCost(),
		Opportunity: b.OpportunityCost(),
		SLACredits:  b.CreditCost(),
		Total:       b.Total(),
		Revenue:     []RevenueLine{},
		LaborLines:  []LaborLine{},
		Credits:     []CreditLine{},
		LaborByRole: []RoleLabor{},
		breakdown:   b,
	}
	for _, l := range b.Revenue {
		out.Revenue = append(out.Revenue, RevenueLine(l))
	}
	for _, l := range b.Labor {
		out.LaborLines = append(out.LaborLines, LaborLine{
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
		c := CreditLine{Month: l.Month, Availability: l.Availability, CreditRate: l.Rate, MonthlyContractValue: l.MonthlyContractValue, MonthShare: l.Share, Amount: l.Amount}
		if l.Rate > 0 {
			below := l.Below
			c.BandBelow = &below
		}
		out.Credits = append(out.Credits, c)
	}
	for _, r := range b.LaborByRole() {
		out.LaborByRole = append(out.LaborByRole, RoleLabor(r))
	}
	return out
}

// Lines are the cost lines behind the breakdown.
func (b *Breakdown) Lines() cost.Breakdown { return b.breakdown }

// NewCostReport prices the period: every selected SLO's lost revenue, every
// incident's cost, each service's labor, opportunity and SLA credits, and
// the totals per currency. It fails only when an incident's stated labor
// cannot be priced.
func NewCostReport(in CostInput) (*CostReport, error) {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	measuredTo := in.Period.End
	if in.At.Before(measuredTo) {
		measuredTo = in.At
	}
	if measuredTo.Before(in.Period.Start) {
		measuredTo = in.Period.Start
	}
	r := &CostReport{
		At:     in.At.UTC(),
		Source: in.Source,
		Period: PeriodInfo{
			Name: in.Period.Name, Start: in.Period.Start.UTC(), End: in.Period.End.UTC(), MeasuredTo: measuredTo.UTC(),
			Minutes: measuredTo.Sub(in.Period.Start).Minutes(), TimeZone: loc.String(),
		},
		Detection:  in.Detection,
		Convention: budget.Convention,
		Services:   []ServiceCost{},
		Incidents:  []IncidentCost{},
		Totals:     []CurrencyTotal{},
		scans:      in.Scans,
		models:     map[string]cost.Model{},
		location:   loc,
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
	totals := map[string]*CurrencyTotal{}
	for _, svc := range in.Catalog.Services {
		es := evals[svc.Name]
		if len(es) == 0 {
			continue
		}
		sc, err := r.service(svc, es, scans[svc.Name], in, warn)
		if err != nil {
			return nil, err
		}
		r.Services = append(r.Services, sc.ServiceCost)
		r.Incidents = append(r.Incidents, sc.incidents...)
		if sc.Cost != nil {
			t := totals[sc.Currency]
			if t == nil {
				t = &CurrencyTotal{Currency: sc.Currency}
				totals[sc.Currency] = t
			}
			t.add(sc.Cost)
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
	sort.Strings(r.Warnings)
	return r, nil
}

type serviceResult struct {
	ServiceCost
	incidents []IncidentCost
}

func (r *CostReport) service(svc slo.Service, es []slo.Evaluation, scan slo.ServiceScan, in CostInput, warn func(string)) (serviceResult, error) {
	m := svc.Cost
	r.models[svc.Name] = m
	owner := Owner{Team: svc.Owner.Team, Contact: svc.Owner.Contact}
	out := serviceResult{ServiceCost: ServiceCost{
		Service: svc.Name, Tier: svc.Tier, Owner: owner, Currency: m.Currency, CostModel: m.Configured(), SLOs: []SLOCost{},
	}}
	scanned := map[string]slo.SLOScan{}
	for _, s := range scan.SLOs {
		scanned[s.SLO.Name] = s
	}
	var total cost.Breakdown
	total.Currency = m.Currency
	for _, e := range es {
		sc := SLOCost{
			SLO: e.SLO.Name, Kind: string(e.SLO.SLI.Kind), Objective: e.SLO.Objective, DataState: string(e.SLI.State),
			Reason: e.SLI.Reason, RevenueImpact: m.Revenue.ImpactOf(e.SLO.Name), owner: owner, tier: svc.Tier,
		}
		if s, ok := scanned[e.SLO.Name]; ok {
			sc.IncidentThreshold, sc.DataCoverage = s.Threshold, s.Coverage()
			if e.SLI.State == slo.DataOK && s.Steps > 0 && s.Coverage() < 0.9 {
				warn(fmt.Sprintf("SLO %s: the detection steps have data for %s of %s; incidents may be missing", e.SLO.ID(), Percent(s.Coverage(), 0), in.Period.Name))
			}
		} else {
			sc.IncidentThreshold = slo.FastestPageFactor(e.SLO.Alerts)
		}
		switch {
		case e.Err != nil:
			sc.DataState, sc.Error, sc.Reason = ConditionError, e.Err.Error(), ""
		case e.SLI.State == slo.DataOK:
			st := e.Status
			sc.ErrorRatio, sc.Availability, sc.Nines, sc.BudgetUsed = num(st.ErrorRatio), num(st.Availability), num(st.Nines), num(st.BudgetUsed)
			dt := cost.DowntimeMinutes(st.ErrorRatio, e.Elapsed)
			sc.DowntimeMinutes = num(dt)
			met := st.ErrorRatio <= (1-e.SLO.Objective)*(1+1e-9)
			sc.Met = &met
			if m.Configured() {
				l := m.LostRevenue(e.SLO.Name, dt)
				total.Revenue = append(total.Revenue, l)
				sc.LostRevenue = num(l.Amount)
			}
		}
		out.SLOs = append(out.SLOs, sc)
	}
	for _, inc := range scan.Incidents() {
		ic := IncidentCost{
			ID:      svc.Name + "/" + inc.Start.UTC().Format("2006-01-02T15:04Z"),
			Service: svc.Name, Tier: svc.Tier, Source: inc.Source,
			Start: inc.Start.UTC(), End: inc.End.UTC(), DurationSeconds: inc.Duration().Seconds(),
			SLOs: []IncidentSLO{},
		}
		if inc.Record != nil {
			ic.Title, ic.RecordFile, ic.RecordLine = inc.Record.Title, inc.Record.File, inc.Record.Line
		}
		var rev []cost.RevenueLine
		for _, s := range inc.SLOs {
			is := IncidentSLO{SLO: s.SLO, Burning: s.Burning}
			if s.HasData {
				is.ErrorRatio, is.PeakErrorRatio, is.PeakBurnRate, is.DowntimeMinutes = num(s.ErrorRatio), num(s.PeakErrorRatio), num(s.PeakBurnRate), num(s.DowntimeMinutes)
				ic.DowntimeMinutes = math.Max(ic.DowntimeMinutes, s.DowntimeMinutes)
				rev = append(rev, m.LostRevenue(s.SLO, s.DowntimeMinutes))
			}
			ic.SLOs = append(ic.SLOs, is)
		}
		if p := inc.Peak(); p.HasData {
			ic.PeakSLO, ic.PeakErrorRatio, ic.PeakBurnRate = p.SLO, num(p.PeakErrorRatio), num(p.PeakBurnRate)
		}
		out.Incidents++
		out.IncidentSeconds += ic.DurationSeconds
		if m.Configured() {
			var stated []cost.Responder
			var hours *float64
			if inc.Record != nil {
				stated, hours = inc.Record.Responders, inc.Record.OpportunityHours
			}
			b, err := m.Incident(inc.Duration(), rev, stated, hours)
			if err != nil {
				return out, fmt.Errorf("could not price the %s incident of %s (%s:%d): %w", svc.Name, inc.Start.UTC().Format(time.RFC3339), inc.Record.File, inc.Record.Line, err)
			}
			ic.Cost = newBreakdown(b, m)
			total.Labor = append(total.Labor, b.Labor...)
			total.Opportunity = append(total.Opportunity, b.Opportunity...)
		}
		out.incidents = append(out.incidents, ic)
	}
	if out.Incidents > 0 {
		mttr := out.IncidentSeconds / float64(out.Incidents)
		mtbf := math.Max(0, r.Period.Minutes*60-out.IncidentSeconds) / float64(out.Incidents)
		out.MTTRSeconds, out.MTBFSeconds = &mttr, &mtbf
	}
	if m.Configured() {
		total.Credits = r.credits(svc, m, in.Months, warn)
		out.Cost = newBreakdown(total, m)
	}
	return out, nil
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

// SLASLOs lists, per service of the catalog, the SLO its SLA measures, for
// the services whose cost model has an SLA with credit bands.
func SLASLOs(cat *slo.Catalog) map[string]string {
	out := map[string]string{}
	for _, s := range cat.Services {
		if s.Cost.Configured() && s.Cost.SLA.MonthlyContractValue > 0 && len(s.Cost.SLA.Credits) > 0 {
			out[s.Name] = slaSLO(s)
		}
	}
	return out
}

func (r *CostReport) credits(svc slo.Service, m cost.Model, months []MonthEvaluation, warn func(string)) []cost.CreditLine {
	if m.SLA.MonthlyContractValue <= 0 || len(m.SLA.Credits) == 0 {
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
			out = append(out, m.Credit(mo.Month.Name, e.Status.Availability, mo.Share))
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

// Currencies lists the currencies of the priced services, sorted.
func (r *CostReport) Currencies() []string {
	var out []string
	for _, t := range r.Totals {
		out = append(out, t.Currency)
	}
	return out
}

// Service returns the named service's cost.
func (r *CostReport) Service(name string) (ServiceCost, bool) {
	for _, s := range r.Services {
		if s.Service == name {
			return s, true
		}
	}
	return ServiceCost{}, false
}
