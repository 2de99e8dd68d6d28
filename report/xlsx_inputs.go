package report

import (
	"fmt"
	"strings"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// The Assumptions sheet: every input of the workbook's formulas, one a
// row, its value in column D. Cost cells elsewhere reference these cells,
// so editing one recalculates every figure that depends on it.

// Columns of the Assumptions sheet.
var inputCols = []column{
	{"Service", kText, 20}, {"Input", kText, 34}, {"Item", kText, 30}, {"Value", kFloat, 16}, {"Unit", kText, 10}, {"Note", kText, 60},
}

// inputValueCol is the column of the inputs' values (D).
const inputValueCol = 4

// inputs builds the Assumptions sheet and knows where each input is.
type inputs struct {
	rows           [][]cell
	minutesPerYear string
	models         map[string]*modelRefs
}

// modelRefs are the cells of one service's cost model.
type modelRefs struct {
	service   string
	m         slo.CostModel
	perMinute string
	share     string
	recovery  string
	impact    map[string]string
	roles     map[string]roleRefs
	oppHours  string
	oppValue  string
	contract  string
	bands     []bandRef
}

type roleRefs struct{ people, rate, hoursPerIncident, hoursPerOutageHour string }

type bandRef struct {
	band          slo.CreditBand
	below, credit string
}

// add appends an input row and returns the absolute reference of its value.
func (in *inputs) add(service, input, item string, v cell, unit, note string) string {
	in.rows = append(in.rows, []cell{text(service), text(input), text(item), v, text(unit), text(note)})
	return absRef(SheetAssumptions, inputValueCol, rowOf(len(in.rows)-1))
}

// value is an input cell of kind k.
func inputValue(v float64, k kind, cur string) cell {
	return cell{v: v, k: k, cur: cur, input: true}
}

// newInputs lists the inputs of every priced service's cost model: its
// revenue, the revenue impact of each of its SLOs, its responders, its
// opportunity cost and its SLA.
func newInputs(p *PeriodReport) *inputs {
	in := &inputs{models: map[string]*modelRefs{}}
	in.minutesPerYear = in.add("", "Minutes in a year", "", inputValue(budget.Year.Minutes(), kFloat, ""), "minutes", "365.2425 days, the Gregorian year: revenue per minute = revenue per year / this")
	slos := map[string][]SLOCost{}
	for _, s := range p.Cost.Services {
		slos[s.Service] = s.SLOs
	}
	for _, sm := range p.Models {
		m := sm.Model
		if !m.Configured() {
			in.rows = append(in.rows, []cell{text(sm.Service), text("Cost model"), {}, text("none"), {}, text("not priced")})
			continue
		}
		c, svc := m.Currency, sm.Service
		mr := &modelRefs{service: svc, m: m, impact: map[string]string{}, roles: map[string]roleRefs{}}
		if m.Revenue.PerMinute > 0 {
			mr.perMinute = in.add(svc, "Revenue per minute", "", inputValue(m.Revenue.PerMinute, kMoney, c), c, "")
		} else {
			year := in.add(svc, "Revenue per year", "", inputValue(m.Revenue.PerYear, kMoney, c), c, "")
			in.rows = append(in.rows, []cell{text(svc), text("Revenue per minute"), {},
				{v: sm.RatePerMinute, k: kMoney, cur: c, f: year + "/" + in.minutesPerYear}, text(c), text("a formula: revenue per year / minutes in a year")})
			mr.perMinute = absRef(SheetAssumptions, inputValueCol, rowOf(len(in.rows)-1))
		}
		mr.share = in.add(svc, "Revenue share", "", inputValue(m.Revenue.Share, kPct1, ""), "", "of the revenue through the service")
		mr.recovery = in.add(svc, "Recovery", "", inputValue(m.Revenue.Recovery, kPct1, ""), "", "of failed purchases that succeed on a retry")
		for _, o := range slos[svc] {
			mr.impact[o.SLO] = in.add(svc, "Revenue impact", o.SLO, inputValue(o.RevenueImpact, kPct1, ""), "", "of a bad event that loses revenue")
		}
		for _, r := range m.Responders {
			mr.roles[r.Name] = roleRefs{
				people:             in.add(svc, "Responders: people", r.Name, inputValue(r.People, kFloat, ""), "people", "per incident"),
				rate:               in.add(svc, "Responders: hourly rate", r.Name, inputValue(r.HourlyRate, kMoney, c), c, ""),
				hoursPerIncident:   in.add(svc, "Responders: hours per incident", r.Name, inputValue(r.HoursPerIncident, kFloat, ""), "hours", "each person, fixed"),
				hoursPerOutageHour: in.add(svc, "Responders: hours per outage hour", r.Name, inputValue(r.HoursPerOutageHour, kFloat, ""), "hours", "each person, per hour of outage"),
			}
		}
		mr.oppHours = in.add(svc, "Opportunity: hours per incident", "", inputValue(m.Opportunity.HoursPerIncident, kFloat, ""), "hours", "engineering hours diverted")
		mr.oppValue = in.add(svc, "Opportunity: value of an hour", "", inputValue(m.Opportunity.HourlyValue, kMoney, c), c, "")
		if m.SLA.MonthlyContractValue > 0 && len(m.SLA.Credits) > 0 {
			mr.contract = in.add(svc, "SLA: monthly contract value", sm.SLASLO, inputValue(m.SLA.MonthlyContractValue, kMoney, c), c, "the item is the SLO the SLA measures")
			for i, b := range m.SLA.Credits {
				band := fmt.Sprintf("band %d", i+1)
				mr.bands = append(mr.bands, bandRef{
					band:   b,
					below:  in.add(svc, "SLA: availability below", band, inputValue(b.Below, kPct3, ""), "", "a month strictly below it owes the band's credit"),
					credit: in.add(svc, "SLA: credit", band, inputValue(b.Credit, kPct1, ""), "", "of the monthly contract value; the largest applicable band counts"),
				})
			}
		}
		in.models[svc] = mr
	}
	return in
}

// impactOf is the reference of an SLO's revenue impact, added for an SLO
// the service's list did not have.
func (in *inputs) impactOf(mr *modelRefs, name string, impact float64) string {
	if r, ok := mr.impact[name]; ok {
		return r
	}
	r := in.add(mr.service, "Revenue impact", name, inputValue(impact, kPct1, ""), "", "of a bad event that loses revenue")
	mr.impact[name] = r
	return r
}

// lostRevenue is the formula of lost revenue for downtime minutes in the
// cell dt: revenue per minute x share x impact x minutes x (1 - recovery),
// in the order the pricing multiplies them.
func (mr *modelRefs) lostRevenue(impact, dt string) string {
	return fmt.Sprintf("%s*%s*%s*%s*(1-%s)", mr.perMinute, mr.share, impact, dt, mr.recovery)
}

// creditRate is the formula of the credit rate of an availability in the
// cell av: the largest credit among the bands it is strictly below, 0 when
// none.
func (mr *modelRefs) creditRate(av string) string {
	parts := []string{"0"}
	for _, b := range mr.bands {
		parts = append(parts, fmt.Sprintf("IF(%s<%s,%s,0)", av, b.below, b.credit))
	}
	return "MAX(" + strings.Join(parts, ",") + ")"
}

// bandBelow is the formula of the band an availability in the cell av fell
// below (the first with the credit rate in the cell rate), "none" when no
// band applies.
func (mr *modelRefs) bandBelow(av, rate string) string {
	f := `"none"`
	for i := len(mr.bands) - 1; i >= 0; i-- {
		b := mr.bands[i]
		f = fmt.Sprintf("IF(AND(%s<%s,%s=%s),%s,%s)", av, b.below, rate, b.credit, b.below, f)
	}
	return fmt.Sprintf(`IF(%s=0,"none",%s)`, rate, f)
}

// table is the Assumptions sheet's table.
func (in *inputs) table() table {
	t := newTable("Assumptions: every input of the workbook's formulas (edit the yellow cells)", inputCols, in.rows)
	t.notes = []string{
		"Every cost on the other sheets is a formula over these cells and the measured quantities (downtime minutes, outage hours, availability): edit a yellow cell and the totals follow.",
		"Rows for one incident (stated responders, hours that differ from the model) apply to that incident only; they come from the incidents file or the incident policy.",
	}
	return t
}

// sheetRef is a sheet's name as a formula writes it, quoted when needed.
func sheetRef(sheet string) string {
	for _, r := range sheet {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
		}
	}
	return sheet
}

// absRef is the absolute reference of a cell of another sheet: 'Sheet'!$D$5.
func absRef(sheet string, col, row int) string {
	return fmt.Sprintf("%s!$%s$%d", sheetRef(sheet), colName(col), row)
}

// colRange is a whole column of a sheet: 'Sheet'!$D:$D.
func colRange(sheet string, col int) string {
	c := colName(col)
	return fmt.Sprintf("%s!$%s:$%s", sheetRef(sheet), c, c)
}
