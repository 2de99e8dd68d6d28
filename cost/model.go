package cost

import (
	"time"

	"github.com/nines-sre/nines/budget"
)

// Model is the cost model of a service: its tier's `cost:` section with the
// service's overrides merged in. Ratios are in [0, 1]; amounts are in
// Currency. The zero Model prices nothing (Configured is false).
type Model struct {
	// Currency is an ISO 4217 code such as EUR or USD.
	Currency    string
	Revenue     Revenue
	Responders  []Role
	SLA         SLA
	Opportunity Opportunity
}

// Configured reports whether the model prices anything: it has a currency,
// which the spec requires as soon as an amount is given.
func (m Model) Configured() bool { return m.Currency != "" }

// Revenue is the revenue that flows through a service.
type Revenue struct {
	// PerMinute is the revenue per minute, when given directly.
	PerMinute float64
	// PerYear is the annual revenue, when given instead of PerMinute.
	PerYear float64
	// Share is the fraction of that revenue that flows through the service.
	Share float64
	// Recovery is the fraction of failed purchases that succeed on a later
	// retry, and so are not lost.
	Recovery float64
	// Impact is, per SLO name, the fraction of a bad event that loses
	// revenue (a slow page may still sell); an SLO not listed has 1.
	Impact map[string]float64
}

// RatePerMinute is PerMinute, or PerYear divided by the minutes in a year
// under the Gregorian convention (525,949.2).
func (r Revenue) RatePerMinute() float64 {
	if r.PerMinute > 0 {
		return r.PerMinute
	}
	return r.PerYear / budget.Year.Minutes()
}

// ImpactOf is the revenue impact of the named SLO: 1 unless listed.
func (r Revenue) ImpactOf(slo string) float64 {
	if v, ok := r.Impact[slo]; ok {
		return v
	}
	return 1
}

// Role is one group of responders pulled into incidents (support,
// engineering, management, PR/marketing, sales).
type Role struct {
	Name string
	// People is how many people of the role an incident pulls in.
	People float64
	// HourlyRate is the loaded cost of one person-hour.
	HourlyRate float64
	// HoursPerIncident is each person's fixed time per incident (triage,
	// post-mortem, customer follow-up).
	HoursPerIncident float64
	// HoursPerOutageHour is each person's time per hour of outage.
	HoursPerOutageHour float64
}

// RoleNamed returns the role called name.
func (m Model) RoleNamed(name string) (Role, bool) {
	for _, r := range m.Responders {
		if r.Name == name {
			return r, true
		}
	}
	return Role{}, false
}

// SLA is a contract that pays credits when a calendar month's availability
// falls below a band.
type SLA struct {
	// MonthlyContractValue is the monthly value of the contracts at risk.
	MonthlyContractValue float64
	// SLO names the SLO whose availability the contract measures; empty
	// means the service's first SLO.
	SLO string
	// Credits are the bands, highest threshold first.
	Credits []CreditBand
}

// CreditBand pays Credit (a fraction of the monthly contract value) when a
// month's availability is below Below (a ratio).
type CreditBand struct {
	Below  float64
	Credit float64
}

// Band returns the band that applies to availability: the one with the
// largest credit among those whose threshold availability is below. ok is
// false when none applies.
func (s SLA) Band(availability float64) (b CreditBand, ok bool) {
	for _, c := range s.Credits {
		if availability < c.Below && (!ok || c.Credit > b.Credit) {
			b, ok = c, true
		}
	}
	return b, ok
}

// Opportunity is the value of the work an incident diverts.
type Opportunity struct {
	// HoursPerIncident is the engineering hours diverted by one incident.
	HoursPerIncident float64
	// HourlyValue is the value of one engineering hour.
	HourlyValue float64
}

// DowntimeMinutes is the downtime-equivalent minutes of an error ratio held
// over span: errorRatio x minutes. For request SLIs the ratio is bad events
// over total events, so a partial degradation counts in proportion; for
// probe SLIs it is failed probes over probes, so the result is the bad
// minutes.
func DowntimeMinutes(errorRatio float64, span time.Duration) float64 {
	return errorRatio * span.Minutes()
}
