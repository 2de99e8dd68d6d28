package cost

import (
	"fmt"
	"time"

	"github.com/nines-sre/nines/slo"
)

// RevenueLine is the revenue lost to one SLO's bad events, with the inputs of
// Amount = PerMinute x Share x Impact x DowntimeMinutes x (1 - Recovery).
type RevenueLine struct {
	SLO             string
	DowntimeMinutes float64
	PerMinute       float64
	Share           float64
	Impact          float64
	Recovery        float64
	Amount          float64
}

// LostRevenue prices downtimeMinutes (downtime-equivalent) of the named SLO
// under model m.
func LostRevenue(m slo.CostModel, name string, downtimeMinutes float64) RevenueLine {
	return lostRevenue(m, name, downtimeMinutes, m.Revenue.ImpactOf(name))
}

func lostRevenue(m slo.CostModel, name string, downtimeMinutes, impact float64) RevenueLine {
	l := RevenueLine{
		SLO:             name,
		DowntimeMinutes: downtimeMinutes,
		PerMinute:       RatePerMinute(m.Revenue),
		Share:           m.Revenue.Share,
		Impact:          impact,
		Recovery:        m.Revenue.Recovery,
	}
	l.Amount = l.PerMinute * l.Share * l.Impact * l.DowntimeMinutes * (1 - l.Recovery)
	return l
}

// LaborLine is the labor of one role on one incident, with the inputs of
// Amount = People x Hours x HourlyRate. From the model, Hours is
// HoursPerIncident + HoursPerOutageHour x OutageHours; Stated lines come
// from an incidents file and carry Hours as given.
type LaborLine struct {
	Role               string
	People             float64
	Hours              float64
	HourlyRate         float64
	HoursPerIncident   float64
	HoursPerOutageHour float64
	OutageHours        float64
	Stated             bool
	Amount             float64
}

// PersonHours is People x Hours.
func (l LaborLine) PersonHours() float64 { return l.People * l.Hours }

// Labor prices under model m the responders of one incident that lasted outage. Without
// stated responders every role of the model works its hours per incident
// plus its hours per outage hour; stated responders replace the model's
// roles for the incident, at their own rate or, when they give none, the
// model's rate for the role. A stated role the model does not know needs a
// rate.
func Labor(m slo.CostModel, outage time.Duration, stated []slo.Responder) ([]LaborLine, error) {
	if stated == nil {
		lines := make([]LaborLine, 0, len(m.Responders))
		for _, r := range m.Responders {
			l := LaborLine{
				Role:               r.Name,
				People:             r.People,
				HourlyRate:         r.HourlyRate,
				HoursPerIncident:   r.HoursPerIncident,
				HoursPerOutageHour: r.HoursPerOutageHour,
				OutageHours:        outage.Hours(),
			}
			l.Hours = l.HoursPerIncident + l.HoursPerOutageHour*l.OutageHours
			l.Amount = l.People * l.Hours * l.HourlyRate
			lines = append(lines, l)
		}
		return lines, nil
	}
	lines := make([]LaborLine, 0, len(stated))
	for _, s := range stated {
		rate := s.HourlyRate
		if rate == 0 {
			r, ok := m.RoleNamed(s.Role)
			if !ok {
				return nil, fmt.Errorf("role %q has no hourly rate: the cost model does not define it, so give its rate", s.Role)
			}
			rate = r.HourlyRate
		}
		l := LaborLine{Role: s.Role, People: s.People, Hours: s.Hours, HourlyRate: rate, OutageHours: outage.Hours(), Stated: true}
		l.Amount = l.People * l.Hours * l.HourlyRate
		lines = append(lines, l)
	}
	return lines, nil
}

// OpportunityLine is the value of the engineering work one incident
// diverted: Amount = Hours x HourlyValue. Stated is set when the hours come
// from an incidents file.
type OpportunityLine struct {
	Hours       float64
	HourlyValue float64
	Stated      bool
	Amount      float64
}

// OpportunityCost prices under model m the work one incident diverts: the model's hours
// per incident, or hours when given.
func OpportunityCost(m slo.CostModel, hours *float64) OpportunityLine {
	l := OpportunityLine{Hours: m.Opportunity.HoursPerIncident, HourlyValue: m.Opportunity.HourlyValue}
	if hours != nil {
		l.Hours, l.Stated = *hours, true
	}
	l.Amount = l.Hours * l.HourlyValue
	return l
}

