package report

import (
	"fmt"
	"slices"
	"time"
)

// book is the workbook built before it is written: every table, with the
// formulas that tie its cost cells to the Assumptions sheet, and where the
// Summary finds its figures.
type book struct {
	p   *PeriodReport
	r   *CostReport
	loc *time.Location
	in  *inputs

	tiers, services, sloMonths, incidents, incRevenue, incLabor table
	cost, roles, slaMonths, daily, assumptions, method          table

	// costRows are the Cost sheet's rows: a row per priced service, then a
	// total row per currency (totalRow).
	costRows []costRow
	totalRow map[string]int
	// sla are the SLA months, with their rows on the SLA months sheet.
	sla []slaRow
}

type costRow struct {
	s   ServiceCost
	row int
}

type slaRow struct {
	m   SLAMonth
	row int
}

// col is the 1-based column of the named column, 0 if there is none.
func (t table) col(name string) int {
	for i, c := range t.cols {
		if c.name == name {
			return i + 1
		}
	}
	return 0
}

// withRows replaces a table's rows, passing each through fn with its
// index, now: fn may add inputs, which must all be known before the
// Assumptions sheet is built.
func (t table) withRows(fn func(i int, row []cell) []cell) table {
	var rows [][]cell
	for r := range t.rows {
		rows = append(rows, fn(len(rows), r))
	}
	t.rows, t.n = rowsOf(rows), len(rows)
	return t
}

// zoned names the time zone in the header of every time and date column.
func (t table) zoned(zone string) table {
	cols := slices.Clone(t.cols)
	for i, c := range cols {
		if c.kind == kTime || c.kind == kDate {
			cols[i].name = fmt.Sprintf("%s (%s)", c.name, zone)
		}
	}
	t.cols = cols
	return t
}

// formula gives a cell a formula, keeping its value as the cached result.
func formula(c cell, f string) cell {
	c.f = f
	return c
}

// cellAt is a same-sheet relative reference: D5.
func cellAt(col, row int) string { return cellName(col, row) }

func newBook(p *PeriodReport, loc *time.Location) *book {
	r := p.Cost
	b := &book{p: p, r: r, loc: loc, in: newInputs(p), totalRow: map[string]int{}}
	zone := r.Period.TimeZone
	if zone == "" {
		zone = "UTC"
	}
	b.services = b.servicesSheet()
	b.incRevenue = b.incidentRevenueSheet()
	b.incLabor = b.incidentLaborSheet()
	b.incidents = b.incidentsSheet().zoned(zone)
	b.slaMonths = b.slaMonthsSheet(zone)
	b.cost, b.roles = b.costSheets()
	b.tiers = b.tiersSheet()
	b.sloMonths = sloMonthsTable(r, zone)
	b.daily = dailyTable(r).zoned(zone)
	// Nothing under the Daily rows, which can be millions: the notes say
	// where its figures come from in the text formats and docs/cost.md.
	b.daily.notes = nil
	method, _, _, _ := assumptionTables(p.Models, r)
	method.title = "Method: the period, the conventions and the formulas"
	b.method = method
	b.assumptions = b.in.table()
	return b
}

// servicesSheet is the SLO table; each lost revenue is a formula over the
// Assumptions and the SLO's downtime minutes.
func (b *book) servicesSheet() table {
	t := servicesTable(b.r)
	type slo struct {
		s ServiceCost
		o SLOCost
	}
	var list []slo
	for _, s := range b.r.Services {
		for _, o := range s.SLOs {
			list = append(list, slo{s, o})
		}
	}
	lost, impact, dt := t.col("Lost revenue"), t.col("Revenue impact"), t.col("Downtime (min)")
	return t.withRows(func(i int, row []cell) []cell {
		s, o := list[i].s, list[i].o
		mr := b.in.models[s.Service]
		if mr == nil {
			return row
		}
		ref := b.in.impactOf(mr, o.SLO, o.RevenueImpact)
		row[impact-1] = formula(row[impact-1], ref)
		if o.LostRevenue != nil && row[dt-1].v != nil {
			row[lost-1] = formula(row[lost-1], mr.lostRevenue(ref, cellAt(dt, rowOf(i))))
		}
		return row
	})
}

