package slo

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The cost model's section of the spec: `cost:` in a tier (defaults) and in a
// service file (overrides). Owned by the cost work; load.go calls checkCost.
//
//	cost:
//	  currency: EUR                  # ISO 4217; required once any amount is given
//	  revenue:
//	    per_year: 120000000          # or per_minute: 228.2
//	    share: 60                    # percent of that revenue through the service
//	    recovery: 30                 # percent of failed purchases retried successfully
//	    impact: {latency: 20}        # percent of a bad event that loses revenue, per SLO (default 100)
//	  responders:                    # merged by role: a service overrides the fields it sets
//	    - {role: engineering, people: 3, rate: 120, hours_per_incident: 2, hours_per_outage_hour: 1.5}
//	  sla:
//	    monthly_contract_value: 250000
//	    slo: availability            # service files only; default the service's first SLO
//	    credits:                     # replaces the tier's list
//	      - {below: 99.99, credit: 10}
//	  opportunity:
//	    hours_per_incident: 16
//	    hourly_value: 200
//
// A service that sets a currency other than its tier's inherits nothing of the
// tier's cost model: the tier's amounts are in another currency.
//
// The model's types are data only, as the spec states them; the arithmetic
// that prices downtime with them lives in package cost, which imports slo.

// CostModel is the cost model of a service: its tier's `cost:` section with
// the service's overrides merged in. Ratios are in [0, 1]; amounts are in
// Currency. The zero CostModel prices nothing (Configured is false).
type CostModel struct {
	// Currency is an ISO 4217 code such as EUR or USD.
	Currency    string
	Revenue     Revenue
	Responders  []Role
	SLA         SLA
	Opportunity Opportunity
}

// Configured reports whether the model prices anything: it has a currency,
// which the spec requires as soon as an amount is given.
func (m CostModel) Configured() bool { return m.Currency != "" }

// RoleNamed returns the role called name.
func (m CostModel) RoleNamed(name string) (Role, bool) {
	for _, r := range m.Responders {
		if r.Name == name {
			return r, true
		}
	}
	return Role{}, false
}

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

// Opportunity is the value of the work an incident diverts.
type Opportunity struct {
	// HoursPerIncident is the engineering hours diverted by one incident.
	HoursPerIncident float64
	// HourlyValue is the value of one engineering hour.
	HourlyValue float64
}

// Responder is the time a role actually spent on an incident, as an
// incidents file states it. A zero HourlyRate means the model's rate for
// the role.
type Responder struct {
	Role       string
	People     float64
	Hours      float64 // each person's hours
	HourlyRate float64
}

// costSpec is the YAML of a cost model. Every field is optional.
type costSpec struct {
	Currency    string           `yaml:"currency"`
	Revenue     *revenueSpec     `yaml:"revenue"`
	Responders  []responderSpec  `yaml:"responders"`
	SLA         *slaSpec         `yaml:"sla"`
	Opportunity *opportunitySpec `yaml:"opportunity"`
}

type revenueSpec struct {
	PerMinute *float64           `yaml:"per_minute"`
	PerYear   *float64           `yaml:"per_year"`
	Share     *float64           `yaml:"share"`
	Recovery  *float64           `yaml:"recovery"`
	Impact    map[string]float64 `yaml:"impact"`
}

type responderSpec struct {
	Role               string   `yaml:"role"`
	People             *float64 `yaml:"people"`
	Rate               *float64 `yaml:"rate"`
	HoursPerIncident   *float64 `yaml:"hours_per_incident"`
	HoursPerOutageHour *float64 `yaml:"hours_per_outage_hour"`
}

type slaSpec struct {
	MonthlyContractValue *float64     `yaml:"monthly_contract_value"`
	SLO                  string       `yaml:"slo"`
	Credits              []creditSpec `yaml:"credits"`
}

type creditSpec struct {
	Below  *float64 `yaml:"below"`
	Credit *float64 `yaml:"credit"`
}

