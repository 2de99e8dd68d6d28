package interop

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// Outcome says how a source field reached the target spec.
type Outcome string

// Outcomes of a field.
const (
	// Exact: the target means the same.
	Exact Outcome = "exact"
	// Approximated: the target is close, and Note.Reason says how it differs.
	Approximated Outcome = "approximated"
	// Dropped: the target cannot say it; Note.Reason says why.
	Dropped Outcome = "dropped"
)

// Note is what became of one source field.
type Note struct {
	File    string  // source file ("" on export)
	Line    int     // source line, 0 when unknown
	Object  string  // the source object: "SLO checkout-availability", "slos[0]"
	Field   string  // the source field path: spec.timeWindow[0]
	Outcome Outcome // exact, approximated or dropped
	Target  string  // where it went: "checkout/availability window", or ""
	Reason  string  // how it differs, or why it was dropped
}

// ServiceSpec is a nines/v1 service file, as written by import.
type ServiceSpec struct {
	Version     string            `yaml:"version"`
	Service     string            `yaml:"service"`
	Tier        string            `yaml:"tier"`
	Description string            `yaml:"description,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	SLOs        []SLOSpec         `yaml:"slos"`
}

// SLOSpec is one SLO of a nines/v1 service file.
type SLOSpec struct {
	Name        string      `yaml:"name"`
	Description string      `yaml:"description,omitempty"`
	Objective   *float64    `yaml:"objective,omitempty"`
	Window      string      `yaml:"window,omitempty"`
	Timezone    string      `yaml:"timezone,omitempty"`
	Alerts      []AlertSpec `yaml:"alerts,omitempty"`
	SLI         SLISpec     `yaml:"sli"`
}

// AlertSpec is one multiwindow burn-rate alert of a nines/v1 SLO.
type AlertSpec struct {
	Long     string  `yaml:"long"`
	Short    string  `yaml:"short"`
	Factor   float64 `yaml:"factor"`
	Severity string  `yaml:"severity"`
	For      string  `yaml:"for,omitempty"`
}

// SLISpec is the SLI of a nines/v1 SLO: exactly one kind is set.
type SLISpec struct {
	Events  *EventsSpec  `yaml:"events,omitempty"`
	Latency *LatencySpec `yaml:"latency,omitempty"`
	Probe   *ProbeSpec   `yaml:"probe,omitempty"`
	Raw     *RawSpec     `yaml:"raw,omitempty"`
}

// EventsSpec counts good or bad events against total events.
type EventsSpec struct {
	Good  string `yaml:"good,omitempty"`
	Bad   string `yaml:"bad,omitempty"`
	Total string `yaml:"total"`
}

// LatencySpec counts requests within a histogram bucket bound.
type LatencySpec struct {
	Metric    string            `yaml:"metric"`
	Labels    map[string]string `yaml:"labels,omitempty"`
	Threshold float64           `yaml:"threshold"`
}

// ProbeSpec measures the fraction of time a 0/1 gauge is 1.
type ProbeSpec struct {
	Metric string            `yaml:"metric"`
	Labels map[string]string `yaml:"labels,omitempty"`
}

// RawSpec is a query of the error ratio.
type RawSpec struct {
	ErrorRatio string `yaml:"error_ratio"`
}

// ImportOptions tune an import.
type ImportOptions struct {
	// Tier is the tier of every imported service; empty infers it from
	// Tiers.
	Tier string
	// Tiers are the catalog's tiers: an SLO's objective, window and alerts
	// equal to its tier's are left to the tier, and without Tier the tier
	// whose objective and window most SLOs of a service match is chosen
	// (the stricter one on a tie).
	Tiers map[string]slo.Tier
	// SlothPeriod is the SLO window of imported Sloth SLOs, the
	// --default-slo-period Sloth ran with; 0 is Sloth's default, 30d.
	SlothPeriod time.Duration
}

// Imported is the result of an import: the service files and the notes.
type Imported struct {
	Services []ImportedService
	Notes    []Note
}

// ImportedService is one nines/v1 service file.
type ImportedService struct {
	Spec ServiceSpec
	// Sources are the files it came from.
	Sources []string
	// TierReason says how the tier was chosen.
	TierReason string
}

// YAML is the service file, with a comment naming its sources.
func (s ImportedService) YAML(tool string) ([]byte, error) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Imported by nines import %s from %s.\n# The mapping report lists what was approximated or dropped.\n", tool, strings.Join(s.Sources, ", "))
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(s.Spec); err != nil {
		return nil, fmt.Errorf("could not encode service %s: %w", s.Spec.Service, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("could not encode service %s: %w", s.Spec.Service, err)
	}
	return buf.Bytes(), nil
}

// draft is an imported SLO before its tier is known.
type draft struct {
	service, name string
	description   string
	objective     float64 // percent; 0 when not given
	window        *slo.Window
	alerts        []budget.AlertWindow // nil: the tier's
	// guessedShort are the indices of alerts whose short window is a
	// guess (long/12): the tier's pairing for the same alert wins.
	guessedShort []int
	sli          SLISpec
	// where the objective, window and alerts came from, for the notes
	file, object       string
	line               int
	objField, winField string
	alertField         string
}

// draftService gathers the SLOs of one service.
type draftService struct {
	name, description string
	labels            map[string]string
	tierHint          string
	sources           []string
	slos              []*draft
}

// build assigns tiers and writes the service specs, adding notes on what the
// tier now carries.
func build(services []*draftService, opts ImportOptions, notes *[]Note) ([]ImportedService, error) {
	var out []ImportedService
	sort.Slice(services, func(i, j int) bool { return services[i].name < services[j].name })
	var problems []string
	for _, ds := range services {
		if len(ds.slos) == 0 {
			*notes = append(*notes, Note{Object: "Service " + ds.name, Outcome: Dropped, Reason: "no SLO of this service could be imported: a nines service needs at least one"})
			continue
		}
		tierName, reason, err := chooseTier(ds, opts)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		tier, known := opts.Tiers[tierName]
		spec := ServiceSpec{Version: slo.SpecVersion, Service: ds.name, Tier: tierName, Description: ds.description, Labels: ds.labels}
		for _, d := range ds.slos {
			s := SLOSpec{Name: d.name, Description: d.description, SLI: d.sli}
			id := ds.name + "/" + d.name
			if d.objective > 0 && !(known && sameObjective(tier.Objective, d.objective)) {
				v := d.objective
				s.Objective = &v
			} else if d.objective == 0 {
				*notes = append(*notes, Note{File: d.file, Line: d.line, Object: d.object, Field: d.objField, Outcome: Approximated, Target: id + " objective", Reason: fmt.Sprintf("not given: tier %s's objective applies", tierName)})
			}
			if d.window != nil && !(known && sameWindow(tier.Window, *d.window)) {
				s.Window, s.Timezone = windowSpec(*d.window)
			} else if d.window == nil {
				*notes = append(*notes, Note{File: d.file, Line: d.line, Object: d.object, Field: d.winField, Outcome: Approximated, Target: id + " window", Reason: fmt.Sprintf("not given: tier %s's window applies", tierName)})
			}
			if known {
				for _, i := range d.guessedShort {
					a := &d.alerts[i]
					for _, ta := range tier.Alerts {
						if ta.Long == a.Long && ta.Factor == a.Factor && ta.Severity == a.Severity && ta.Short != a.Short {
							*notes = append(*notes, Note{File: d.file, Line: d.line, Object: d.object, Field: d.alertField, Outcome: Exact, Target: id + " alerts", Reason: fmt.Sprintf("the %s %sx alert over %s takes tier %s's short window, %s", a.Severity, formatFloat(a.Factor), durationString(a.Long), tierName, durationString(ta.Short))})
							a.Short = ta.Short
						}
					}
				}
			}
			if d.alerts != nil && !(known && sameAlerts(tier.Alerts, d.alerts)) {
				for _, a := range d.alerts {
					s.Alerts = append(s.Alerts, alertSpec(a))
				}
			}
			spec.SLOs = append(spec.SLOs, s)
		}
		out = append(out, ImportedService{Spec: spec, Sources: ds.sources, TierReason: reason})
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("could not choose a tier:\n  %s", strings.Join(problems, "\n  "))
	}
	return out, nil
}

// chooseTier is --tier, else the source's own tier hint when the catalog
// has it, else the tier whose objective and window most of the service's
// SLOs match.
func chooseTier(ds *draftService, opts ImportOptions) (string, string, error) {
	if opts.Tier != "" {
		return opts.Tier, "given with --tier", nil
	}
	if _, ok := opts.Tiers[ds.tierHint]; ok && ds.tierHint != "" {
		return ds.tierHint, "named by the source", nil
	}
	if len(opts.Tiers) == 0 {
		return "", "", fmt.Errorf("service %s: give --tier, or --specs with a tiers file to infer it from", ds.name)
	}
	names := make([]string, 0, len(opts.Tiers))
	for n := range opts.Tiers {
		names = append(names, n)
	}
	sort.Strings(names)
	// Most SLOs with the tier's objective and window; then most with its
	// objective only; on a tie the stricter tier, whose alerts and gate err
	// on the safe side.
	best, bestBoth, bestObj := "", 0, 0
	for _, n := range names {
		t := opts.Tiers[n]
		both, obj := 0, 0
		for _, d := range ds.slos {
			if d.objective > 0 && sameObjective(t.Objective, d.objective) {
				if d.window != nil && sameWindow(t.Window, *d.window) {
					both++
				} else {
					obj++
				}
			}
		}
		better := both > bestBoth || (both == bestBoth && obj > bestObj)
		tie := both == bestBoth && obj == bestObj && both+obj > 0
		if better || (tie && t.Objective > opts.Tiers[best].Objective) {
			best, bestBoth, bestObj = n, both, obj
		}
	}
	if best != "" {
		return best, fmt.Sprintf("inferred: %d of %d SLOs have its objective and window, %d its objective only", bestBoth, len(ds.slos), bestObj), nil
	}
	// No objective matches: the tier with the nearest error budget (on a
	// log scale) to the service's strictest SLO; the SLOs keep their own
	// objectives and windows, the tier gives the rest.
	strict := 0.0
	for _, d := range ds.slos {
		strict = max(strict, d.objective)
	}
	if strict == 0 {
		return "", "", fmt.Errorf("service %s: no SLO gives an objective to infer a tier from: give --tier (one of %s)", ds.name, strings.Join(names, ", "))
	}
	bestDist := math.Inf(1)
	for _, n := range names {
		t := opts.Tiers[n]
		if t.Objective <= 0 {
			continue
		}
		dist := math.Abs(math.Log((1 - t.Objective) / (1 - strict/100)))
		if dist < bestDist-1e-12 {
			best, bestDist = n, dist
		}
	}
	if best == "" {
		return "", "", fmt.Errorf("service %s: no tier sets an objective to infer from: give --tier (one of %s)", ds.name, strings.Join(names, ", "))
	}
	return best, fmt.Sprintf("approximated: no tier has its objectives; %s has the nearest to %s%% (the SLOs keep their own objectives and windows; alerts, gate and cost are the tier's)", best, formatFloat(strict)), nil
}

func sameObjective(ratio, percent float64) bool {
	return math.Abs(ratio*100-percent) < 1e-9
}

func sameWindow(a, b slo.Window) bool {
	if a.Calendar != b.Calendar || a.Rolling != b.Rolling {
		return false
	}
	if a.Calendar == "" {
		return true
	}
	return locName(a.Location) == locName(b.Location)
}

func locName(l *time.Location) string {
	if l == nil {
		return "UTC"
	}
	return l.String()
}

func sameAlerts(a, b []budget.AlertWindow) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func windowSpec(w slo.Window) (window, tz string) {
	if w.Calendar == "" {
		return durationString(w.Rolling), ""
	}
	if name := locName(w.Location); name != "UTC" {
		tz = name
	}
	return string(w.Calendar), tz
}

func durationString(d time.Duration) string { return model.Duration(d).String() }

func alertSpec(a budget.AlertWindow) AlertSpec {
	s := AlertSpec{Long: durationString(a.Long), Short: durationString(a.Short), Factor: a.Factor, Severity: string(a.Severity)}
	if a.For > 0 {
		s.For = durationString(a.For)
	}
	return s
}

// percent rounds a ratio times 100 to 10 decimals: 0.9995 is 99.95, not
// 99.95000000000002.
func percent(ratio float64) float64 {
	return roundTo(ratio*100, 10)
}

func roundTo(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

var invalidNameChars = regexp.MustCompile(`[^a-z0-9._-]+`)

// ninesName makes s a valid nines name: lower case, other characters as
// '-', trimmed to 64. It reports whether s changed.
func ninesName(s string) (string, bool) {
	n := invalidNameChars.ReplaceAllString(strings.ToLower(s), "-")
	n = strings.Trim(n, "-._")
	if len(n) > 64 {
		n = strings.Trim(n[:64], "-._")
	}
	return n, n != s
}

// slug makes a display name a name part: "Foo Total Errors" is
// "foo-total-errors".
func slug(s string) string {
	n, _ := ninesName(strings.ReplaceAll(s, ".", "-"))
	return n
}