// incidentID is the incident's name in the workbook: its ID, with the
// start in the report's time zone (as the Start column shows it) when the
// ID is the service and the start in UTC.
func (b *book) incidentID(i IncidentCost) string {
	if i.ID == i.Service+"/"+i.Start.UTC().Format("2006-01-02T15:04Z") {
		return i.Service + "/" + i.Start.In(b.loc).Format("2006-01-02T15:04Z07:00")
	}
	return i.ID
}

// incidentRevenueSheet is a row per incident and SLO: the SLO's downtime
// minutes during the incident and their lost revenue.
func (b *book) incidentRevenueSheet() table {
	cols := []column{{"Incident", kText, 34}, {"Service", kText, 20}, {"SLO", kText, 16}, {"Downtime (min)", kMinutes, 14}, {"Lost revenue", kMoney, 14}}
	var rows [][]cell
	for _, i := range b.r.Incidents {
		mr := b.in.models[i.Service]
		if i.Cost == nil || mr == nil {
			continue
		}
		for _, l := range i.Cost.Revenue {
			ref := b.in.impactOf(mr, l.SLO, l.Impact)
			n := rowOf(len(rows))
			rows = append(rows, []cell{text(b.incidentID(i)), text(i.Service), text(l.SLO), numCell(l.DowntimeMinutes),
				formula(moneyCell(l.Amount, i.Cost.Currency), mr.lostRevenue(ref, cellAt(4, n)))})
		}
	}
	t := newTable("Lost revenue of each incident, per SLO", cols, rows)
	t.notes = []string{"Lost revenue = revenue per minute x share x impact x downtime minutes x (1 - recovery), from the Assumptions sheet."}
	return t
}

// Columns of the Incident labor sheet.
var laborCols = []column{
	{"Incident", kText, 34}, {"Service", kText, 20}, {"Role", kText, 16}, {"Basis", kText, 22},
	{"People", kFloat, 8}, {"Hourly rate", kMoney, 12}, {"Hours per incident", kFloat, 10}, {"Hours per outage hour", kFloat, 10},
	{"Outage hours", kFloat, 10}, {"Hours each", kFloat, 10}, {"Person-hours", kFloat, 12}, {"Labor", kMoney, 14},
}

// incidentLaborSheet is a row per incident and role. People, rate and
// hours reference the service's responders on the Assumptions sheet; the
// responders an incidents file states, and hours that differ from the
// model's for one incident, are inputs of their own there.
func (b *book) incidentLaborSheet() table {
	var rows [][]cell
	for _, i := range b.r.Incidents {
		mr := b.in.models[i.Service]
		if i.Cost == nil || mr == nil {
			continue
		}
		id, c := b.incidentID(i), i.Cost.Currency
		for _, l := range i.Cost.LaborLines {
			n := rowOf(len(rows))
			role, known := mr.roles[l.Role]
			model, _ := mr.m.RoleNamed(l.Role)
			item := id + " " + l.Role
			// ref is the model's cell when the line uses the model's value,
			// else an input of its own for this incident.
			ref := func(modelRef string, modelValue, v float64, input string, k kind, cur, unit string) cell {
				out := cell{v: v, k: k, cur: cur}
				if known && modelValue == v {
					out.f = modelRef
				} else {
					out.f = b.in.add(i.Service, input, item, inputValue(v, k, cur), unit, "this incident only")
				}
				return out
			}
			var people, rate, perIncident, perHour cell
			basis := "model"
			if l.Stated {
				basis = "incidents file"
				people = cell{v: l.People, f: b.in.add(i.Service, "Stated responders: people", item, inputValue(l.People, kFloat, ""), "people", "incidents file")}
				perIncident = cell{v: l.HoursEach, f: b.in.add(i.Service, "Stated responders: hours", item, inputValue(l.HoursEach, kFloat, ""), "hours", "incidents file: each person's hours")}
				perHour = numCell(0)
				if known && model.HourlyRate == l.HourlyRate {
					rate = cell{v: l.HourlyRate, cur: c, f: role.rate}
				} else {
					rate = cell{v: l.HourlyRate, cur: c, f: b.in.add(i.Service, "Stated responders: hourly rate", item, inputValue(l.HourlyRate, kMoney, c), c, "incidents file")}
				}
			} else {
				people = ref(role.people, model.People, l.People, "Incident responders: people", kFloat, "", "people")
				rate = ref(role.rate, model.HourlyRate, l.HourlyRate, "Incident responders: hourly rate", kMoney, c, c)
				perIncident = ref(role.hoursPerIncident, model.HoursPerIncident, l.HoursPerIncident, "Incident responders: hours per incident", kFloat, "", "hours")
				perHour = ref(role.hoursPerOutageHour, model.HoursPerOutageHour, l.HoursPerOutageHour, "Incident responders: hours per outage hour", kFloat, "", "hours")
				if !known || model.People != l.People || model.HourlyRate != l.HourlyRate || model.HoursPerIncident != l.HoursPerIncident || model.HoursPerOutageHour != l.HoursPerOutageHour {
					basis = "model, adjusted"
				}
			}
			if i.Planned {
				basis += ", planned"
			}
			rows = append(rows, []cell{text(id), text(i.Service), text(l.Role), text(basis),
				people, rate, perIncident, perHour, numCell(l.OutageHours),
				formula(numCell(l.HoursEach), fmt.Sprintf("%s+%s*%s", cellAt(7, n), cellAt(8, n), cellAt(9, n))),
				formula(numCell(l.People*l.HoursEach), fmt.Sprintf("%s*%s", cellAt(5, n), cellAt(10, n))),
				formula(moneyCell(l.Amount, c), fmt.Sprintf("%s*%s*%s", cellAt(5, n), cellAt(10, n), cellAt(6, n)))})
		}
	}
	t := newTable("Labor of each incident, per role", laborCols, rows)
	t.notes = []string{"Labor = people x (hours per incident + hours per outage hour x outage hours) x hourly rate; a role the incidents file states works its stated hours."}
	return t
}

