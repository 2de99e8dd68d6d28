package slo

import (
	"math"
	"time"

	"github.com/prometheus/common/model"
)

// The incident policy: `incidents:` in a tier (defaults) and in a service
// file (overrides, field by field). It decides which intervals found in
// the metrics a responder would count as incidents.
//
//	incidents:
//	  min_duration: 15m   # an interval this long is an incident
//	  min_budget: 20      # so is one that spent this percent of an SLO window's error budget
//	  merge_gap: 30m      # burning spans closer than this are one interval
//
// An interval shorter than min_duration that spent less than min_budget is
// a blip: its downtime and lost revenue count in its SLOs' period figures,
// but it carries no fixed labor or opportunity and is not counted in
// incidents, MTTR or MTBF.

// Defaults of the incident policy (DefaultIncidentPolicy).
const (
	// DefaultMinDuration: an interval shorter than 15 minutes has mostly
	// recovered before responders engage (a page is acknowledged within
	// 5 minutes and the work starts after): nobody triages it, holds a
	// post-mortem or calls customers. Three detection steps of 5 minutes.
	DefaultMinDuration = 15 * time.Minute
	// DefaultMinBudget: an interval that spent 20% of an SLO window's error
	// budget is an incident however short it was: the SRE Workbook's
	// example error budget policy asks for a post-mortem of any single
	// incident that consumes more than 20% of the budget.
	DefaultMinBudget = 0.20
	// DefaultMergeGap: a service that burns again less than 30 minutes after
	// it stopped is the same incident; responders are still on it.
	DefaultMergeGap = 30 * time.Minute
)

// Limits of the incident policy's fields.
const (
	// MaxIncidentMinDuration is the longest min_duration.
	MaxIncidentMinDuration = 7 * 24 * time.Hour
	// MaxIncidentMergeGap is the longest merge_gap.
	MaxIncidentMergeGap = 24 * time.Hour
)

// IncidentPolicy decides which intervals are incidents. An interval is an
// incident when it lasted at least MinDuration or spent at least MinBudget
// of any of its service's SLO windows' error budget; otherwise it is a
// blip. The zero value counts every interval as an incident and merges
// across DefaultMergeGap; the loader gives tiers DefaultIncidentPolicy.
type IncidentPolicy struct {
	MinDuration time.Duration
	// MinBudget is a ratio of the error budget (0.2 is 20%).
	MinBudget float64
	// MergeGap merges burning spans closer than it; 0 means DefaultMergeGap.
	MergeGap time.Duration
}

// DefaultIncidentPolicy is the policy of a tier without an incidents
// section: 15 minutes, 20% of the budget, spans merged across 30 minutes.
func DefaultIncidentPolicy() IncidentPolicy {
	return IncidentPolicy{MinDuration: DefaultMinDuration, MinBudget: DefaultMinBudget, MergeGap: DefaultMergeGap}
}

// Gap is MergeGap, or DefaultMergeGap when it is not set.
func (p IncidentPolicy) Gap() time.Duration {
	if p.MergeGap <= 0 {
		return DefaultMergeGap
	}
	return p.MergeGap
}

// Counts reports whether an interval that lasted d and spent budget (a
// ratio of its SLO windows' error budget, the largest of its SLOs') is an
// incident.
func (p IncidentPolicy) Counts(d time.Duration, budget float64) bool {
	return d >= p.MinDuration || budget >= p.MinBudget*(1-1e-9)
}

// incidentPolicySpec is the YAML of an incident policy. Every field is
// optional.
type incidentPolicySpec struct {
	MinDuration string   `yaml:"min_duration"`
	MinBudget   *float64 `yaml:"min_budget"`
	MergeGap    string   `yaml:"merge_gap"`
}

// checkIncidentPolicy validates an incidents section and merges it over
// inherited.
func checkIncidentPolicy(c *fileChecker, p path, s *incidentPolicySpec, inherited IncidentPolicy) IncidentPolicy {
	if s == nil {
		return inherited
	}
	out := inherited
	duration := func(field, v string, least, most time.Duration, limits string, dst *time.Duration) {
		if v == "" {
			return
		}
		d, err := model.ParseDuration(v)
		switch {
		case err != nil:
			c.addf(p.with(field), "invalid duration %q: use a duration such as 15m or 1h", v)
		case time.Duration(d) < least || time.Duration(d) > most:
			c.addf(p.with(field), "%s is out of range: use %s", v, limits)
		default:
			*dst = time.Duration(d)
		}
	}
	duration("min_duration", s.MinDuration, 0, MaxIncidentMinDuration, "0s (every interval lasts long enough) to 7d", &out.MinDuration)
	duration("merge_gap", s.MergeGap, time.Minute, MaxIncidentMergeGap, "1m to 24h", &out.MergeGap)
	if s.MinBudget != nil {
		v := *s.MinBudget
		if math.IsNaN(v) || v < 0 || v > 100 {
			c.addf(p.with("min_budget"), "must be a percent of the SLO window's error budget, 0 to 100 (such as 20), got %v", v)
		} else {
			out.MinBudget = math.Round(v*1e10) / 1e12
		}
	}
	return out
}

// MergeGapOf is the merge gap a scan of slos applies: override when above
// 0 (--merge-gap), else their policies' when they all have the same, else
// 0 (each service its own).
func MergeGapOf(slos []SLO, override time.Duration) time.Duration {
	if override > 0 {
		return override
	}
	var gap time.Duration
	for i, s := range slos {
		g := s.Incidents.Gap()
		if i > 0 && g != gap {
			return 0
		}
		gap = g
	}
	return gap
}
