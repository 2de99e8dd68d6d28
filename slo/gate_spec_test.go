package slo_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/nines-sre/nines/slo"
)

const gateTiers = `version: nines/v1
tiers:
  plain:
    objective: 99.9
  strict:
    objective: 99.95
    gate:
      block_below: 10
      warn_below: 50
      allow_during_freeze: [rollback]
      on_error: last_known_good
      max_staleness: 30m
  lax:
    objective: 99
    gate:
      block_on_page: false
      warn_on_ticket: false
      allow_during_freeze: []
      on_error: fail_open
`

func gateService(name, tier, gate string) string {
	return `version: nines/v1
service: ` + name + `
tier: ` + tier + `
` + gate + `
slos:
  - name: availability
    sli:
      events:
        bad: sum(increase(x_total{code="500"}[{{.window}}]))
        total: sum(increase(x_total[{{.window}}]))
`
}

func TestGatePolicyIsMergedFromDefaultsTierAndService(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"tiers.yaml": gateTiers,
		"a.yaml":     gateService("a", "plain", ""),
		"b.yaml":     gateService("b", "strict", ""),
		"c.yaml":     gateService("c", "strict", "gate:\n  fallback: open\n  warn_below: 20\n  allow_during_freeze: [security, hotfix, security]"),
		"d.yaml":     gateService("d", "lax", ""),
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
	def := slo.DefaultGatePolicy()
	strict := slo.GatePolicy{
		BlockBelow: 0.1, WarnBelow: 0.5, BlockOnPage: true, WarnOnTicket: true,
		AllowDuringFreeze: []slo.ChangeType{slo.ChangeRollback},
		OnError:           slo.LastKnownGood, MaxStaleness: 30 * time.Minute, Fallback: slo.FailClosed,
	}
	want := map[string]slo.GatePolicy{
		"a": def,
		"b": strict,
		"c": {
			BlockBelow: 0.1, WarnBelow: 0.2, BlockOnPage: true, WarnOnTicket: true,
			AllowDuringFreeze: []slo.ChangeType{slo.ChangeSecurity, slo.ChangeHotfix},
			OnError:           slo.LastKnownGood, MaxStaleness: 30 * time.Minute, Fallback: slo.FailOpen,
		},
		"d": {
			BlockBelow: 0, WarnBelow: 0.25, BlockOnPage: false, WarnOnTicket: false,
			AllowDuringFreeze: []slo.ChangeType{},
			OnError:           slo.FailOpen, MaxStaleness: time.Hour, Fallback: slo.FailClosed,
		},
	}
	for _, svc := range cat.Services {
		w := want[svc.Name]
		if !reflect.DeepEqual(svc.Gate, w) {
			t.Errorf("service %s gate policy\n got %+v\nwant %+v", svc.Name, svc.Gate, w)
		}
		if !reflect.DeepEqual(svc.SLOs[0].Gate, w) {
			t.Errorf("service %s: its SLO carries %+v, want the service's policy", svc.Name, svc.SLOs[0].Gate)
		}
	}
	if !reflect.DeepEqual(cat.Tiers["strict"].Gate, strict) {
		t.Errorf("tier strict %+v, want %+v: a service override must not change its tier", cat.Tiers["strict"].Gate, strict)
	}
}

func TestDefaultGatePolicyIsTheIssuesDefaults(t *testing.T) {
	p := slo.DefaultGatePolicy()
	if p.BlockBelow != 0 || p.WarnBelow != 0.25 || !p.BlockOnPage || !p.WarnOnTicket ||
		p.OnError != slo.FailClosed || p.Fallback != slo.FailClosed || p.MaxStaleness != time.Hour {
		t.Errorf("default policy %+v", p)
	}
	for _, c := range slo.ChangeTypes() {
		allowed := c == slo.ChangeRollback || c == slo.ChangeSecurity
		if p.AllowsDuringFreeze(c) != allowed {
			t.Errorf("change type %s allowed during a freeze: %v, want %v", c, !allowed, allowed)
		}
	}
}