type opportunitySpec struct {
	HoursPerIncident *float64 `yaml:"hours_per_incident"`
	HourlyValue      *float64 `yaml:"hourly_value"`
}

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// checkCost validates a cost section and merges it over inherited.
func checkCost(c *fileChecker, p path, s *costSpec, inherited CostModel) CostModel {
	if s == nil {
		return inherited
	}
	m := cloneCost(inherited)
	if s.Currency != "" {
		if !currencyRE.MatchString(s.Currency) {
			c.addf(p.with("currency"), "invalid currency %q: use an ISO 4217 code such as EUR or USD", s.Currency)
		} else if s.Currency != m.Currency {
			// The inherited amounts are in another currency: start afresh.
			m = CostModel{Currency: s.Currency}
		}
	}
	amounts := false
	if r := s.Revenue; r != nil {
		rp := p.with("revenue")
		if r.PerMinute != nil && r.PerYear != nil {
			c.addf(rp.with("per_year"), "give per_minute or per_year, not both")
		}
		if r.PerMinute != nil {
			m.Revenue.PerMinute, m.Revenue.PerYear = checkAmount(c, rp.with("per_minute"), *r.PerMinute), 0
			amounts = true
		} else if r.PerYear != nil {
			m.Revenue.PerYear, m.Revenue.PerMinute = checkAmount(c, rp.with("per_year"), *r.PerYear), 0
			amounts = true
		}
		if r.Share != nil {
			m.Revenue.Share = checkCostPercent(c, rp.with("share"), *r.Share, false)
		}
		if r.Recovery != nil {
			m.Revenue.Recovery = checkCostPercent(c, rp.with("recovery"), *r.Recovery, true)
			if m.Revenue.Recovery == 1 {
				c.addf(rp.with("recovery"), "must be below 100: a recovery of 100%% means downtime loses nothing")
			}
		}
		if len(r.Impact) > 0 {
			names := make([]string, 0, len(r.Impact))
			for n := range r.Impact {
				names = append(names, n)
			}
			sort.Strings(names)
			known, isService := serviceSLONames(c, p)
			if m.Revenue.Impact == nil {
				m.Revenue.Impact = map[string]float64{}
			}
			for _, n := range names {
				ip := rp.with("impact", n)
				if isService && !slices.Contains(known, n) {
					c.addf(ip, "unknown SLO %q: this service defines %s", n, strings.Join(known, ", "))
					continue
				}
				m.Revenue.Impact[n] = checkCostPercent(c, ip, r.Impact[n], true)
			}
		}
	}
	if m.Revenue.Share == 0 && (m.Revenue.PerMinute > 0 || m.Revenue.PerYear > 0) {
		m.Revenue.Share = 1
	}
	seen := map[string]bool{}
	for i, rs := range s.Responders {
		rp := p.with("responders", i)
		switch {
		case rs.Role == "":
			c.addf(rp.with("role"), "missing role name (such as support, engineering, management, pr or sales)")
			continue
		case !ValidName(rs.Role):
			c.addf(rp.with("role"), "invalid role name %q: use lower case letters, digits, '.', '_' and '-'", rs.Role)
			continue
		case seen[rs.Role]:
			c.addf(rp.with("role"), "duplicate role %q", rs.Role)
			continue
		}
		seen[rs.Role] = true
		idx := slices.IndexFunc(m.Responders, func(r Role) bool { return r.Name == rs.Role })
		if idx < 0 {
			if rs.People == nil {
				c.addf(rp.with("people"), "missing: how many people of role %q an incident pulls in", rs.Role)
			}
			if rs.Rate == nil {
				c.addf(rp.with("rate"), "missing: the loaded hourly rate of role %q", rs.Role)
			}
			m.Responders = append(m.Responders, Role{Name: rs.Role})
			idx = len(m.Responders) - 1
		}
		r := &m.Responders[idx]
		if rs.People != nil {
			r.People = checkAmount(c, rp.with("people"), *rs.People)
		}
		if rs.Rate != nil {
			r.HourlyRate = checkAmount(c, rp.with("rate"), *rs.Rate)
			amounts = true
		}
		if rs.HoursPerIncident != nil {
			r.HoursPerIncident = checkAmount(c, rp.with("hours_per_incident"), *rs.HoursPerIncident)
		}
		if rs.HoursPerOutageHour != nil {
			r.HoursPerOutageHour = checkAmount(c, rp.with("hours_per_outage_hour"), *rs.HoursPerOutageHour)
		}
	}
	if sla := s.SLA; sla != nil {
		sp := p.with("sla")
		if sla.MonthlyContractValue != nil {
			m.SLA.MonthlyContractValue = checkAmount(c, sp.with("monthly_contract_value"), *sla.MonthlyContractValue)
			amounts = true
		}
		if sla.SLO != "" {
			known, isService := serviceSLONames(c, p)
			switch {
			case !isService:
				c.addf(sp.with("slo"), "set sla.slo in a service file: the services of a tier have different SLOs")
			case !slices.Contains(known, sla.SLO):
				c.addf(sp.with("slo"), "unknown SLO %q: this service defines %s", sla.SLO, strings.Join(known, ", "))
			default:
				m.SLA.SLO = sla.SLO
			}
		}
		if sla.Credits != nil {
			m.SLA.Credits = nil
			for i, cs := range sla.Credits {
				cp := sp.with("credits", i)
				if cs.Below == nil {
					c.addf(cp.with("below"), "missing: the availability percent below which the credit applies (such as 99.9)")
				}
				if cs.Credit == nil {
					c.addf(cp.with("credit"), "missing: the credit, a percent of the monthly contract value (such as 10)")
				}
				if cs.Below == nil || cs.Credit == nil {
					continue
				}
				b := CreditBand{
					Below:  checkCostPercent(c, cp.with("below"), *cs.Below, false),
					Credit: checkCostPercent(c, cp.with("credit"), *cs.Credit, false),
				}
				if slices.ContainsFunc(m.SLA.Credits, func(x CreditBand) bool { return x.Below == b.Below }) {
					c.addf(cp.with("below"), "duplicate band below %v%%", *cs.Below)
					continue
				}
				m.SLA.Credits = append(m.SLA.Credits, b)
			}
			sort.Slice(m.SLA.Credits, func(i, j int) bool { return m.SLA.Credits[i].Below > m.SLA.Credits[j].Below })
			if len(sla.Credits) == 0 {
				c.addf(sp.with("credits"), "empty list: give credit bands such as {below: 99.9, credit: 10}")
			}
		}
	}
	if o := s.Opportunity; o != nil {
		op := p.with("opportunity")
		if o.HoursPerIncident != nil {
			m.Opportunity.HoursPerIncident = checkAmount(c, op.with("hours_per_incident"), *o.HoursPerIncident)
		}
		if o.HourlyValue != nil {
			m.Opportunity.HourlyValue = checkAmount(c, op.with("hourly_value"), *o.HourlyValue)
			amounts = true
		}
	}
	if amounts && m.Currency == "" {
		c.addf(p.with("currency"), "missing: give the currency of the amounts (an ISO 4217 code such as EUR or USD)")
	}
	return m
}