// incidentsSheet is the incident table; its lost revenue and labor sum the
// incident's lines, its opportunity is hours x value from the Assumptions.
func (b *book) incidentsSheet() table {
	t := incidentsTable(b.r)
	id, lost, labor, opp, total := t.col("Incident"), t.col("Lost revenue"), t.col("Labor"), t.col("Opportunity"), t.col("Total")
	return t.withRows(func(n int, row []cell) []cell {
		i := b.r.Incidents[n]
		row[id-1] = text(b.incidentID(i))
		mr := b.in.models[i.Service]
		if i.Cost == nil || mr == nil {
			return row
		}
		r := rowOf(n)
		row[lost-1] = formula(row[lost-1], fmt.Sprintf("SUMIFS(%s,%s,%s)", colRange(SheetIncidentRevenue, 5), colRange(SheetIncidentRevenue, 1), cellAt(id, r)))
		row[labor-1] = formula(row[labor-1], fmt.Sprintf("SUMIFS(%s,%s,%s)", colRange(SheetIncidentLabor, 12), colRange(SheetIncidentLabor, 1), cellAt(id, r)))
		d := i.Cost.Diverted
		hours, value := mr.oppHours, mr.oppValue
		item := b.incidentID(i)
		if d.Hours != mr.m.Opportunity.HoursPerIncident {
			hours = b.in.add(i.Service, "Opportunity hours of an incident", item, inputValue(d.Hours, kFloat, ""), "hours", "this incident only (incidents file or incident policy)")
		}
		if d.HourlyValue != mr.m.Opportunity.HourlyValue {
			value = b.in.add(i.Service, "Opportunity: value of an hour", item, inputValue(d.HourlyValue, kMoney, i.Cost.Currency), i.Cost.Currency, "this incident only")
		}
		row[opp-1] = formula(row[opp-1], hours+"*"+value)
		row[total-1] = formula(row[total-1], fmt.Sprintf("%s+%s+%s", cellAt(lost, r), cellAt(labor, r), cellAt(opp, r)))
		return row
	})
}

