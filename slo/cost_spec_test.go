package slo_test

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

const costTiers = `version: nines/v1
tiers:
  critical:
    objective: 99.95
    cost:
      currency: EUR
      revenue:
        per_year: 52594920
        share: 50
        recovery: 25
      responders:
        - {role: support, people: 4, rate: 45, hours_per_incident: 1, hours_per_outage_hour: 1}
        - {role: engineering, people: 3, rate: 120, hours_per_incident: 2, hours_per_outage_hour: 1.5}
      sla:
        monthly_contract_value: 100000
        credits:
          - {below: 99, credit: 25}
          - {below: 99.99, credit: 10}
      opportunity: {hours_per_incident: 16, hourly_value: 200}
  plain:
    objective: 99.9
`

func costService(name, tier, costYAML string) string {
	return `version: nines/v1
service: ` + name + `
tier: ` + tier + `
` + costYAML + `
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(x_total{code="500"}[{{.window}}]))
        total: sum(increase(x_total[{{.window}}]))
  - name: latency
    objective: 99
    sli:
      latency: {metric: x_seconds, threshold: 0.3}
`
}

func TestCostModelIsMergedFromTierAndService(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"tiers.yaml": costTiers,
		"a.yaml":     costService("a", "critical", ""),
		"b.yaml": costService("b", "critical", `cost:
  revenue:
    per_minute: 10
    impact: {latency: 20}
  responders:
    - {role: engineering, people: 5}
    - {role: pr, people: 1, rate: 90, hours_per_incident: 0.5}
  sla:
    slo: availability
    credits: [{below: 95, credit: 100}]
  opportunity: {hours_per_incident: 8}`),
		"c.yaml": costService("c", "critical", `cost:
  currency: USD
  revenue: {per_minute: 3}`),
		"d.yaml": costService("d", "plain", ""),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := load(dir)
	if err != nil {
		t.Fatal(err)
	}
	tier := slo.CostModel{
		Currency: "EUR",
		Revenue:  slo.Revenue{PerYear: 52594920, Share: 0.5, Recovery: 0.25},
		Responders: []slo.Role{
			{Name: "support", People: 4, HourlyRate: 45, HoursPerIncident: 1, HoursPerOutageHour: 1},
			{Name: "engineering", People: 3, HourlyRate: 120, HoursPerIncident: 2, HoursPerOutageHour: 1.5},
		},
		SLA:         slo.SLA{MonthlyContractValue: 100000, Credits: []slo.CreditBand{{Below: 0.9999, Credit: 0.1}, {Below: 0.99, Credit: 0.25}}},
		Opportunity: slo.Opportunity{HoursPerIncident: 16, HourlyValue: 200},
	}
	want := map[string]slo.CostModel{
		"a": tier,
		"b": {
			Currency: "EUR",
			Revenue:  slo.Revenue{PerMinute: 10, Share: 0.5, Recovery: 0.25, Impact: map[string]float64{"latency": 0.2}},
			Responders: []slo.Role{
				{Name: "support", People: 4, HourlyRate: 45, HoursPerIncident: 1, HoursPerOutageHour: 1},
				{Name: "engineering", People: 5, HourlyRate: 120, HoursPerIncident: 2, HoursPerOutageHour: 1.5},
				{Name: "pr", People: 1, HourlyRate: 90, HoursPerIncident: 0.5},
			},
			SLA:         slo.SLA{MonthlyContractValue: 100000, SLO: "availability", Credits: []slo.CreditBand{{Below: 0.95, Credit: 1}}},
			Opportunity: slo.Opportunity{HoursPerIncident: 8, HourlyValue: 200},
		},
		// Another currency inherits none of the tier's amounts.
		"c": {Currency: "USD", Revenue: slo.Revenue{PerMinute: 3, Share: 1}},
		"d": {},
	}
	for _, svc := range cat.Services {
		w := want[svc.Name]
		if !reflect.DeepEqual(svc.Cost, w) {
			t.Errorf("service %s cost model\n got %+v\nwant %+v", svc.Name, svc.Cost, w)
		}
		for _, s := range svc.SLOs {
			if !reflect.DeepEqual(s.Cost, w) {
				t.Errorf("SLO %s carries %+v, want the service's model", s.ID(), s.Cost)
			}
		}
	}
	if !reflect.DeepEqual(cat.Tiers["critical"].Cost, tier) {
		t.Errorf("tier critical %+v, want %+v: a service override must not change its tier", cat.Tiers["critical"].Cost, tier)
	}
	if got := cat.Services[0].Cost.Revenue.PerYear / budget.Year.Minutes(); math.Abs(got-100) > 1e-9 {
		t.Errorf("52,594,920 a year is %v a minute, want 100", got)
	}
	if cat.Services[3].Cost.Configured() {
		t.Error("a tier without a cost section prices nothing")
	}
}