// cloneCost copies the maps and slices of m so a service's overrides do not
// reach its tier.
func cloneCost(m CostModel) CostModel {
	out := m
	out.Responders = slices.Clone(m.Responders)
	out.SLA.Credits = slices.Clone(m.SLA.Credits)
	if m.Revenue.Impact != nil {
		out.Revenue.Impact = make(map[string]float64, len(m.Revenue.Impact))
		for k, v := range m.Revenue.Impact {
			out.Revenue.Impact[k] = v
		}
	}
	return out
}

// checkAmount checks a non-negative finite number.
func checkAmount(c *fileChecker, p path, v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		c.addf(p, "must be a number, zero or more, got %v", v)
		return 0
	}
	return v
}

// checkCostPercent checks a percent, in (0, 100] or with zero in [0, 100],
// and returns it as a ratio without binary noise.
func checkCostPercent(c *fileChecker, p path, v float64, zero bool) float64 {
	if math.IsNaN(v) || v > 100 || v < 0 || (!zero && v == 0) {
		bounds := "above 0 and at most 100"
		if zero {
			bounds = "from 0 to 100"
		}
		c.addf(p, "must be a percent %s, got %s", bounds, strconv.FormatFloat(v, 'g', -1, 64))
		return 0
	}
	return math.Round(v*1e10) / 1e12
}

// serviceSLONames lists the SLO names of the service file being checked
// when p is the service's own cost section; isService is false for a tier's.
func serviceSLONames(c *fileChecker, p path) (names []string, isService bool) {
	if len(p) != 1 || p[0] != "cost" || c.root == nil {
		return nil, false
	}
	n := c.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	slos := mappingValue(n, "slos")
	if slos == nil || slos.Kind != yaml.SequenceNode {
		return nil, true
	}
	for _, s := range slos.Content {
		if v := mappingValue(s, "name"); v != nil && v.Kind == yaml.ScalarNode {
			names = append(names, v.Value)
		}
	}
	return names, true
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
