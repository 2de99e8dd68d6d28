// Package rules writes Prometheus rule files from the specs: per SLO, the
// recording rules of its events over slo.RecordedInterval (the series the
// fast path reads) and the multi-window, multi-burn-rate alerts of its tier
// or its own alerts, built from those records. Groups hold whole SLOs, one
// service per group, within a limit of rules per group. docs/rules.md lists
// every rule and its expression.
package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

const (
	// DefaultMaxRulesPerGroup is Mimir's default ruler_max_rules_per_rule_group.
	DefaultMaxRulesPerGroup = 20
	// RecordedErrorRatio is the name of a raw SLI's error ratio over
	// slo.RecordedInterval: its own expression at 5m. Raw SLIs have no
	// counts, so their windows cannot be built from records; their alerts
	// read the SLI's expression at each window instead.
	RecordedErrorRatio = "nines:slo_error_ratio:ratio5m"
	// AlertName is the name of every burn-rate alert; the labels severity,
	// service, slo, tier, long and short tell them apart.
	AlertName = "NinesErrorBudgetBurn"
	// GroupPrefix starts every group's name: nines-<service>, then
	// nines-<service>-2 and so on when a service needs more groups.
	GroupPrefix = "nines-"
)

// Options configure Generate.
type Options struct {
	// MaxRulesPerGroup bounds the rules of one group (0: the default).
	MaxRulesPerGroup int
	// Rewriter sums a grouped SLO's queries by its group_by labels
	// (prom.PromQL); nil rewrites their outer sum(...) as text.
	Rewriter slo.Rewriter
}