// CreditLine is the SLA credit of one calendar month, with the inputs of
// Amount = MonthlyContractValue x Rate x Share. Below and Rate are those of
// the band the availability fell below, zero when none applies; Share is the
// fraction of the month inside the period priced.
type CreditLine struct {
	Month                string
	Availability         float64
	Below                float64
	Rate                 float64
	MonthlyContractValue float64
	Share                float64
	Amount               float64
}

// Credit prices under model m the SLA credit of month given its measured availability and
// the fraction share of the month inside the period.
func Credit(m slo.CostModel, month string, availability, share float64) CreditLine {
	l := CreditLine{Month: month, Availability: availability, MonthlyContractValue: m.SLA.MonthlyContractValue, Share: share}
	if b, ok := Band(m.SLA, availability); ok {
		l.Below, l.Rate = b.Below, b.Credit
	}
	l.Amount = l.MonthlyContractValue * l.Rate * l.Share
	return l
}

// Breakdown is a cost by component, each a list of lines with their inputs.
type Breakdown struct {
	Currency    string
	Revenue     []RevenueLine
	Labor       []LaborLine
	Opportunity []OpportunityLine
	Credits     []CreditLine
}

// LostRevenue is the sum of the revenue lines.
func (b Breakdown) LostRevenue() float64 {
	var s float64
	for _, l := range b.Revenue {
		s += l.Amount
	}
	return s
}

// LaborCost is the sum of the labor lines.
func (b Breakdown) LaborCost() float64 {
	var s float64
	for _, l := range b.Labor {
		s += l.Amount
	}
	return s
}

// OpportunityCost is the sum of the opportunity lines.
func (b Breakdown) OpportunityCost() float64 {
	var s float64
	for _, l := range b.Opportunity {
		s += l.Amount
	}
	return s
}

// CreditCost is the sum of the SLA credit lines.
func (b Breakdown) CreditCost() float64 {
	var s float64
	for _, l := range b.Credits {
		s += l.Amount
	}
	return s
}

// Total is lost revenue + labor + opportunity + SLA credits.
func (b Breakdown) Total() float64 {
	return b.LostRevenue() + b.LaborCost() + b.OpportunityCost() + b.CreditCost()
}

// RoleTotal is the labor of one role summed over lines.
type RoleTotal struct {
	Role        string
	PersonHours float64
	Amount      float64
}

// LaborByRole sums the labor lines per role, in the order roles first appear.
func (b Breakdown) LaborByRole() []RoleTotal {
	var out []RoleTotal
	idx := map[string]int{}
	for _, l := range b.Labor {
		i, ok := idx[l.Role]
		if !ok {
			i = len(out)
			idx[l.Role] = i
			out = append(out, RoleTotal{Role: l.Role})
		}
		out[i].PersonHours += l.PersonHours()
		out[i].Amount += l.Amount
	}
	return out
}

// Incident prices under model m one incident that lasted outage: its revenue lines (one
// per SLO, measured over the incident), the labor of its responders (stated
// ones replace the model's) and the diverted work (opportunityHours replaces
// the model's hours per incident when not nil).
func Incident(m slo.CostModel, outage time.Duration, revenue []RevenueLine, stated []slo.Responder, opportunityHours *float64) (Breakdown, error) {
	labor, err := Labor(m, outage, stated)
	if err != nil {
		return Breakdown{}, err
	}
	return Breakdown{
		Currency:    m.Currency,
		Revenue:     revenue,
		Labor:       labor,
		Opportunity: []OpportunityLine{OpportunityCost(m, opportunityHours)},
	}, nil
}

// OutageSLO names the revenue line of a hypothetical outage of a whole
// service, as Outage prices it.
const OutageSLO = "(outage)"

// Outage prices under model m a hypothetical incident: the whole service failing at
// errorRatio for d, with the model's responders. Its lost revenue has impact
// 1; it owes no SLA credit by itself (credits depend on the month).
func Outage(m slo.CostModel, d time.Duration, errorRatio float64) Breakdown {
	b, _ := Incident(m, d, []RevenueLine{lostRevenue(m, OutageSLO, DowntimeMinutes(errorRatio, d), 1)}, nil, nil)
	return b
}

// Merge appends the lines of o to b. Totals add up; LaborByRole sums the
// labor per role.
func (b *Breakdown) Merge(o Breakdown) {
	b.Revenue = append(b.Revenue, o.Revenue...)
	b.Opportunity = append(b.Opportunity, o.Opportunity...)
	b.Credits = append(b.Credits, o.Credits...)
	b.Labor = append(b.Labor, o.Labor...)
}
