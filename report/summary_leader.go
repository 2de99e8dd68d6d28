package report

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Leader is what `nines summary` adds for a leader's quarter: the trend
// over the last periods, the cost within the error budgets against the cost
// beyond them, the top risks at the end of the period and a narrative.
// It is embedded in Summary, so its fields are top-level JSON fields.
type Leader struct {
	// Trend is the last periods, oldest first, ending with the summarised
	// one; empty when no trend was asked for.
	Trend []TrendPeriod `json:"trend"`
	// BaselineOverspend splits the period's cost into what the error
	// budgets allowed (baseline) and what was spent beyond them
	// (overspend); docs/cost.md "Baseline and overspend" has the formula.
	BaselineOverspend BaselineOverspend `json:"baseline_overspend"`
	// RisksAt is when the risks were evaluated: the earlier of the
	// period's end and the evaluation time.
	RisksAt time.Time `json:"risks_at"`
	// TopRisks are the SLOs closest to running out of budget at RisksAt,
	// each over its own window, riskiest first (at most TopRisks).
	TopRisks []Risk `json:"top_risks"`
	// Unranked counts the SLOs without data at RisksAt, which are not
	// ranked.
	Unranked int `json:"unranked_slos"`
	// Advice points to `nines advise` with the number of objectives it
	// would change over the same periods; absent when not computed.
	Advice *AdviceLink `json:"advice,omitempty"`
	// Narrative is the period in a few sentences, generated from the
	// figures above (the same figures give the same words).
	Narrative string `json:"narrative"`
}

// TrendPeriod is one period of the trend.
type TrendPeriod struct {
	Period PeriodInfo `json:"period"`
	// Coverage is the share of the period its SLOs have data for (0 to 1);
	// LowCoverage is true below the comparison threshold, when its figures
	// are not compared with the others.
	Coverage    float64 `json:"coverage"`
	LowCoverage bool    `json:"low_coverage"`
	SLOs        int     `json:"slos"`
	Met         int     `json:"met"`
	Missed      int     `json:"missed"`
	NoData      int     `json:"no_data"`
	// Availability is the mean availability of the SLOs with data; null
	// when none has data.
	Availability *float64 `json:"availability"`
	Incidents    int      `json:"incidents"`
	// MTTRSeconds is the mean incident duration; null without incidents.
	MTTRSeconds *float64        `json:"mttr_seconds"`
	Totals      []CurrencyTotal `json:"totals"`
	// Split is the period's baseline and overspend per currency.
	Split []SplitTotal `json:"baseline_overspend"`
}

// BaselineOverspend is the period's cost split per service and currency.
type BaselineOverspend struct {
	Services []ServiceSplit `json:"services"`
	Totals   []SplitTotal   `json:"totals"`
}

// SplitTotal is the baseline and overspend of one currency.
type SplitTotal struct {
	Currency  string  `json:"currency"`
	Baseline  float64 `json:"baseline"`
	Overspend float64 `json:"overspend"`
	// Total is baseline + overspend, the currency's total cost.
	Total float64 `json:"total"`
}

// ServiceSplit is one priced service's cost split.
type ServiceSplit struct {
	Service  string `json:"service"`
	Tier     string `json:"tier"`
	Currency string `json:"currency"`
	// SLOs are the service's SLOs with data.
	SLOs []SLOSplit `json:"slos"`
	// DowntimeMinutes and OverspendMinutes sum its SLOs'; OverspendShare
	// is their ratio (0 without downtime), the share of the incidents'
	// labor and opportunity that is overspend.
	DowntimeMinutes  float64 `json:"downtime_minutes"`
	OverspendMinutes float64 `json:"overspend_minutes"`
	OverspendShare   float64 `json:"overspend_share"`
	// LostRevenue, Fixed (labor and opportunity) and SLACredits, each split.
	LostRevenue SplitAmount `json:"lost_revenue"`
	Fixed       SplitAmount `json:"labor_and_opportunity"`
	SLACredits  SplitAmount `json:"sla_credits"`
	// Credits are the SLA credit months: overspend when the month's
	// availability was below the SLA SLO's objective.
	Credits   []CreditSplit `json:"sla_credit_months"`
	Baseline  float64       `json:"baseline"`
	Overspend float64       `json:"overspend"`
	Total     float64       `json:"total"`
}

// SplitAmount is an amount split into baseline and overspend.
type SplitAmount struct {
	Baseline  float64 `json:"baseline"`
	Overspend float64 `json:"overspend"`
}

