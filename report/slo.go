package report

import (
	"sort"
	"strconv"
	"time"

	"github.com/nines-sre/nines/budget"
)

// SLOStatus is the stable JSON form of one evaluated SLO (burn -o json).
// Ratios are in [0, 1]; a null number means "no data", never 100%.
type SLOStatus struct {
	Service   string  `json:"service"`
	SLO       string  `json:"slo"`
	Tier      string  `json:"tier"`
	Owner     Owner   `json:"owner"`
	Kind      string  `json:"sli_kind"`
	Objective float64 `json:"objective"`
	// Ceiling is the best availability the SLO's composite members and its
	// service's dependencies allow, CeilingBasis how it was computed;
	// absent when nothing bounds it (docs/composites.md).
	Ceiling      *float64 `json:"ceiling,omitempty"`
	CeilingBasis string   `json:"ceiling_basis,omitempty"`
	// Composite is how a composite SLO combined its members.
	Composite   *CompositeStatus `json:"composite,omitempty"`
	Window      string           `json:"window"`
	Period      string           `json:"period,omitempty"`
	WindowStart time.Time        `json:"window_start"`
	At          time.Time        `json:"at"`
	// DataState is ok, no_data, insufficient_data or error.
	DataState string `json:"data_state"`
	Reason    string `json:"reason,omitempty"`

	Good         *float64 `json:"good_events"`
	Total        *float64 `json:"total_events"`
	ErrorRatio   *float64 `json:"error_ratio"`
	Availability *float64 `json:"availability"`
	Nines        *float64 `json:"nines"`

	BudgetUsed        *float64 `json:"budget_used"`
	BudgetLeft        *float64 `json:"budget_left"`
	BudgetLeftMinutes *float64 `json:"budget_left_minutes"`
	BudgetLeftEvents  *float64 `json:"budget_left_events"`
	// BudgetLeftCost is the budget left in money: what a full outage as long
	// as BudgetLeftMinutes would cost (cost.Model.BudgetLeftValue), in
	// Currency. Absent without a cost model or data.
	BudgetLeftCost *float64 `json:"budget_left_cost,omitempty"`
	Currency       string   `json:"currency,omitempty"`

	BurnRates []BurnRate `json:"burn_rates"`
	Alerts    []Alert    `json:"alerts"`

	TimeToExhaustionSeconds *float64 `json:"time_to_exhaustion_seconds"`
	// Condition is operational, degraded, outage, no_data or error.
	Condition string   `json:"condition"`
	Warnings  []string `json:"warnings,omitempty"`
	// Assumptions are what the figures rest on that was not measured.
	Assumptions []string `json:"assumptions,omitempty"`
	// Coverage is the part of the window with data (1: all of it); absent
	// when the SLO has no data.
	Coverage *float64 `json:"coverage,omitempty"`
	Error    string   `json:"error,omitempty"`
	// Path is the data measured: "raw" (the SLI's queries over raw data)
	// or "recorded" (the recorded series of `nines rules`,
	// docs/fast-path.md). PathReason says why an SLO read raw data when
	// recorded series were allowed; RecordedAt is the time of the last
	// record, where every window of the recorded path ends.
	Path       string     `json:"path"`
	PathReason string     `json:"path_reason,omitempty"`
	RecordedAt *time.Time `json:"recorded_at,omitempty"`

	// Group is, for one group of a grouped SLO (group_by), its labels'
	// values; SLO then names it (availability{region="eu"}).
	Group map[string]string `json:"group,omitempty"`
	// Adjustments are the budget adjustments applied to the SLO window
	// (docs/adjustments.md): the figures above are then adjusted, and
	// Raw has them with every event counted.
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	Raw         *RawBudget   `json:"raw,omitempty"`
}

// Owner is who answers for a service.
type Owner struct {
	Team    string `json:"team,omitempty"`
	Contact string `json:"contact,omitempty"`
}

// BurnRate is the burn over one alert window.
type BurnRate struct {
	Window     string   `json:"window"`
	Seconds    float64  `json:"seconds"`
	ErrorRatio *float64 `json:"error_ratio"`
	BurnRate   *float64 `json:"burn_rate"`
	DataState  string   `json:"data_state"`
}

// Alert is one multi-window burn-rate alert.
type Alert struct {
	Severity string  `json:"severity"`
	Long     string  `json:"long_window"`
	Short    string  `json:"short_window"`
	Factor   float64 `json:"factor"`
	Firing   bool    `json:"firing"`
	NoData   bool    `json:"no_data,omitempty"`
}

// Condition values beyond budget's: the SLO could not be judged.
const (
	ConditionNoData = "no_data"
	ConditionError  = "error"
)

// Firing lists the firing alerts as "page 1h/5m 14.4x", pages first.
func (s SLOStatus) Firing() []string {
	var out []string
	for _, sev := range []string{string(budget.Page), string(budget.Ticket)} {
		for _, a := range s.Alerts {
			if a.Firing && a.Severity == sev {
				out = append(out, a.Severity+" "+a.Long+"/"+a.Short+" "+strconv.FormatFloat(a.Factor, 'f', -1, 64)+"x")
			}
		}
	}
	return out
}

// burnWindows is the union of the burn windows of statuses, shortest first.
func burnWindows(ss []SLOStatus) []BurnRate {
	seen := map[string]BurnRate{}
	for _, s := range ss {
		for _, b := range s.BurnRates {
			seen[b.Window] = b
		}
	}
	out := make([]BurnRate, 0, len(seen))
	for _, b := range seen {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seconds < out[j].Seconds })
	return out
}