// Rule is one recording or alerting rule, as Prometheus reads it.
type Rule struct {
	Record      string            `yaml:"record,omitempty"`
	Alert       string            `yaml:"alert,omitempty"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

// Group is one rule group.
type Group struct {
	Name     string `yaml:"name"`
	Interval string `yaml:"interval"`
	Rules    []Rule `yaml:"rules"`
}

// File is a Prometheus rule file.
type File struct {
	Groups []Group `yaml:"groups"`
}

// Service is the groups of one service.
type Service struct {
	Name   string
	Groups []Group
}

// Set is the rules of a selection of SLOs, a service at a time in name order.
type Set struct {
	Services []Service
	// SLOs counts the SLOs the rules cover; Skipped names the selected
	// SLOs without rules of their own (composites: their members have
	// theirs).
	SLOs    int
	Skipped []string
}

// File is every group of the set in one file.
func (s Set) File() File {
	var f File
	for _, svc := range s.Services {
		f.Groups = append(f.Groups, svc.Groups...)
	}
	return f
}

// Counts are the numbers of groups, recording rules and alerting rules.
func (s Set) Counts() (groups, records, alerts int) {
	for _, svc := range s.Services {
		for _, g := range svc.Groups {
			groups++
			for _, r := range g.Rules {
				if r.Record != "" {
					records++
				} else {
					alerts++
				}
			}
		}
	}
	return groups, records, alerts
}

// Generate builds the rules of slos. Services come in name order, each SLO's
// rules in one group (records first, then its alerts in the spec's order),
// so that its alerts read the records of the same evaluation. An SLO with
// more rules than the limit is an error.
func Generate(slos []slo.SLO, opts Options) (Set, error) {
	limit := opts.MaxRulesPerGroup
	if limit == 0 {
		limit = DefaultMaxRulesPerGroup
	}
	if limit < 0 {
		return Set{}, fmt.Errorf("at most %d rules per group: the limit must be at least 1", limit)
	}
	byService := map[string][]slo.SLO{}
	var names, skipped []string
	for _, s := range slos {
		if s.SLI.Kind == slo.Composite {
			skipped = append(skipped, s.ID()) // no queries of its own: its members have their rules
			continue
		}
		if _, ok := byService[s.Service]; !ok {
			names = append(names, s.Service)
		}
		byService[s.Service] = append(byService[s.Service], s)
	}
	slices.Sort(names)
	set := Set{SLOs: len(slos) - len(skipped), Skipped: skipped}
	interval := slo.PromQLDuration(slo.RecordedInterval)
	for _, name := range names {
		svc := Service{Name: name}
		var cur *Group
		for _, s := range byService[name] {
			rs, err := sloRules(s, opts.Rewriter)
			if err != nil {
				return Set{}, err
			}
			if len(rs) > limit {
				return Set{}, fmt.Errorf("SLO %s has %d rules (%d records, %d alerts), more than the %d a group may hold: its records and alerts stay in one group so that the alerts read the records of the same evaluation; raise the limit or define fewer alerts",
					s.ID(), len(rs), len(rs)-len(s.Alerts), len(s.Alerts), limit)
			}
			if cur == nil || len(cur.Rules)+len(rs) > limit {
				n := GroupPrefix + name
				if len(svc.Groups) > 0 {
					n += "-" + strconv.Itoa(len(svc.Groups)+1)
				}
				svc.Groups = append(svc.Groups, Group{Name: n, Interval: interval})
				cur = &svc.Groups[len(svc.Groups)-1]
			}
			cur.Rules = append(cur.Rules, rs...)
		}
		set.Services = append(set.Services, svc)
	}
	return set, nil
}

// sloRules are the records and alerts of one SLO. A grouped SLO's are per
// group (docs/groups.md): its records are summed by its group_by labels,
// which they keep beside service, slo and tier, and its alerts match the
// windows group by group.
func sloRules(s slo.SLO, rw slo.Rewriter) ([]Rule, error) {
	labels := func() map[string]string {
		return map[string]string{"service": s.Service, "slo": s.Name, "tier": s.Tier}
	}
	g := grouping{rw: rw}
	if s.Grouped() {
		g.by = s.GroupBy
	}
	var out []Rule
	if s.SLI.Kind == slo.Raw {
		out = append(out, Rule{Record: RecordedErrorRatio, Expr: strings.TrimSpace(s.SLI.Queries(slo.RecordedInterval).ErrorRatio), Labels: labels()})
	} else {
		bad, total, err := g.counts(s, slo.RecordedInterval)
		if err != nil {
			return nil, err
		}
		out = append(out,
			Rule{Record: slo.RecordedBad, Expr: bad, Labels: labels()},
			Rule{Record: slo.RecordedTotal, Expr: total, Labels: labels()})
	}
	for _, a := range s.Alerts {
		r, err := g.alertRule(s, a)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// grouping is how an SLO's sums are taken: whole (by empty), or by the
// labels of a grouped SLO, one series per group.
type grouping struct {
	by []string
	rw slo.Rewriter
}

// sum is q as one series, or one series per group: its outer sum(...) by
// the group's labels.
func (g grouping) sum(s slo.SLO, q string) (string, error) {
	if len(g.by) == 0 {
		return sumOf(q), nil
	}
	q = strings.TrimSpace(q)
	if g.rw != nil {
		out, err := g.rw.GroupQuery(q, g.by)
		if err != nil {
			return "", fmt.Errorf("SLO %s: %w", s.ID(), err)
		}
		return out, nil
	}
	if !strings.HasPrefix(q, "sum(") || closingParen(q, 3) != len(q)-1 {
		return "", fmt.Errorf("SLO %s: query %q is not a sum(...) of one selector's series, so it cannot be summed by %s", s.ID(), q, strings.Join(g.by, ", "))
	}
	return "sum by (" + strings.Join(g.by, ", ") + ") (" + q[4:], nil
}

// on is the vector matching of an alert's conditions: on () for one
// series, on the group's labels for a grouped SLO.
func (g grouping) on() string { return "on (" + strings.Join(g.by, ", ") + ")" }

// counts are the PromQL of the SLO's bad and total events over w, each one
// series (burn sums what a query returns, and so do the records). A missing
// bad series counts as zero errors while the total has data, unless the
// SLO's missing_errors is no_data; a missing good series of an events SLI
// counts as zero good events, as nines burn counts them.
func counts(s slo.SLO, w time.Duration) (bad, total string) {
	bad, total, _ = grouping{}.counts(s, w)
	return bad, total
}

// counts are counts's queries, one series per group for a grouped SLO: a
// group without good series counts zero good events while its total has
// data (0 * total keeps the group's labels, which vector(0) has not).
func (g grouping) counts(s slo.SLO, w time.Duration) (bad, total string, err error) {
	q := s.SLI.Queries(w)
	sum := func(x string) string {
		if err != nil {
			return ""
		}
		var out string
		out, err = g.sum(s, x)
		return out
	}
	total = sum(q.Total)
	switch {
	case q.Bad != "" && s.MissingErrors == slo.MissingErrorsNoData:
		bad = sum(q.Bad)
	case q.Bad != "":
		bad = sum(q.Bad) + " or 0 * " + total
	case s.SLI.Kind == slo.Events && len(g.by) > 0:
		bad = total + " - (" + sum(q.Good) + " or 0 * " + total + ")"
	case s.SLI.Kind == slo.Events:
		bad = total + " - (" + sum(q.Good) + " or vector(0))"
	default: // latency and probe: the good events exist whenever the total does
		bad = total + " - " + sum(q.Good)
	}
	return bad, total, err
}

// ErrorRatioQuery is the PromQL of the SLO's error ratio over w as its
// alerts read it: the sums of its records when w is a whole number of
// records, else (and for raw SLIs) the SLI's own queries at w.
func ErrorRatioQuery(s slo.SLO, w time.Duration) string {
	q, _ := grouping{}.errorRatio(s, w)
	return q
}

// errorRatio is ErrorRatioQuery, per group for a grouped SLO: its records
// carry the group's labels, so the ratio of the sums is one per group.
func (g grouping) errorRatio(s slo.SLO, w time.Duration) (string, error) {
	if s.SLI.Kind == slo.Raw {
		return "(" + strings.TrimSpace(s.SLI.Queries(w).ErrorRatio) + ")", nil
	}
	if w%slo.RecordedInterval == 0 {
		return fmt.Sprintf("(\n  sum_over_time(%s[%s])\n  /\n  sum_over_time(%s[%s])\n)",
			slo.RecordedBad+s.RecordedSelector(), recordedRange(w), slo.RecordedTotal+s.RecordedSelector(), recordedRange(w)), nil
	}
	bad, total, err := g.counts(s, w)
	return "((" + bad + ") / " + total + ")", err
}

// recordedRange is the range that sums w/RecordedInterval records: one
// second short of w, so that Prometheus 2's closed ranges and Prometheus 3's
// left-open ones both hold exactly w/5m records when evaluated at a record's
// time (as a rule of the same group is) or up to 4m59s after it.
func recordedRange(w time.Duration) string {
	return slo.PromQLDuration(w - time.Second)
}

// alertRule is one multi-window alert: the error ratio over both windows
// above factor × (1 − objective), and for an events SLI with min_events over
// a rolling window, at least that many events in the SLO window, as nines
// burn judges an SLO with fewer as insufficient data and fires nothing. The
// value is the long window's burn rate.
//
// A grouped SLO's alert is per group: its conditions match on the group's
// labels, so each group fires on its own windows, and the alert's labels
// carry the group (from its records).
func (g grouping) alertRule(s slo.SLO, a budget.AlertWindow) (Rule, error) {
	budgetRatio := "(1 - " + number(s.Objective) + ")"
	var err error
	cond := func(w time.Duration) string {
		q, e := g.errorRatio(s, w)
		if err == nil {
			err = e
		}
		return q + " / " + budgetRatio + " > " + number(a.Factor)
	}
	and := "\nand " + g.on() + "\n"
	expr := cond(a.Long) + and + cond(a.Short)
	if s.SLI.Kind != slo.Raw && s.MinEvents > 0 && s.Window.Calendar == "" {
		w := s.Window.Rolling
		total := ""
		if w%slo.RecordedInterval == 0 {
			total = fmt.Sprintf("sum_over_time(%s[%s])", slo.RecordedTotal+s.RecordedSelector(), recordedRange(w))
		} else {
			var e error
			if _, total, e = g.counts(s, w); err == nil {
				err = e
			}
		}
		expr += and + total + " >= " + number(s.MinEvents)
	}
	if err != nil {
		return Rule{}, err
	}
	id := s.ID()
	if len(g.by) > 0 {
		parts := make([]string, len(g.by))
		for i, l := range g.by {
			parts[i] = l + `="{{ $labels.` + l + ` }}"`
		}
		id += "{" + strings.Join(parts, ",") + "}"
	}
	long, short := slo.PromQLDuration(a.Long), slo.PromQLDuration(a.Short)
	over := "over " + s.Window.String()
	if s.Window.Calendar != "" {
		over = "per calendar " + s.Window.String()
	}
	summary := fmt.Sprintf("%s burns its error budget %s times as fast as its objective allows over the last %s: %s fires above %sx over both %s and %s (an error ratio above %s%% for the objective of %s%% %s)",
		id, `{{ printf "%.1f" $value }}`, long, a.Severity, number(a.Factor), long, short,
		number(100*a.Factor*(1-s.Objective)), number(100*s.Objective), over)
	if s.Window.Calendar == "" {
		summary += fmt.Sprintf("; burning this fast for %s spends %s%% of the budget", long, number(100*a.BudgetSpent(s.Window.Rolling)))
	}
	ann := map[string]string{"summary": summary + "."}
	if s.Description != "" {
		ann["description"] = templateText(s.Description)
	}
	if s.Owner.Team != "" {
		ann["team"] = templateText(s.Owner.Team)
	}
	if s.Owner.Contact != "" {
		ann["contact"] = templateText(s.Owner.Contact)
	}
	var pending string
	if a.For > 0 {
		pending = slo.PromQLDuration(a.For)
	}
	return Rule{
		Alert: AlertName,
		Expr:  expr,
		For:   pending,
		Labels: map[string]string{
			"severity": string(a.Severity), "service": s.Service, "slo": s.Name, "tier": s.Tier,
			"long": long, "short": short,
		},
		Annotations: ann,
	}, nil
}

// templateText keeps text from the specs literal in an annotation, which
// Prometheus expands as a Go template: "{{" becomes an action printing it.
func templateText(s string) string {
	return strings.ReplaceAll(s, "{{", `{{ "{{" }}`)
}

// number renders v for PromQL and people: 0.9995, 14.4, 1000, rounded to 12
// significant digits so that 99.95/100 does not print its float noise.
func number(v float64) string {
	return strconv.FormatFloat(v, 'g', 12, 64)
}

// sumOf wraps q in sum() unless it is one already, so that a record is one
// series whatever the SLI's query returns (nines burn sums the series too).
func sumOf(q string) string {
	q = strings.TrimSpace(q)
	if strings.HasPrefix(q, "sum(") && closingParen(q, 3) == len(q)-1 {
		return q
	}
	return "sum(" + q + ")"
}

// closingParen is the index of the parenthesis that closes the one at open,
// skipping string literals, or -1.
func closingParen(q string, open int) int {
	depth := 0
	for i := open; i < len(q); i++ {
		switch c := q[i]; c {
		case '"', '\'', '`':
			for i++; i < len(q) && q[i] != c; i++ {
				if q[i] == '\\' && c != '`' {
					i++
				}
			}
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
