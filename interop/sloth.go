package interop

import (
	"fmt"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// The two Sloth spec versions: prometheus/v1 (snake_case) and the
// Kubernetes sloth.slok.dev/v1 PrometheusServiceLevel (camelCase), as
// slok/sloth's pkg/prometheus/api/v1 and pkg/kubernetes/api/sloth/v1 define
// them.

const (
	slothVersion    = "prometheus/v1"
	slothK8sVersion = "sloth.slok.dev/v1"
	slothK8sKind    = "PrometheusServiceLevel"
)

type slothPlugin struct {
	ID       string         `yaml:"id"`
	Config   map[string]any `yaml:"config,omitempty"`
	Priority int            `yaml:"priority,omitempty"`
}

type slothPlugins struct {
	OverridePrevious bool          `yaml:"overridePrevious,omitempty"`
	Chain            []slothPlugin `yaml:"chain,omitempty"`
}

type slothAlert struct {
	Disable     bool              `yaml:"disable,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

type slothSLIPlugin struct {
	ID      string         `yaml:"id"`
	Options map[string]any `yaml:"options,omitempty"`
}

// prometheus/v1

type slothSpec struct {
	Version    string            `yaml:"version"`
	Service    string            `yaml:"service"`
	Labels     map[string]string `yaml:"labels,omitempty"`
	SLOPlugins *slothPlugins     `yaml:"slo_plugins,omitempty"`
	SLOs       []slothSLO        `yaml:"slos"`
}

type slothSLO struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description,omitempty"`
	Objective   float64           `yaml:"objective"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Plugins     *slothPlugins     `yaml:"plugins,omitempty"`
	SLI         struct {
		Events *struct {
			ErrorQuery string `yaml:"error_query"`
			TotalQuery string `yaml:"total_query"`
		} `yaml:"events,omitempty"`
		Raw *struct {
			ErrorRatioQuery string `yaml:"error_ratio_query"`
		} `yaml:"raw,omitempty"`
		Plugin *slothSLIPlugin `yaml:"plugin,omitempty"`
	} `yaml:"sli"`
	Alerting struct {
		Name        string            `yaml:"name,omitempty"`
		Labels      map[string]string `yaml:"labels,omitempty"`
		Annotations map[string]string `yaml:"annotations,omitempty"`
		PageAlert   *slothAlert       `yaml:"page_alert,omitempty"`
		TicketAlert *slothAlert       `yaml:"ticket_alert,omitempty"`
	} `yaml:"alerting"`
}

// sloth.slok.dev/v1

type slothK8s struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name        string            `yaml:"name"`
		Namespace   string            `yaml:"namespace,omitempty"`
		Labels      map[string]string `yaml:"labels,omitempty"`
		Annotations map[string]string `yaml:"annotations,omitempty"`
	} `yaml:"metadata"`
	Spec struct {
		Service    string            `yaml:"service"`
		Labels     map[string]string `yaml:"labels,omitempty"`
		SLOPlugins *slothPlugins     `yaml:"sloPlugins,omitempty"`
		SLOs       []struct {
			Name        string            `yaml:"name"`
			Description string            `yaml:"description,omitempty"`
			Objective   float64           `yaml:"objective"`
			Labels      map[string]string `yaml:"labels,omitempty"`
			Plugins     *slothPlugins     `yaml:"plugins,omitempty"`
			SLI         struct {
				Events *struct {
					ErrorQuery string `yaml:"errorQuery"`
					TotalQuery string `yaml:"totalQuery"`
				} `yaml:"events,omitempty"`
				Raw *struct {
					ErrorRatioQuery string `yaml:"errorRatioQuery"`
				} `yaml:"raw,omitempty"`
				Plugin *slothSLIPlugin `yaml:"plugin,omitempty"`
			} `yaml:"sli"`
			Alerting struct {
				Name        string            `yaml:"name,omitempty"`
				Labels      map[string]string `yaml:"labels,omitempty"`
				Annotations map[string]string `yaml:"annotations,omitempty"`
				PageAlert   *slothAlert       `yaml:"pageAlert,omitempty"`
				TicketAlert *slothAlert       `yaml:"ticketAlert,omitempty"`
			} `yaml:"alerting"`
		} `yaml:"slos"`
	} `yaml:"spec"`
}

// toV1 writes a PrometheusServiceLevel as the prometheus/v1 spec it
// mirrors, and the field prefix its paths have in the file.
func (k slothK8s) toV1() slothSpec {
	s := slothSpec{Version: slothVersion, Service: k.Spec.Service, Labels: k.Spec.Labels, SLOPlugins: k.Spec.SLOPlugins}
	for _, ks := range k.Spec.SLOs {
		var o slothSLO
		o.Name, o.Description, o.Objective, o.Labels, o.Plugins = ks.Name, ks.Description, ks.Objective, ks.Labels, ks.Plugins
		if e := ks.SLI.Events; e != nil {
			o.SLI.Events = &struct {
				ErrorQuery string `yaml:"error_query"`
				TotalQuery string `yaml:"total_query"`
			}{e.ErrorQuery, e.TotalQuery}
		}
		if r := ks.SLI.Raw; r != nil {
			o.SLI.Raw = &struct {
				ErrorRatioQuery string `yaml:"error_ratio_query"`
			}{r.ErrorRatioQuery}
		}
		o.SLI.Plugin = ks.SLI.Plugin
		o.Alerting.Name, o.Alerting.Labels, o.Alerting.Annotations = ks.Alerting.Name, ks.Alerting.Labels, ks.Alerting.Annotations
		o.Alerting.PageAlert, o.Alerting.TicketAlert = ks.Alerting.PageAlert, ks.Alerting.TicketAlert
		s.SLOs = append(s.SLOs, o)
	}
	return s
}

// slothNames are the field names of one spec version.
type slothNames struct {
	prefix                                   string // "" or "spec."
	errorQuery, totalQuery, errorRatio       string
	pageAlert, ticketAlert, sloPlugins, kind string
}

var (
	slothV1Names  = slothNames{"", "error_query", "total_query", "error_ratio_query", "page_alert", "ticket_alert", "slo_plugins", slothVersion}
	slothK8sNames = slothNames{"spec.", "errorQuery", "totalQuery", "errorRatioQuery", "pageAlert", "ticketAlert", "sloPlugins", slothK8sVersion}
)

// SlothWindow is the SLO window Sloth uses unless its --default-slo-period
// says otherwise.
const SlothWindow = 30 * budget.Day

// SlothAlerts are the multiwindow alerts Sloth generates: its page alert
// is two pairs, its ticket alert two more (the SRE Workbook's set).
func SlothAlerts(page, ticket bool) []budget.AlertWindow {
	var out []budget.AlertWindow
	for _, a := range budget.DefaultAlertWindows() {
		if (a.Severity == budget.Page && page) || (a.Severity == budget.Ticket && ticket) {
			out = append(out, a)
		}
	}
	return out
}

// ImportSloth reads Sloth specs, prometheus/v1 or sloth.slok.dev/v1
// PrometheusServiceLevel (several documents a file), and maps them into
// nines/v1 service specs with a note for every field.
func ImportSloth(files []File, opts ImportOptions) (*Imported, error) {
	c := &checker{}
	m := &osMapper{c: c, services: map[string]*draftService{}, slothPeriod: opts.SlothPeriod}
	for _, f := range files {
		for _, d := range c.splitDocuments(f) {
			if d.mapping() == nil {
				c.addf(d.file, d.root.Line, "", "not a Sloth spec: expected a mapping")
				continue
			}
			switch {
			case d.scalar("version") == slothVersion:
				var s slothSpec
				if c.decode(d, &s) {
					m.slothService(d, s, slothV1Names)
				}
			case d.scalar("apiVersion") == slothK8sVersion:
				if k := d.scalar("kind"); k != slothK8sKind {
					c.addf(d.file, d.lineOf("kind"), "kind", "unknown kind %q: nines reads %s", k, slothK8sKind)
					continue
				}
				var k slothK8s
				if c.decode(d, &k) {
					m.slothService(d, k.toV1(), slothK8sNames)
				}
			case d.scalar("version") != "":
				c.addf(d.file, d.lineOf("version"), "version", "unsupported version %q: nines reads Sloth's %s and %s %s", d.scalar("version"), slothVersion, slothK8sVersion, slothK8sKind)
			case d.scalar("apiVersion") != "":
				c.addf(d.file, d.lineOf("apiVersion"), "apiVersion", "unsupported apiVersion %q: nines reads Sloth's %s %s and %s", d.scalar("apiVersion"), slothK8sVersion, slothK8sKind, slothVersion)
			default:
				c.addf(d.file, d.mapping().Line, "version", "missing: a Sloth spec starts with version: %s (or apiVersion: %s)", slothVersion, slothK8sVersion)
			}
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	var list []*draftService
	for _, n := range sortedKeys(m.services) {
		list = append(list, m.services[n])
	}
	out, err := build(list, opts, &m.notes)
	if err != nil {
		return nil, err
	}
	sortNotes(m.notes)
	return &Imported{Services: out, Notes: m.notes}, nil
}

func (m *osMapper) slothService(d document, s slothSpec, n slothNames) {
	p := n.prefix
	svcName, changed := ninesName(s.Service)
	a := at{m: m, doc: d, object: "service " + s.Service, target: svcName}
	if s.Service == "" || !slo.ValidName(svcName) {
		a.problem(p+"service", "missing or invalid service name %q", s.Service)
		return
	}
	if _, dup := m.services[svcName]; dup {
		a.problem(p+"service", "service %q is defined twice", s.Service)
		return
	}
	ds := m.service(svcName, d.file)
	if changed {
		a.note(p+"service", Approximated, "service", "renamed %s: nines names are lower case letters, digits, '.', '_' and '-'", svcName)
	} else {
		a.note(p+"service", Exact, "service", "")
	}
	if len(s.Labels) > 0 {
		ds.labels = s.Labels
		a.note(p+"labels", Approximated, "labels", "kept as the service's labels; Sloth adds them to every rule it generates, nines rules carry service, slo and tier")
	}
	if s.SLOPlugins != nil {
		a.note(p+n.sloPlugins, Dropped, "", "Sloth SLO plugins change the rules Sloth generates; nines has none")
	}
	if len(s.SLOs) == 0 {
		a.problem(p+"slos", "no SLOs defined")
	}
	for i, o := range s.SLOs {
		f := fmt.Sprintf("%sslos[%d]", p, i)
		name, renamed := ninesName(o.Name)
		sa := at{m: m, doc: d, object: fmt.Sprintf("slos[%d] %s", i, o.Name), target: svcName + "/" + name}
		if !slo.ValidName(name) {
			sa.problem(f+".name", "missing or invalid SLO name %q", o.Name)
			continue
		}
		if renamed {
			sa.note(f+".name", Approximated, "name", "renamed from %q: nines names are lower case letters, digits, '.', '_' and '-'", o.Name)
		} else {
			sa.note(f+".name", Exact, "name", "")
		}
		if o.Description != "" {
			sa.note(f+".description", Exact, "description", "")
		}
		if !(o.Objective > 0 && o.Objective < 100) {
			sa.problem(f+".objective", "must be a percent in (0, 100), got %v", o.Objective)
			continue
		}
		sa.note(f+".objective", Exact, "objective", "")
		if len(o.Labels) > 0 {
			sa.note(f+".labels", Dropped, "", "nines keeps labels per service, not per SLO")
		}
		if o.Plugins != nil {
			sa.note(f+".plugins", Dropped, "", "Sloth SLO plugins change the rules Sloth generates; nines has none")
		}
		var spec SLISpec
		sf := f + ".sli"
		switch {
		case o.SLI.Events != nil:
			e := o.SLI.Events
			bad, ok1 := m.slothQuery(sa, sf+".events."+n.errorQuery, e.ErrorQuery, true)
			total, ok2 := m.slothQuery(sa, sf+".events."+n.totalQuery, e.TotalQuery, true)
			if !ok1 || !ok2 {
				continue
			}
			spec.Events = &EventsSpec{Bad: bad, Total: total}
		case o.SLI.Raw != nil:
			q, ok := m.slothQuery(sa, sf+".raw."+n.errorRatio, o.SLI.Raw.ErrorRatioQuery, false)
			if !ok {
				continue
			}
			spec.Raw = &RawSpec{ErrorRatio: q}
		case o.SLI.Plugin != nil:
			sa.note(sf+".plugin", Dropped, "", "SLI plugin %q builds its queries inside Sloth; write them as events or raw; the SLO is not imported", o.SLI.Plugin.ID)
			continue
		default:
			sa.problem(sf, "missing SLI: events, raw or plugin")
			continue
		}
		window := slo.Window{Rolling: SlothWindow, Location: time.UTC}
		if m.slothPeriod > 0 {
			window.Rolling = m.slothPeriod
			sa.note(f, Exact, "window", "%s, given with --sloth-period (Sloth's --default-slo-period)", durationString(m.slothPeriod))
		} else {
			sa.note(f, Approximated, "window", "Sloth's period is a command-line option (--default-slo-period, default 30d), not in the spec: 30d; --sloth-period gives another")
		}
		page := o.Alerting.PageAlert == nil || !o.Alerting.PageAlert.Disable
		ticket := o.Alerting.TicketAlert == nil || !o.Alerting.TicketAlert.Disable
		af := f + ".alerting"
		var alerts []budget.AlertWindow
		switch {
		case page || ticket:
			alerts = SlothAlerts(page, ticket)
			if page {
				sa.note(af+"."+n.pageAlert, Exact, "alerts", "page: 14.4x over 1h and 5m, 6x over 6h and 30m, as Sloth generates")
			} else {
				sa.note(af+"."+n.pageAlert, Exact, "alerts", "disabled: no page alerts")
			}
			if ticket {
				sa.note(af+"."+n.ticketAlert, Exact, "alerts", "ticket: 3x over 1d and 2h, 1x over 3d and 6h, as Sloth generates")
			} else {
				sa.note(af+"."+n.ticketAlert, Exact, "alerts", "disabled: no ticket alerts")
			}
		default:
			sa.note(af, Dropped, "", "both alerts disabled: a nines SLO always has burn-rate alerts, the tier's apply")
		}
		if o.Alerting.Name != "" || len(o.Alerting.Labels) > 0 || len(o.Alerting.Annotations) > 0 ||
			(o.Alerting.PageAlert != nil && (len(o.Alerting.PageAlert.Labels) > 0 || len(o.Alerting.PageAlert.Annotations) > 0)) ||
			(o.Alerting.TicketAlert != nil && (len(o.Alerting.TicketAlert.Labels) > 0 || len(o.Alerting.TicketAlert.Annotations) > 0)) {
			sa.note(af+".name", Dropped, "", "alert names, labels and annotations: nines alerts are NinesErrorBudgetBurn with service, slo, tier and severity labels; route on those in Alertmanager")
		}
		ds.slos = append(ds.slos, &draft{
			service: svcName, name: name, description: o.Description, objective: roundTo(o.Objective, 10),
			window: &window, alerts: alerts, sli: spec,
			file: d.file, object: sa.object, line: d.lineOf(f), objField: f + ".objective", winField: f, alertField: af,
		})
	}
}

// slothQuery checks one Sloth query and writes it as a nines template.
func (m *osMapper) slothQuery(a at, field, q string, events bool) (string, bool) {
	if strings.TrimSpace(q) == "" {
		a.problem(field, "missing query")
		return "", false
	}
	if !hasWindow(q) {
		a.problem(field, "query has no {{.window}} placeholder, which Sloth requires")
		return "", false
	}
	t := normalizeWindow(q)
	if events {
		if r, changed := rateToIncrease(t); changed {
			a.note(field, Exact, "sli", "rate() read as increase(): the same ratio, and the counts nines needs for min_events and the budget in events")
			return r, true
		}
	}
	a.note(field, Exact, "sli", "")
	return t, true
}
