package interop

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// Exported is the result of an export: the OpenSLO v1 stream, how many
// documents it holds, and what could not be expressed.
type Exported struct {
	YAML      []byte
	Documents int
	Notes     []Note
}

// Notification targets every exported alert policy refers to: OpenSLO
// requires at least one; nines routes by severity label in Alertmanager.
const (
	targetPage   = "nines-page"
	targetTicket = "nines-ticket"
)

// calendarStart is the startTime of exported calendar windows: the start of
// a month and of a quarter.
const calendarStart = "2020-01-01 00:00:00"

// ExportOpenSLO writes the SLOs as OpenSLO v1 documents: a Service per
// service, an SLO per SLO with its indicator inline (ratioMetric, Prometheus
// queries with their {{.window}} placeholder), time window, objective and
// one inline AlertPolicy per alert window. services gives each service's
// description, tier and labels. What OpenSLO cannot say is in the notes
// and in comments at the top of the stream.
func ExportOpenSLO(slos []slo.SLO, services []slo.Service) (*Exported, error) {
	byName := map[string]slo.Service{}
	for _, s := range services {
		byName[s.Name] = s
	}
	var docs []any
	var notes []Note
	note := func(object, field string, o Outcome, format string, args ...any) {
		notes = append(notes, Note{Object: object, Field: field, Outcome: o, Reason: fmt.Sprintf(format, args...)})
	}
	seenSvc := map[string]bool{}
	severities := map[budget.Severity]bool{}
	for _, s := range slos {
		if !seenSvc[s.Service] {
			seenSvc[s.Service] = true
			svc := byName[s.Service]
			name, changed := openSLOName(s.Service)
			d := osService{osHeader: osHeader{APIVersion: OpenSLOVersion, Kind: "Service",
				Metadata: osMetadata{Name: name, Annotations: map[string]string{AnnotationTier: s.Tier}}}}
			if changed {
				d.Metadata.Annotations[AnnotationService] = s.Service
				note(s.Service, "service", Approximated, "named %s: OpenSLO names are lower case letters, digits and '-'; the nines name is the annotation %s", name, AnnotationService)
			}
			if len(svc.Labels) > 0 {
				d.Metadata.Labels = map[string]any{}
				for k, v := range svc.Labels {
					d.Metadata.Labels[k] = v
				}
			}
			d.Spec.Description = svc.Description
			docs = append(docs, d)
			if svc.Owner != (slo.Owner{}) {
				note(s.Service, "owner", Dropped, "OpenSLO has no owner field")
			}
			note(s.Service, "tier", Approximated, "OpenSLO has no tiers: the tier name is the annotation %s, its objective, window and alerts are written into every SLO; its gate, cost and incident policies are not expressed", AnnotationTier)
		}
		id := s.ID()
		name, _ := openSLOName(s.Service + "-" + s.Name)
		svcName, _ := openSLOName(s.Service)
		d := osSLO{osHeader: osHeader{APIVersion: OpenSLOVersion, Kind: "SLO",
			Metadata: osMetadata{Name: name, Annotations: map[string]string{AnnotationSLO: s.Name}}}}
		d.Spec.Description = s.Description
		d.Spec.Service = svcName
		d.Spec.BudgetingMethod = "Occurrences"
		ind, err := indicator(s, name)
		if err != nil {
			return nil, err
		}
		d.Spec.Indicator = ind
		switch s.SLI.Kind {
		case slo.Probe:
			note(id, "sli.probe", Approximated, "the fraction of probe samples that succeeded, as good and total sample counts (sum_over_time, count_over_time) with budgetingMethod Occurrences")
		case slo.Latency:
			note(id, "sli.latency", Exact, "good: requests in the %s bucket, total: all requests", formatFloat(s.SLI.Threshold))
		}
		d.Spec.TimeWindow = []osTimeWindow{timeWindow(s.Window)}
		t := s.Objective
		d.Spec.Objectives = []osObjective{{Target: &t}}
		policyNames := map[string]bool{}
		for _, a := range s.Alerts {
			item, ok := alertPolicy(name, a)
			if ok {
				// Two alerts of one severity over one long window: number them.
				base := item.Metadata.Name
				for k := 2; policyNames[item.Metadata.Name]; k++ {
					suffix := fmt.Sprintf("-%d", k)
					item.Metadata.Name = base[:min(len(base), 63-len(suffix))] + suffix
					item.Spec.Conditions[0].Metadata.Name = item.Metadata.Name
				}
				policyNames[item.Metadata.Name] = true
			}
			if !ok {
				note(id, "alerts", Dropped, "alert %s %s/%s %sx: a window or for that is not a whole number of minutes", a.Severity, durationString(a.Long), durationString(a.Short), formatFloat(a.Factor))
				continue
			}
			severities[a.Severity] = true
			d.Spec.AlertPolicies = append(d.Spec.AlertPolicies, item)
		}
		if len(s.Alerts) > 0 {
			note(id, "alerts", Approximated, "an OpenSLO alert condition has one lookbackWindow: the long window; the short window is the annotation %s", AnnotationShortWindow)
		}
		if s.MinEvents > 0 {
			note(id, "min_events", Dropped, "OpenSLO has no minimum event count (%s)", formatFloat(s.MinEvents))
		}
		note(id, "no_data", Dropped, "OpenSLO has no no-data policy for a deploy (%s); alertWhenNoData is about alerts", s.NoData)
		docs = append(docs, d)
	}
	for _, sev := range []budget.Severity{budget.Page, budget.Ticket} {
		if severities[sev] {
			n := targetTicket
			if sev == budget.Page {
				n = targetPage
			}
			var t osNotificationTarget
			t.APIVersion, t.Kind, t.Metadata.Name = OpenSLOVersion, "AlertNotificationTarget", n
			t.Spec.Target = "alertmanager"
			t.Spec.Description = fmt.Sprintf("nines %s alerts: routed by Alertmanager on severity=%s", sev, sev)
			docs = append(docs, t)
		}
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# OpenSLO v1, exported by nines export openslo: %d SLOs.\n", len(slos))
	fmt.Fprintf(&buf, "# Queries keep nines's {{.window}} placeholder (Sloth's OpenSLO convention):\n# the tool that reads them fills in each window.\n")
	if len(notes) > 0 {
		buf.WriteString("# Not expressed, or approximated:\n")
		for _, n := range notes {
			fmt.Fprintf(&buf, "#   %s %s (%s): %s\n", n.Object, n.Field, n.Outcome, n.Reason)
		}
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("could not encode OpenSLO: %w", err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("could not encode OpenSLO: %w", err)
	}
	return &Exported{YAML: buf.Bytes(), Documents: len(docs), Notes: notes}, nil
}

// openSLOName makes a nines name an RFC 1123 label: '.' and '_' become '-'.
func openSLOName(s string) (string, bool) {
	n := strings.NewReplacer(".", "-", "_", "-").Replace(s)
	if len(n) > 63 {
		n = strings.TrimRight(n[:63], "-")
	}
	return n, n != s
}

// sentinel is a window no query holds, replaced by the placeholder after
// the queries are built.
const sentinel = 13*time.Hour + 37*time.Minute + 11*time.Second

// indicator is the SLI of s as an inline OpenSLO ratioMetric.
func indicator(s slo.SLO, name string) (*osInlineSLI, error) {
	q := s.SLI.Queries(sentinel)
	tmpl := func(t string) string {
		return strings.ReplaceAll(t, "["+slo.PromQLDuration(sentinel)+"]", "["+placeholder+"]")
	}
	leg := func(t string) *osMetric {
		return &osMetric{MetricSource: osMetricSource{Type: "Prometheus", Spec: map[string]any{"query": tmpl(t)}}}
	}
	counter := s.SLI.Kind != slo.Probe
	r := &osRatioMetric{Counter: &counter}
	switch s.SLI.Kind {
	case slo.Events, slo.Latency, slo.Probe:
		if q.Good != "" {
			r.Good = leg(q.Good)
		} else {
			r.Bad = leg(q.Bad)
		}
		r.Total = leg(q.Total)
	case slo.Raw:
		r.Counter = nil
		r.RawType = "failure"
		r.Raw = leg(q.ErrorRatio)
	default:
		return nil, fmt.Errorf("%s: SLI kind %q cannot be exported", s.ID(), s.SLI.Kind)
	}
	return &osInlineSLI{Metadata: osMetadata{Name: name}, Spec: osSLISpec{RatioMetric: r}}, nil
}

// timeWindow is the OpenSLO window of w.
func timeWindow(w slo.Window) osTimeWindow {
	if w.Calendar == "" {
		yes := true
		d, _ := shorthandOf(w.Rolling)
		return osTimeWindow{Duration: d, IsRolling: &yes}
	}
	no := false
	d := "1M"
	if w.Calendar == slo.Quarter {
		d = "1Q"
	}
	return osTimeWindow{Duration: d, IsRolling: &no, Calendar: &osCalendar{StartTime: calendarStart, TimeZone: locName(w.Location)}}
}

// shorthandOf writes d in the largest unit of d, h or m that divides it.
func shorthandOf(d time.Duration) (string, bool) {
	for _, u := range []struct {
		d time.Duration
		s string
	}{{budget.Day, "d"}, {time.Hour, "h"}, {time.Minute, "m"}} {
		if d > 0 && d%u.d == 0 {
			return fmt.Sprintf("%d%s", d/u.d, u.s), true
		}
	}
	return durationString(d), false
}

// alertPolicy is one alert window as an inline AlertPolicy with an inline
// burn-rate condition over the long window; the short window rides in an
// annotation.
func alertPolicy(slo string, a budget.AlertWindow) (osAlertPolicyItem, bool) {
	long, ok1 := shorthandOf(a.Long)
	short, ok2 := shorthandOf(a.Short)
	after, ok3 := "", true // OpenSLO's default is 0m
	if a.For > 0 {
		after, ok3 = shorthandOf(a.For)
	}
	if !ok1 || !ok2 || !ok3 {
		return osAlertPolicyItem{}, false
	}
	name, _ := openSLOName(fmt.Sprintf("%s-%s-%s", slo, a.Severity, long))
	target := targetTicket
	if a.Severity == budget.Page {
		target = targetPage
	}
	yes := true
	return osAlertPolicyItem{
		Kind:     "AlertPolicy",
		Metadata: &osMetadata{Name: name},
		Spec: &osAlertPolicySpec{
			AlertWhenBreaching: &yes,
			Conditions: []osConditionItem{{
				Kind:     "AlertCondition",
				Metadata: &osMetadata{Name: name, Annotations: map[string]string{AnnotationShortWindow: short}},
				Spec: &osAlertConditionSpec{
					Description: fmt.Sprintf("burn rate above %s over %s and %s", formatFloat(a.Factor), long, short),
					Severity:    string(a.Severity),
					Condition:   osCondition{Kind: "burnrate", Op: "gt", Threshold: a.Factor, LookbackWindow: long, AlertAfter: after},
				},
			}},
			NotificationTargets: []osTargetItem{{TargetRef: target}},
		},
	}, true
}
