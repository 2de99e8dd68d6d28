package slo

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
)

// The deploy gate's section of the spec: `gate:` in a tier (defaults) and in a
// service file (overrides). Owned by the gate work; load.go calls checkGate.
//
//	gate:
//	  block_below: 0          # percent of error budget left; below it blocks
//	  warn_below: 25          # below it warns
//	  block_on_page: true     # a firing page-severity burn-rate alert blocks
//	  warn_on_ticket: true    # a firing ticket-severity alert warns
//	  allow_during_freeze: [rollback, security]
//	  on_error: fail_closed   # fail_closed | fail_open | last_known_good
//	  max_staleness: 1h       # last_known_good: oldest usable cached evaluation
//	  fallback: closed        # last_known_good without one: closed | open
//
// A service's section overrides only the fields it sets.

// gateSpec is the YAML of a gate policy. Every field is optional.
type gateSpec struct {
	BlockBelow        *float64  `yaml:"block_below"`
	WarnBelow         *float64  `yaml:"warn_below"`
	BlockOnPage       *bool     `yaml:"block_on_page"`
	WarnOnTicket      *bool     `yaml:"warn_on_ticket"`
	AllowDuringFreeze *[]string `yaml:"allow_during_freeze"`
	OnError           string    `yaml:"on_error"`
	MaxStaleness      string    `yaml:"max_staleness"`
	Fallback          string    `yaml:"fallback"`
}

// ChangeType is the kind of change a deploy makes.
type ChangeType string

// Change types.
const (
	ChangeNormal   ChangeType = "normal"
	ChangeHotfix   ChangeType = "hotfix"
	ChangeRollback ChangeType = "rollback"
	ChangeSecurity ChangeType = "security"
)

// ChangeTypes lists every change type, in the order the help shows them.
func ChangeTypes() []ChangeType {
	return []ChangeType{ChangeNormal, ChangeHotfix, ChangeRollback, ChangeSecurity}
}

// ValidChangeType reports whether c is one of ChangeTypes.
func ValidChangeType(c ChangeType) bool { return slices.Contains(ChangeTypes(), c) }

// OnError is what the gate decides when the SLOs could not be evaluated
// (source unreachable, timed out, answered garbage).
type OnError string

// Evaluation-error policies. FailClosed and FailOpen are also the values of
// GatePolicy.Fallback.
const (
	// FailClosed blocks the deploy.
	FailClosed OnError = "fail_closed"
	// FailOpen allows the deploy with a warning.
	FailOpen OnError = "fail_open"
	// LastKnownGood decides on the service's last successful evaluation if it
	// is at most MaxStaleness old, else applies Fallback.
	LastKnownGood OnError = "last_known_good"
)

// GatePolicy is the deploy policy of a tier or service, merged.
type GatePolicy struct {
	// BlockBelow blocks when an SLO's budget left (a ratio, 0.25 is 25%) is
	// below it; WarnBelow warns. BlockBelow <= WarnBelow.
	BlockBelow float64
	WarnBelow  float64
	// BlockOnPage blocks while a page-severity burn-rate alert fires (else it
	// warns); WarnOnTicket warns while a ticket-severity alert fires.
	BlockOnPage  bool
	WarnOnTicket bool
	// AllowDuringFreeze lists the change types that a block lets through.
	AllowDuringFreeze []ChangeType
	// OnError is the evaluation-error policy.
	OnError OnError
	// MaxStaleness is the age beyond which a cached evaluation is not used.
	MaxStaleness time.Duration
	// Fallback is FailClosed or FailOpen: what LastKnownGood does without a
	// fresh enough cached evaluation.
	Fallback OnError
}

// AllowsDuringFreeze reports whether c passes a block.
func (p GatePolicy) AllowsDuringFreeze(c ChangeType) bool {
	return slices.Contains(p.AllowDuringFreeze, c)
}