// SLOSplit is one SLO's downtime against what its budget allowed:
// allowed_minutes = (1 - objective) x minutes; overspend_minutes =
// max(0, downtime_minutes - allowed_minutes); its lost revenue's overspend
// is lost_revenue x overspend_minutes / downtime_minutes.
type SLOSplit struct {
	SLO       string  `json:"slo"`
	Objective float64 `json:"objective"`
	// Minutes is the length of the whole period, start to end: a period to
	// date is allowed its whole budget, as budget used counts it.
	Minutes          float64 `json:"minutes"`
	AllowedMinutes   float64 `json:"allowed_minutes"`
	DowntimeMinutes  float64 `json:"downtime_minutes"`
	OverspendMinutes float64 `json:"overspend_minutes"`
	// LostRevenue is null without a cost model.
	LostRevenue          *float64 `json:"lost_revenue"`
	LostRevenueOverspend *float64 `json:"lost_revenue_overspend"`
}

// CreditSplit is one month's SLA credit and which side it falls on.
type CreditSplit struct {
	Month        string  `json:"month"`
	Availability float64 `json:"availability"`
	Objective    float64 `json:"objective"`
	Amount       float64 `json:"amount"`
	Overspend    bool    `json:"overspend"`
}

// Risk is an SLO ranked by how soon it runs out of budget.
type Risk struct {
	Rank      int     `json:"rank"`
	Service   string  `json:"service"`
	SLO       string  `json:"slo"`
	Tier      string  `json:"tier"`
	Owner     Owner   `json:"owner"`
	Objective float64 `json:"objective"`
	Window    string  `json:"window"`
	// BudgetLeft is the share of the window's budget left (negative when
	// overspent); BudgetLeftMinutes the same in minutes.
	BudgetLeft        *float64 `json:"budget_left"`
	BudgetLeftMinutes *float64 `json:"budget_left_minutes"`
	// BurnRate1h is the burn rate over the last hour; null when the SLO
	// has no 1h alert window or no data in it.
	BurnRate1h *float64 `json:"burn_rate_1h"`
	// TimeToExhaustionSeconds is how long the budget left lasts at the 1h
	// burn rate; null when nothing burns or the budget is gone.
	TimeToExhaustionSeconds *float64 `json:"time_to_exhaustion_seconds"`
	Condition               string   `json:"condition"`
	Coverage                *float64 `json:"coverage"`
	// Reason says why it ranks where it does.
	Reason string `json:"reason"`
}

// TopRisks is how many SLOs the summary ranks as risks.
const TopRisks = 5

// LeaderGrids are the leader's tables: the trend, the baseline against the
// overspend per service, and the top risks. The narrow tables (wide false)
// fit 120 columns.
func LeaderGrids(s *Summary, wide bool) []Grid {
	var out []Grid
	if len(s.Trend) > 0 {
		out = append(out, trendGrid(s.Trend, wide))
	}
	out = append(out, splitGrid(s.BaselineOverspend, wide), risksGrid(s, wide))
	return out
}

// Name is a period's name, with "to date" while it runs.
func (p PeriodInfo) nameToDate() string {
	if p.ToDate || p.MeasuredTo.Before(p.End) {
		return p.Name + " to date"
	}
	return p.Name
}

