package report

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// ServiceStatus is one service as a status page shows it (status -o json).
type ServiceStatus struct {
	Service string `json:"service"`
	Tier    string `json:"tier"`
	Owner   Owner  `json:"owner"`
	// Status is operational, degraded, outage, no_data or error: the worst of
	// its SLOs' conditions.
	Status string      `json:"status"`
	SLOs   []SLOStatus `json:"slos"`
}

// StatusReport is the JSON document of `nines status -o json`.
type StatusReport struct {
	At       time.Time       `json:"at"`
	Source   string          `json:"source"`
	Services []ServiceStatus `json:"services"`
	// Stats is the cost of the queries sent, with --stats only.
	Stats *QueryStats `json:"stats,omitempty"`
}

// conditionRank orders conditions from worst to best.
var conditionRank = map[string]int{"outage": 0, "degraded": 1, ConditionError: 2, ConditionNoData: 3, "operational": 4}

// ConditionRank orders conditions from worst (0) to best: outage, degraded,
// error, no data, operational.
func ConditionRank(c string) int { return conditionRank[c] }

// StatusGrid is the status table: a row per service. The narrow table (wide
// false) fits 120 columns: the first detail of each service with how many
// more there are, and no owner; the wide one has every detail and the owner.
func StatusGrid(svcs []ServiceStatus, wide bool) Grid {
	g := Grid{Header: []string{"SERVICE", "TIER", "STATUS", "DETAIL", "OWNER"}}
	if !wide {
		g.Header = g.Header[:4]
	}
	dropped := false
	for _, s := range svcs {
		var detail []string
		slos := append([]SLOStatus(nil), s.SLOs...)
		sort.SliceStable(slos, func(i, j int) bool { return conditionRank[slos[i].Condition] < conditionRank[slos[j].Condition] })
		for _, x := range slos {
			if x.Condition == "operational" {
				if x.BudgetLeft != nil && *x.BudgetLeft <= 0 {
					detail = append(detail, fmt.Sprintf("%s budget exhausted (%s left)", x.SLO, Percent(*x.BudgetLeft, 1)))
				}
				continue
			}
			d := x.SLO + " " + strings.ReplaceAll(x.Condition, "_", " ")
			if f := x.Firing(); len(f) > 0 {
				d += " (" + f[0] + ")"
			} else if x.Condition == "degraded" && len(x.BurnRates) > 0 && x.BurnRates[0].BurnRate != nil {
				d += fmt.Sprintf(" (burning %sx over %s)", Float(*x.BurnRates[0].BurnRate, 1), x.BurnRates[0].Window)
			}
			detail = append(detail, d)
		}
		if len(detail) == 0 {
			n := "SLOs"
			if len(s.SLOs) == 1 {
				n = "SLO"
			}
			detail = []string{fmt.Sprintf("%d %s within budget", len(s.SLOs), n)}
		}
		if wide {
			g.Rows = append(g.Rows, []string{s.Service, s.Tier, strings.ReplaceAll(s.Status, "_", " "), strings.Join(detail, "; "), ownerLabel(s.Owner)})
			continue
		}
		d := clip(detail[0], narrowDetail)
		if len(detail) > 1 {
			d += fmt.Sprintf(" +%d more", len(detail)-1)
		}
		dropped = dropped || len(detail) > 1 || d != detail[0] || ownerLabel(s.Owner) != ""
		g.Rows = append(g.Rows, []string{s.Service, s.Tier, strings.ReplaceAll(s.Status, "_", " "), d})
	}
	g.Notes = append(g.Notes, ceilingNotes(statusSLOs(svcs), wide)...)
	if n := PathNote(statusSLOs(svcs)); n != "" {
		g.Notes = append(g.Notes, n)
	}
	g.Notes = append(g.Notes, AdjustmentNotes(statusSLOs(svcs))...)
	if dropped {
		g.Notes = append(g.Notes, wideNote("every SLO's detail and the owner"))
	}
	return g
}

// narrowDetail is the most characters of a detail in the narrow status
// table.
const narrowDetail = 60

// Grids implements Tabular: the status table.
func (r *StatusReport) Grids(o GridOptions) []Grid {
	return withStats([]Grid{StatusGrid(r.Services, o.Wide)}, r.Stats)
}