// slaMonthsOf are the report's SLA months; before they were reported on
// their own, the services' credit lines.
func slaMonthsOf(p *PeriodReport) []SLAMonth {
	if len(p.Cost.SLAMonths) > 0 {
		return p.Cost.SLAMonths
	}
	slaSLO := map[string]string{}
	for _, m := range p.Models {
		slaSLO[m.Service] = m.SLASLO
	}
	var out []SLAMonth
	for _, s := range p.Cost.Services {
		if s.Cost == nil {
			continue
		}
		for _, c := range s.Cost.Credits {
			av := c.Availability
			out = append(out, SLAMonth{Service: s.Service, SLO: slaSLO[s.Service], Month: c.Month, Currency: s.Currency,
				Availability: &av, Coverage: -1, BandBelow: c.BandBelow, CreditRate: c.CreditRate,
				MonthlyContractValue: c.MonthlyContractValue, Share: c.MonthShare, Credit: c.Amount})
		}
	}
	return out
}

// slaMonthsSheet is a row per SLA and calendar month: the band, rate and
// credit are formulas over the month's availability and the SLA's bands.
func (b *book) slaMonthsSheet(zone string) table {
	cols := []column{
		{"Service", kText, 20}, {"SLO", kText, 16}, {"Month (" + zone + ")", kText, 12}, {"Currency", kText, 9},
		{"Availability", kPct3, 13}, {"Coverage", kPct1, 10}, {"Band below", kPct3, 12}, {"Credit rate", kPct1, 10},
		{"Monthly contract value", kMoney, 16}, {"Month share", kPct1, 10}, {"Credit", kMoney, 14},
	}
	var rows [][]cell
	for _, m := range slaMonthsOf(b.p) {
		n := rowOf(len(rows))
		cov := numCell(m.Coverage)
		if m.Coverage < 0 {
			cov = cell{}
		}
		row := []cell{text(m.Service), text(m.SLO), text(m.Month), text(m.Currency), optNum(m.Availability), cov,
			text("none"), numCell(m.CreditRate), moneyCell(m.MonthlyContractValue, m.Currency), numCell(m.Share), moneyCell(m.Credit, m.Currency)}
		if m.BandBelow != nil {
			row[6] = numCell(*m.BandBelow)
		}
		mr := b.in.models[m.Service]
		switch {
		case m.Availability == nil:
			row[6] = text("no data")
		case mr != nil && len(mr.bands) > 0:
			av, rate := cellAt(5, n), cellAt(8, n)
			row[6] = formula(row[6], mr.bandBelow(av, rate))
			row[7] = formula(row[7], mr.creditRate(av))
			row[8] = formula(row[8], mr.contract)
			row[10] = formula(row[10], fmt.Sprintf("%s*%s*%s", cellAt(9, n), cellAt(8, n), cellAt(10, n)))
		}
		b.sla = append(b.sla, slaRow{m: m, row: n})
		rows = append(rows, row)
	}
	t := newTable("SLA credits per calendar month", cols, rows)
	t.notes = []string{"Credit = monthly contract value x credit rate x the share of the month inside the period; the credit rate is the largest credit among the bands the month's availability is strictly below (Assumptions)."}
	if len(rows) == 0 {
		t.notes = append(t.notes, "No service has an SLA with credit bands.")
	}
	return t
}