// defaultGatePolicy is the policy of a tier that sets none: block below 0%
// budget left, warn below 25%, block on page alerts, warn on ticket alerts,
// let rollbacks and security fixes through a freeze (the SRE Workbook's error
// budget policy), and fail closed when the source cannot be read.
func defaultGatePolicy() GatePolicy {
	return GatePolicy{
		BlockBelow:        0,
		WarnBelow:         0.25,
		BlockOnPage:       true,
		WarnOnTicket:      true,
		AllowDuringFreeze: []ChangeType{ChangeRollback, ChangeSecurity},
		OnError:           FailClosed,
		MaxStaleness:      time.Hour,
		Fallback:          FailClosed,
	}
}

// DefaultGatePolicy is the policy of a tier without a gate section.
func DefaultGatePolicy() GatePolicy { return defaultGatePolicy() }

// checkGate validates a gate section and merges it over inherited.
func checkGate(c *fileChecker, p path, s *gateSpec, inherited GatePolicy) GatePolicy {
	if s == nil {
		return inherited
	}
	g := inherited
	g.AllowDuringFreeze = slices.Clone(inherited.AllowDuringFreeze)
	percent := func(field string, v *float64, dst *float64) {
		if v == nil {
			return
		}
		if math.IsNaN(*v) || math.IsInf(*v, 0) || *v > 100 {
			c.addf(p.with(field), "must be a percent of error budget left, at most 100 (such as 25), got %v", *v)
			return
		}
		*dst = math.Round(*v*1e10) / 1e12
	}
	percent("block_below", s.BlockBelow, &g.BlockBelow)
	percent("warn_below", s.WarnBelow, &g.WarnBelow)
	if g.WarnBelow < g.BlockBelow {
		field := "warn_below"
		if s.WarnBelow == nil {
			field = "block_below"
		}
		c.addf(p.with(field), "warn_below (%v%%) must not be below block_below (%v%%)",
			formatPercent(g.WarnBelow), formatPercent(g.BlockBelow))
	}
	if s.BlockOnPage != nil {
		g.BlockOnPage = *s.BlockOnPage
	}
	if s.WarnOnTicket != nil {
		g.WarnOnTicket = *s.WarnOnTicket
	}
	if s.AllowDuringFreeze != nil {
		g.AllowDuringFreeze = []ChangeType{}
		for i, v := range *s.AllowDuringFreeze {
			ct := ChangeType(v)
			if !ValidChangeType(ct) {
				c.addf(p.with("allow_during_freeze", i), "unknown change type %q: use %s", v, changeTypeList())
				continue
			}
			if !slices.Contains(g.AllowDuringFreeze, ct) {
				g.AllowDuringFreeze = append(g.AllowDuringFreeze, ct)
			}
		}
	}
	if s.OnError != "" {
		switch OnError(s.OnError) {
		case FailClosed, FailOpen, LastKnownGood:
			g.OnError = OnError(s.OnError)
		default:
			c.addf(p.with("on_error"), "invalid evaluation-error policy %q: use fail_closed, fail_open or last_known_good", s.OnError)
		}
	}
	if s.MaxStaleness != "" {
		d, err := model.ParseDuration(s.MaxStaleness)
		if err != nil || d <= 0 {
			c.addf(p.with("max_staleness"), "invalid duration %q: use a duration such as 30m or 2h", s.MaxStaleness)
		} else {
			g.MaxStaleness = time.Duration(d)
		}
	}
	if s.Fallback != "" {
		switch s.Fallback {
		case "closed":
			g.Fallback = FailClosed
		case "open":
			g.Fallback = FailOpen
		default:
			c.addf(p.with("fallback"), "invalid fallback %q: use closed or open", s.Fallback)
		}
	}
	return g
}

func changeTypeList() string {
	names := make([]string, 0, 4)
	for _, c := range ChangeTypes() {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}

// formatPercent renders a ratio as the shortest percent: 0.25 is "25".
func formatPercent(ratio float64) string {
	return strconv.FormatFloat(math.Round(ratio*100*1e6)/1e6+0, 'f', -1, 64)
}
