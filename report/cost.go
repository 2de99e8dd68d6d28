package report

import (
	"iter"
	"time"

	"github.com/nines-sre/nines/slo"
)

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
	// Coverage is the share of the period the selected SLOs have data for:
	// the mean of the SLOs' coverage (0 to 1).
	Coverage float64 `json:"coverage"`
	// SLAMonths are the calendar months of each SLA, as numbers: the SLA
	// SLO's availability over the month, the band it fell below and the
	// credit owed for the month's share inside the period.
	SLAMonths []SLAMonth `json:"sla_months"`
	Warnings  []string   `json:"warnings,omitempty"`
	Errors    []string   `json:"errors,omitempty"`

	// MinCoverage is the coverage (0 to 1) below which an SLO's figures
	// carry a caveat and a comparison is not made.
	MinCoverage float64 `json:"min_coverage"`
	// IncidentFiles are the incidents files read: the one --incidents
	// names, or the specs' incident_files (empty for none).
	IncidentFiles []string `json:"incident_files"`
	// IncidentScanPath is the data the incident scan reads: always raw
	// (range queries at the detection step, which the 5m records do not
	// serve); each SLO's Path says where its figures over the period came
	// from.
	IncidentScanPath string `json:"incident_scan_path"`
	// Stats is the cost of the queries sent to price the period, with
	// --stats only.
	Stats *QueryStats `json:"stats,omitempty"`

	// Daily yields the Daily sheet's rows, a row per SLO and day, and
	// DailyCount is how many it yields: computed where the period is
	// priced, streamed by the renderers. Nil yields none.
	Daily      iter.Seq[DailyRow] `json:"-"`
	DailyCount int                `json:"-"`
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
	// ToDate is true while the period is still running at the evaluation
	// time: it is measured to date.
	ToDate bool `json:"to_date"`
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
	// Blips counts the intervals the incident policy does not count as
	// incidents (too short and too small); BlipSeconds sums their
	// durations and BlipDowntimeMinutes their downtime (each blip's
	// largest of its SLOs'). Their downtime and lost revenue are in the
	// SLOs' figures; they carry no labor or opportunity.
	Blips               int     `json:"blips"`
	BlipSeconds         float64 `json:"blip_seconds"`
	BlipDowntimeMinutes float64 `json:"blip_downtime_minutes"`
	// IncidentPolicy is the policy applied to the service's intervals.
	IncidentPolicy *IncidentPolicy `json:"incident_policy"`
}

// IncidentPolicy is the incident policy applied to a service: an interval
// is an incident when it lasted at least MinDurationSeconds or spent at
// least MinBudget (a ratio) of an SLO window's error budget; spans closer
// than MergeGapSeconds are one interval.
type IncidentPolicy struct {
	MinDurationSeconds float64 `json:"min_duration_seconds"`
	MinBudget          float64 `json:"min_budget"`
	MergeGapSeconds    float64 `json:"merge_gap_seconds"`
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
	// Coverage is the fraction of the measured period the SLI has data for
	// (0 without data).
	Coverage float64 `json:"coverage"`
	// Months, for an SLO with a calendar-month window priced over a longer
	// period, are its months, each judged on its own: Met is true only when
	// every month with data met the objective.
	Months []SLOMonth `json:"months,omitempty"`
	// RevenueImpact is the fraction of a bad event that loses revenue.
	RevenueImpact float64 `json:"revenue_impact"`
	// LostRevenue is null without data or a cost model.
	LostRevenue *float64 `json:"lost_revenue"`
	Error       string   `json:"error,omitempty"`
	// Adjustments are the budget adjustments applied to the period
	// (docs/adjustments.md): the figures above are adjusted, Raw has them
	// with every event counted.
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	Raw         *RawBudget   `json:"raw,omitempty"`
	// Path is the data the figures over the period were measured from:
	// raw or recorded (the series of nines rules, docs/fast-path.md);
	// PathReason says why an SLO read raw data when records were allowed,
	// RecordedAt is the last record's time on the recorded path. The
	// incident scan reads raw data whatever the path
	// (CostReport.IncidentScanPath).
	Path       string     `json:"path"`
	PathReason string     `json:"path_reason,omitempty"`
	RecordedAt *time.Time `json:"recorded_at,omitempty"`
}

// SLOMonth is an SLO over one calendar month of a longer period.
type SLOMonth struct {
	Month        string    `json:"month"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	DataState    string    `json:"data_state"`
	Availability *float64  `json:"availability"`
	BudgetUsed   *float64  `json:"budget_used"`
	Met          *bool     `json:"met"`
	Coverage     float64   `json:"coverage"`
	// Path is the data the month was measured from: raw or recorded.
	Path string `json:"path"`
}

// SLAMonth is one calendar month of a service's SLA.
type SLAMonth struct {
	Service  string    `json:"service"`
	SLO      string    `json:"slo"`
	Month    string    `json:"month"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Currency string    `json:"currency"`
	// Availability is null when the month has no data (no credit counted).
	Availability *float64 `json:"availability"`
	Coverage     float64  `json:"coverage"`
	// BandBelow is the band the month fell below, null when it met every band.
	BandBelow            *float64 `json:"band_below"`
	CreditRate           float64  `json:"credit_rate"`
	MonthlyContractValue float64  `json:"monthly_contract_value"`
	// Share is the fraction of the month inside the priced period.
	Share  float64 `json:"month_share"`
	Credit float64 `json:"credit"`
	// Path is the data the month was measured from: raw or recorded.
	Path string `json:"path"`
}

// Breakdown is a cost by component with the lines behind each figure.
type Breakdown struct {
	Currency    string        `json:"currency"`
	LostRevenue float64       `json:"lost_revenue"`
	Labor       float64       `json:"labor"`
	Opportunity float64       `json:"opportunity"`
	SLACredits  float64       `json:"sla_credits"`
	Total       float64       `json:"total"`
	Revenue     []RevenueLine `json:"revenue_lines"`
	LaborLines  []LaborLine   `json:"labor_lines"`
	Diverted    DivertedWork  `json:"opportunity_line"`
	Credits     []CreditLine  `json:"sla_credit_lines"`
	LaborByRole []RoleLabor   `json:"labor_by_role"`
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
	// Ongoing is true when the incident still burns at the end of the
	// measured period: it ends there.
	Ongoing bool `json:"ongoing"`
	// Planned is true for a planned interval (maintenance) from the
	// incidents file: priced without incident overhead.
	Planned bool `json:"planned"`
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
	// BudgetSpent is the share of the SLO window's error budget the
	// incident spent (for a calendar window, the one it started in).
	BudgetSpent *float64 `json:"budget_spent"`
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

// Grids are the tables of `nines cost`: see CostGrids.
func (r *CostReport) Grids(o GridOptions) []Grid { return withStats(CostGrids(r, o.Wide), r.Stats) }