// costSheets are the cost by component per service with a total per
// currency, and the labor per service and role: sums of the lines on the
// other sheets.
func (b *book) costSheets() (components, roles table) {
	components, roles, _ = costTables(b.r)
	var priced []ServiceCost
	for _, s := range b.r.Services {
		if s.Cost != nil {
			priced = append(priced, s)
		}
	}
	for i, s := range priced {
		b.costRows = append(b.costRows, costRow{s: s, row: rowOf(i)})
	}
	for i, t := range b.r.Totals {
		b.totalRow[t.Currency] = rowOf(len(priced) + i)
	}
	svcLost := b.services.col("Lost revenue")
	incSvc, incOpp := b.incidents.col("Service"), b.incidents.col("Opportunity")
	firstSvc, lastSvc := firstRow, rowOf(max(len(priced)-1, 0))
	components = components.withRows(func(i int, row []cell) []cell {
		r := rowOf(i)
		if i < len(priced) {
			name := cellAt(1, r)
			row[3] = formula(row[3], fmt.Sprintf("SUMIFS(%s,%s,%s)", colRange(SheetServices, svcLost), colRange(SheetServices, 1), name))
			row[4] = formula(row[4], fmt.Sprintf("SUMIFS(%s,%s,%s)", colRange(SheetIncidentLabor, 12), colRange(SheetIncidentLabor, 2), name))
			row[5] = formula(row[5], fmt.Sprintf("SUMIFS(%s,%s,%s)", colRange(SheetIncidents, incOpp), colRange(SheetIncidents, incSvc), name))
			row[6] = formula(row[6], fmt.Sprintf("SUMIFS(%s,%s,%s)", colRange(SheetSLAMonths, 11), colRange(SheetSLAMonths, 1), name))
			row[7] = formula(row[7], fmt.Sprintf("%s+%s+%s+%s", cellAt(4, r), cellAt(5, r), cellAt(6, r), cellAt(7, r)))
			return row
		}
		for c := 4; c <= 8; c++ {
			col := colName(c)
			row[c-1] = formula(row[c-1], fmt.Sprintf("SUMIFS(%s$%d:%s$%d,$C$%d:$C$%d,$C%d)", col, firstSvc, col, lastSvc, firstSvc, lastSvc, r))
		}
		return row
	})
	components.notes = []string{"Lost revenue sums the SLOs' lost revenue (Services), labor the incidents' labor (Incident labor), opportunity the incidents' (Incidents), SLA credits the months' (SLA months)."}
	roles = roles.withRows(func(i int, row []cell) []cell {
		r := rowOf(i)
		crit := fmt.Sprintf("%s,%s,%s,%s", colRange(SheetIncidentLabor, 2), cellAt(1, r), colRange(SheetIncidentLabor, 3), cellAt(2, r))
		row[2] = formula(row[2], fmt.Sprintf("SUMIFS(%s,%s)", colRange(SheetIncidentLabor, 11), crit))
		row[3] = formula(row[3], fmt.Sprintf("SUMIFS(%s,%s)", colRange(SheetIncidentLabor, 12), crit))
		return row
	})
	return components, roles
}

// tiersSheet is a row per tier; its cost per currency sums its services'
// totals on the Cost sheet.
func (b *book) tiersSheet() table {
	t := summaryTable(b.p.Tiers, b.r)
	t.title = "Tiers, " + b.r.Period.PeriodLabel()
	curs := b.r.Currencies()
	first := len(t.cols) - len(curs) + 1
	n := len(b.costRows)
	if n == 0 {
		return t
	}
	lo, hi := firstRow, rowOf(n-1)
	rng := func(col int) string {
		c := colName(col)
		return fmt.Sprintf("%s!$%s$%d:$%s$%d", sheetRef(SheetCost), c, lo, c, hi)
	}
	return t.withRows(func(i int, row []cell) []cell {
		for j, cur := range curs {
			c := first + j - 1
			if row[c].v == nil {
				continue
			}
			row[c] = formula(row[c], fmt.Sprintf(`SUMIFS(%s,%s,%s,%s,"%s")`, rng(8), rng(2), cellAt(1, rowOf(i)), rng(3), cur))
		}
		return row
	})
}

// sloMonthsTable is a row per SLO and calendar month, for the SLOs with a
// monthly window priced over a longer period.
func sloMonthsTable(r *CostReport, zone string) table {
	cols := []column{
		{"Service", kText, 20}, {"SLO", kText, 16}, {"Objective", kPct3, 11}, {"Month (" + zone + ")", kText, 12},
		{"State", kText, 12}, {"Availability", kPct3, 13}, {"Budget used", kPct1, 12}, {"Met", kText, 8}, {"Coverage", kPct1, 10},
	}
	var rows [][]cell
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			for _, m := range o.Months {
				met := cell{}
				if m.Met != nil {
					met = text("yes")
					if !*m.Met {
						met = text("MISSED")
					}
				}
				rows = append(rows, []cell{text(s.Service), text(o.SLO), numCell(o.Objective), text(m.Month), text(m.DataState),
					optNum(m.Availability), optNum(m.BudgetUsed), met, numCell(m.Coverage)})
			}
		}
	}
	t := newTable("SLOs with a monthly window, month by month", cols, rows)
	t.notes = []string{"A monthly SLO is met over a longer period only if every month with data met its objective."}
	if len(rows) == 0 {
		t.notes = append(t.notes, "No SLO with a monthly window is priced over more than a month.")
	}
	return t
}