func trendGrid(t []TrendPeriod, wide bool) Grid {
	curs := map[string]bool{}
	for _, p := range t {
		for _, c := range p.Totals {
			curs[c.Currency] = true
		}
	}
	var cs []string
	for c := range curs {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	g := Grid{
		Title:  fmt.Sprintf("Trend, the last %d periods", len(t)),
		Header: []string{"PERIOD", "COVERAGE", "SLOS MET", "AVAILABILITY", "INCIDENTS", "MTTR", "COST", "OVERSPEND"},
	}
	low := 0
	for _, p := range t {
		cov := Percent(p.Coverage, 0)
		if p.LowCoverage {
			cov += " LOW"
			low++
		}
		cost := map[string]float64{}
		for _, c := range p.Totals {
			cost[c.Currency] = c.Total
		}
		over := map[string]float64{}
		for _, c := range p.Split {
			over[c.Currency] = c.Overspend
		}
		g.Rows = append(g.Rows, []string{p.Period.nameToDate(), cov, fmt.Sprintf("%d/%d", p.Met, p.SLOs), optPercent(p.Availability, 3),
			fmt.Sprint(p.Incidents), optDuration(p.MTTRSeconds), moneyByCurrency(cost), moneyByCurrency(over)})
	}
	g.Notes = append(g.Notes, "COVERAGE is the share of each period its SLOs have data for; LOW (under the comparison threshold) marks figures not to compare.")
	if low > 0 {
		g.Notes = append(g.Notes, fmt.Sprintf("%d of %d periods have low coverage: their availability, incidents and cost count only what was measured.", low, len(t)))
	}
	if !wide {
		g.Notes = wrapNotes(g.Notes, NarrowWidth)
	}
	return g
}

func splitGrid(b BaselineOverspend, wide bool) Grid {
	g := Grid{
		Title:  "Baseline and overspend: cost within the error budgets and beyond them",
		Header: []string{"SERVICE", "DOWNTIME", "BEYOND BUDGET", "BASELINE", "OVERSPEND", "TOTAL", "OVERSPEND SHARE"},
	}
	for _, s := range b.Services {
		share := "-"
		if s.Total > 0 {
			share = Percent(s.Overspend/s.Total, 0)
		}
		g.Rows = append(g.Rows, []string{s.Service, minutesLabel(s.DowntimeMinutes), minutesLabel(s.OverspendMinutes),
			Money(s.Baseline, s.Currency), Money(s.Overspend, s.Currency), Money(s.Total, s.Currency), share})
	}
	for _, t := range b.Totals {
		share := "-"
		if t.Total > 0 {
			share = Percent(t.Overspend/t.Total, 0)
		}
		g.Rows = append(g.Rows, []string{"total " + t.Currency, "", "", Money(t.Baseline, t.Currency), Money(t.Overspend, t.Currency), Money(t.Total, t.Currency), share})
	}
	if len(b.Services) == 0 {
		g.Notes = append(g.Notes, "No cost: no service has a cost model.")
	}
	g.Notes = append(g.Notes, "Per SLO, downtime up to (1 - objective) x the whole period's minutes is within the budget and the rest beyond it; "+
		"lost revenue splits by those minutes, labor and opportunity by the service's share of minutes beyond budget, "+
		"and an SLA credit is overspend when its month's availability was below the objective (docs/cost.md, Baseline and overspend).")
	if !wide {
		g.Notes = wrapNotes(g.Notes, NarrowWidth)
	}
	return g
}

// minutesLabel is a number of minutes as a duration.
func minutesLabel(m float64) string { return Duration(time.Duration(m * float64(time.Minute))) }

func risksGrid(s *Summary, wide bool) Grid {
	g := Grid{
		Title:  "Top risks at " + s.RisksAt.UTC().Format("2006-01-02 15:04 UTC"),
		Header: []string{"RANK", "SERVICE", "SLO", "WINDOW", "BUDGET LEFT", "BURN 1H", "EXHAUSTED IN", "CONDITION", "OWNER", "WHY"},
	}
	for _, r := range s.TopRisks {
		burn := "-"
		if r.BurnRate1h != nil {
			burn = Float(*r.BurnRate1h, 1) + "x"
		}
		g.Rows = append(g.Rows, []string{fmt.Sprint(r.Rank), r.Service, r.SLO, r.Window, optPercent(r.BudgetLeft, 1), burn,
			optDuration(r.TimeToExhaustionSeconds), r.Condition, ownerLabel(r.Owner), r.Reason})
	}
	if len(s.TopRisks) == 0 {
		g.Notes = append(g.Notes, "No SLO has data to rank.")
	}
	if s.Unranked > 0 {
		g.Notes = append(g.Notes, fmt.Sprintf("%s without data not ranked.", plural(s.Unranked, "SLO")))
	}
	g.Notes = append(g.Notes, "Ranked by budget gone first, then by time to exhaustion at the 1h burn rate, then by budget left; each SLO over its own window.")
	if s.Advice != nil {
		g.Notes = append(g.Notes, s.Advice.Line())
	}
	if !wide {
		g = dropColumns(g, 8, 9)
		g.Notes = wrapNotes(g.Notes, NarrowWidth)
		g.Notes = append(g.Notes, wideNote("the risks' owners and reasons"))
	}
	return g
}

// writeNarrative writes the narrative as a Markdown paragraph.
func writeNarrative(b *strings.Builder, s *Summary) {
	if s.Narrative == "" {
		return
	}
	fmt.Fprintf(b, "%s\n\n", mdEscape(s.Narrative))
}

// plural is "1 SLO" or "3 SLOs".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
