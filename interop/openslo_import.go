package interop

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/slo"
)

// Annotations nines writes on export and reads back on import, so that what
// OpenSLO has no field for survives a round trip.
const (
	// AnnotationSLO is an SLO's nines name (OpenSLO names are unique
	// across services, nines names within a service).
	AnnotationSLO = "nines/slo"
	// AnnotationService is a Service's nines name, when OpenSLO's
	// (RFC 1123: no '.' or '_') differs.
	AnnotationService = "nines/service"
	// AnnotationTier is a Service's nines tier.
	AnnotationTier = "nines/tier"
	// AnnotationShortWindow is the short window of a multiwindow alert,
	// which an OpenSLO condition (one lookbackWindow) cannot hold.
	AnnotationShortWindow = "nines/short-window"
)

// located is a decoded object with the document it came from.
type located[T any] struct {
	doc document
	obj T
}

// openSLOSet is every object of the files, by kind and name.
type openSLOSet struct {
	services    map[string]located[osService]
	slis        map[string]located[osSLI]
	slos        []located[osSLO]
	policies    map[string]located[osAlertPolicy]
	conditions  map[string]located[osAlertCondition]
	targets     map[string]located[osNotificationTarget]
	dataSources map[string]located[osDataSource]
	usedSLIs    map[string]bool
}

// ImportOpenSLO reads OpenSLO v1 documents (several a file) and maps them
// into nines/v1 service specs, one per service, with a note for every field
// it mapped, approximated or dropped. Invalid input is a
// *slo.ValidationError with file, line and field.
func ImportOpenSLO(files []File, opts ImportOptions) (*Imported, error) {
	c := &checker{}
	set := &openSLOSet{
		services: map[string]located[osService]{}, slis: map[string]located[osSLI]{},
		policies: map[string]located[osAlertPolicy]{}, conditions: map[string]located[osAlertCondition]{},
		targets: map[string]located[osNotificationTarget]{}, dataSources: map[string]located[osDataSource]{},
		usedSLIs: map[string]bool{},
	}
	for _, f := range files {
		for _, d := range c.splitDocuments(f) {
			set.add(c, d)
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	m := &osMapper{set: set, c: c, services: map[string]*draftService{}}
	for _, s := range set.slos {
		m.slo(s)
	}
	m.leftovers()
	if err := c.err(); err != nil {
		return nil, err
	}
	var list []*draftService
	for _, ds := range m.services {
		list = append(list, ds)
	}
	out, err := build(list, opts, &m.notes)
	if err != nil {
		return nil, err
	}
	sortNotes(m.notes)
	return &Imported{Services: out, Notes: m.notes}, nil
}

func sortNotes(notes []Note) {
	sort.SliceStable(notes, func(i, j int) bool {
		if notes[i].File != notes[j].File {
			return notes[i].File < notes[j].File
		}
		return notes[i].Line < notes[j].Line
	})
}

// add decodes one document by its kind.
func (s *openSLOSet) add(c *checker, d document) {
	if d.mapping() == nil {
		c.addf(d.file, d.root.Line, "", "not an OpenSLO object: expected a mapping with apiVersion, kind, metadata and spec")
		return
	}
	switch v := d.scalar("apiVersion"); v {
	case OpenSLOVersion:
	case "":
		c.addf(d.file, d.lineOf("apiVersion"), "apiVersion", "missing: OpenSLO objects start with apiVersion: %s", OpenSLOVersion)
		return
	default:
		c.addf(d.file, d.lineOf("apiVersion"), "apiVersion", "unsupported apiVersion %q: nines reads %s", v, OpenSLOVersion)
		return
	}
	kind := d.scalar("kind")
	name := ""
	if md := child(d.mapping(), "metadata"); md != nil {
		if n := child(md, "name"); n != nil {
			name = n.Value
		}
	}
	if name == "" {
		c.addf(d.file, d.lineOf("metadata"), "metadata.name", "missing name")
		return
	}
	dup := func(seen bool) bool {
		if seen {
			c.addf(d.file, d.lineOf("metadata.name"), "metadata.name", "%s %q is defined twice", kind, name)
		}
		return seen
	}
	switch kind {
	case "Service":
		keepNamed(c, d, name, s.services, dup)
	case "SLI":
		keepNamed(c, d, name, s.slis, dup)
	case "SLO":
		var o osSLO
		if c.decode(d, &o) {
			for _, prev := range s.slos {
				if prev.obj.Metadata.Name == name {
					dup(true)
					return
				}
			}
			s.slos = append(s.slos, located[osSLO]{d, o})
		}
	case "AlertPolicy":
		keepNamed(c, d, name, s.policies, dup)
	case "AlertCondition":
		keepNamed(c, d, name, s.conditions, dup)
	case "AlertNotificationTarget":
		keepNamed(c, d, name, s.targets, dup)
	case "DataSource":
		keepNamed(c, d, name, s.dataSources, dup)
	case "":
		c.addf(d.file, d.lineOf("kind"), "kind", "missing: one of Service, SLO, SLI, AlertPolicy, AlertCondition, AlertNotificationTarget, DataSource")
	default:
		c.addf(d.file, d.lineOf("kind"), "kind", "unknown kind %q: OpenSLO v1 has Service, SLO, SLI, AlertPolicy, AlertCondition, AlertNotificationTarget and DataSource", kind)
	}
}

// osMapper maps the objects of an openSLOSet.
type osMapper struct {
	set      *openSLOSet
	c        *checker
	notes    []Note
	services map[string]*draftService
	// slothPeriod is ImportOptions.SlothPeriod (Sloth only).
	slothPeriod time.Duration
}

// at builds notes about one object of one document.
type at struct {
	m      *osMapper
	doc    document
	object string
	target string // "service/slo"
}

func (a at) note(field string, o Outcome, target, format string, args ...any) {
	if target != "" && a.target != "" {
		target = a.target + " " + target
	} else if target == "" {
		target = a.target
	}
	a.m.notes = append(a.m.notes, Note{File: a.doc.file, Line: a.doc.lineOf(field), Object: a.object, Field: field, Outcome: o, Target: target, Reason: fmt.Sprintf(format, args...)})
}

func (a at) problem(field, format string, args ...any) {
	a.m.c.addf(a.doc.file, a.doc.lineOf(field), field, format, args...)
}

// serviceName is the nines name of OpenSLO service name: its Service's
// nines/service annotation, else the name made a nines name. It reports
// whether the name changed other than by the annotation.
func (m *osMapper) serviceName(name string) (string, bool) {
	if l, ok := m.set.services[name]; ok {
		if n := l.obj.Metadata.Annotations[AnnotationService]; n != "" && slo.ValidName(n) {
			return n, false
		}
	}
	return ninesName(name)
}

// service is the draft of service name, made on first use.
func (m *osMapper) service(name, file string) *draftService {
	ds, ok := m.services[name]
	if !ok {
		ds = &draftService{name: name}
		m.services[name] = ds
	}
	for _, f := range ds.sources {
		if f == file {
			return ds
		}
	}
	ds.sources = append(ds.sources, file)
	return ds
}

func (m *osMapper) slo(l located[osSLO]) {
	o, d := l.obj, l.doc
	a := at{m: m, doc: d, object: "SLO " + o.Metadata.Name}
	if o.Spec.Service == "" {
		a.problem("spec.service", "missing: the name of the service the SLO belongs to")
		return
	}
	svcName, changed := m.serviceName(o.Spec.Service)
	if !slo.ValidName(svcName) {
		a.problem("spec.service", "service name %q cannot be made a nines name", o.Spec.Service)
		return
	}
	name := o.Metadata.Name
	nameField := "metadata.name"
	if n := o.Metadata.Annotations[AnnotationSLO]; n != "" {
		name, nameField = n, "metadata.annotations"
	}
	name, nameChanged := ninesName(name)
	prefixed := false
	if nameField == "metadata.name" && strings.HasPrefix(name, svcName+"-") && slo.ValidName(strings.TrimPrefix(name, svcName+"-")) {
		name, prefixed = strings.TrimPrefix(name, svcName+"-"), true
	}
	if !slo.ValidName(name) {
		a.problem(nameField, "SLO name %q cannot be made a nines name", name)
		return
	}
	a.target = svcName + "/" + name
	ds := m.service(svcName, d.file)
	if changed {
		a.note("spec.service", Approximated, "", "service %q renamed %s: nines names are lower case letters, digits, '.', '_' and '-'", o.Spec.Service, svcName)
	} else {
		a.note("spec.service", Exact, "service", "")
	}
	if nameChanged {
		a.note(nameField, Approximated, "name", "renamed from %q: nines names are lower case letters, digits, '.', '_' and '-'", o.Metadata.Name)
	} else if prefixed {
		a.note(nameField, Exact, "name", "without the service's prefix: nines names an SLO within its service")
	} else if nameField == "metadata.annotations" {
		a.note(nameField, Exact, "name", "from the %s annotation", AnnotationSLO)
	} else {
		a.note(nameField, Exact, "name", "")
	}
	m.metadataNotes(a, o.Metadata, "an SLO")
	description := o.Spec.Description
	switch {
	case description != "":
		a.note("spec.description", Exact, "description", "")
		if o.Metadata.DisplayName != "" {
			a.note("metadata.displayName", Dropped, "", "nines has no display name; the description is kept")
		}
	case o.Metadata.DisplayName != "":
		description = o.Metadata.DisplayName
		a.note("metadata.displayName", Approximated, "description", "nines has no display name: it becomes the description")
	}

	// The indicator.
	var sli *osSLISpec
	sliField := "spec.indicator.spec"
	sliAt := a // where the SLI's fields are: this SLO, or the SLI it names
	switch {
	case o.Spec.Indicator != nil && o.Spec.IndicatorRef != "":
		a.problem("spec.indicatorRef", "give indicator or indicatorRef, not both")
		return
	case o.Spec.Indicator != nil:
		sli = &o.Spec.Indicator.Spec
		a.note("spec.indicator", Exact, "sli", "inline SLI %s", o.Spec.Indicator.Metadata.Name)
	case o.Spec.IndicatorRef != "":
		ref, ok := m.set.slis[o.Spec.IndicatorRef]
		if !ok {
			a.problem("spec.indicatorRef", "names no SLI in the files given (%q): add the file that defines it", o.Spec.IndicatorRef)
			return
		}
		m.set.usedSLIs[o.Spec.IndicatorRef] = true
		sli = &ref.obj.Spec
		sliField = "spec"
		sliAt = at{m: m, doc: ref.doc, object: "SLI " + o.Spec.IndicatorRef}
		a.note("spec.indicatorRef", Exact, "sli", "SLI %s (%s:%d)", o.Spec.IndicatorRef, ref.doc.file, ref.doc.lineOf("spec"))
	default:
		a.problem("spec", "missing indicator: give indicator or indicatorRef")
		return
	}

	// The budgeting method.
	switch o.Spec.BudgetingMethod {
	case "Occurrences":
		a.note("spec.budgetingMethod", Exact, "sli", "events: good over total events")
	case "Timeslices", "RatioTimeslices":
		a.note("spec.budgetingMethod", Approximated, "sli", "nines budgets events, not time slices: the availability is the ratio of all good to all events in the window, which equals %s only when traffic is even across slices; timeSliceTarget and timeSliceWindow are not used", o.Spec.BudgetingMethod)
	case "":
		a.problem("spec.budgetingMethod", "missing: Occurrences, Timeslices or RatioTimeslices")
		return
	default:
		a.problem("spec.budgetingMethod", "unknown budgeting method %q: use Occurrences, Timeslices or RatioTimeslices", o.Spec.BudgetingMethod)
		return
	}

	window := m.window(a, o.Spec.TimeWindow)
	var guessed []int
	alerts := m.alerts(a, o.Spec.AlertPolicies, &guessed)

	if len(o.Spec.Objectives) == 0 {
		a.problem("spec.objectives", "missing: at least one objective with target or targetPercent")
		return
	}
	for i, ob := range o.Spec.Objectives {
		f := fmt.Sprintf("spec.objectives[%d]", i)
		oname := name
		if len(o.Spec.Objectives) > 1 {
			part := slug(ob.DisplayName)
			if part == "" {
				part = strconv.Itoa(i + 1)
			}
			oname, _ = ninesName(name + "-" + part)
		}
		oa := a
		oa.target = svcName + "/" + oname
		if len(o.Spec.Objectives) > 1 {
			oa.note(f, Approximated, "", "objective %d of %d becomes an SLO of its own: a nines SLO has one objective", i+1, len(o.Spec.Objectives))
		}
		var pct float64
		switch {
		case ob.Target != nil && ob.TargetPercent != nil:
			a.problem(f+".targetPercent", "give target or targetPercent, not both")
			continue
		case ob.Target != nil:
			if *ob.Target <= 0 || *ob.Target >= 1 {
				a.problem(f+".target", "must be in (0, 1), got %v", *ob.Target)
				continue
			}
			pct = percent(*ob.Target)
			oa.note(f+".target", Exact, "objective", "%s%%", formatFloat(pct))
		case ob.TargetPercent != nil:
			if *ob.TargetPercent <= 0 || *ob.TargetPercent >= 100 {
				a.problem(f+".targetPercent", "must be in (0, 100), got %v", *ob.TargetPercent)
				continue
			}
			pct = roundTo(*ob.TargetPercent, 10)
			oa.note(f+".targetPercent", Exact, "objective", "")
		default:
			a.problem(f, "missing target or targetPercent")
			continue
		}
		if ob.Indicator != nil || ob.IndicatorRef != "" || ob.CompositeWeight != nil {
			oa.note(f, Dropped, "", "a composite objective (its own indicator or weight): nines composites are not imported")
			continue
		}
		if ob.TimeSliceTarget != nil {
			oa.note(f+".timeSliceTarget", Dropped, "", "nines budgets events, not time slices (see budgetingMethod)")
		}
		if ob.TimeSliceWindow != nil {
			oa.note(f+".timeSliceWindow", Dropped, "", "nines budgets events, not time slices (see budgetingMethod)")
		}
		var spec SLISpec
		var ok bool
		sa := sliAt
		sa.target = oa.target
		if sli.ThresholdMetric != nil {
			spec, pct, ok = m.threshold(sa, sliField, sli, ob, pct, f)
		} else {
			if ob.Op != "" || ob.Value != nil {
				oa.note(f+".op", Dropped, "", "op and value apply to a thresholdMetric only")
			}
			spec, ok = m.sli(sa, sliField, sli)
		}
		if !ok {
			continue
		}
		if sli.Description != "" && description == "" {
			description = sli.Description
		}
		ds.slos = append(ds.slos, &draft{
			service: svcName, name: oname, description: description, objective: pct,
			window: window, alerts: append([]budget.AlertWindow(nil), alerts...), guessedShort: guessed, sli: spec,
			file: d.file, object: a.object, line: d.lineOf("spec"),
			objField: f, winField: "spec.timeWindow", alertField: "spec.alertPolicies",
		})
	}
}

// metadataNotes notes the labels and annotations nines does not keep.
func (m *osMapper) metadataNotes(a at, md osMetadata, what string) {
	if len(md.Labels) > 0 {
		a.note("metadata.labels", Dropped, "", "nines keeps labels per service, not per %s", strings.TrimPrefix(strings.TrimPrefix(what, "an "), "a "))
	}
	for k := range md.Annotations {
		if !strings.HasPrefix(k, "nines/") {
			a.note("metadata.annotations", Dropped, "", "annotations are for the implementation that wrote them; nines keeps none of %s's", what)
			break
		}
	}
}

// sli maps a ratio SLI.
func (m *osMapper) sli(a at, field string, s *osSLISpec) (SLISpec, bool) {
	r := s.RatioMetric
	if r == nil {
		a.note(field, Dropped, "", "the SLI has neither ratioMetric nor thresholdMetric: the SLO is not imported")
		return SLISpec{}, false
	}
	if r.Raw != nil {
		q, ok := m.leg(a, field+".ratioMetric.raw", r.Raw, r.Counter, true)
		if !ok {
			return SLISpec{}, false
		}
		switch r.RawType {
		case "failure":
			a.note(field+".ratioMetric.rawType", Exact, "sli raw error_ratio", "")
		case "success":
			q = "1 - (" + q + ")"
			a.note(field+".ratioMetric.rawType", Exact, "sli raw error_ratio", "a success ratio: the error ratio is 1 minus it")
		default:
			a.problem(field+".ratioMetric.rawType", "must be success or failure with raw, got %q", r.RawType)
			return SLISpec{}, false
		}
		return SLISpec{Raw: &RawSpec{ErrorRatio: q}}, true
	}
	if r.Total == nil {
		a.problem(field+".ratioMetric.total", "missing: give good or bad with total, or raw")
		return SLISpec{}, false
	}
	if (r.Good == nil) == (r.Bad == nil) {
		a.problem(field+".ratioMetric", "give exactly one of good and bad, with total")
		return SLISpec{}, false
	}
	total, ok := m.leg(a, field+".ratioMetric.total", r.Total, r.Counter, false)
	if !ok {
		return SLISpec{}, false
	}
	if r.Good != nil {
		good, ok := m.leg(a, field+".ratioMetric.good", r.Good, r.Counter, false)
		if !ok {
			return SLISpec{}, false
		}
		if l, ok := asLatency(good, total); ok {
			a.note(field+".ratioMetric", Exact, "sli latency", "the queries nines builds for a latency SLI")
			return SLISpec{Latency: l}, true
		}
		if p, ok := asProbe(good, total); ok {
			a.note(field+".ratioMetric", Exact, "sli probe", "the queries nines builds for a probe SLI")
			return SLISpec{Probe: p}, true
		}
		return SLISpec{Events: &EventsSpec{Good: good, Total: total}}, true
	}
	bad, ok := m.leg(a, field+".ratioMetric.bad", r.Bad, r.Counter, false)
	if !ok {
		return SLISpec{}, false
	}
	return SLISpec{Events: &EventsSpec{Bad: bad, Total: total}}, true
}

// leg turns one metricSource into a nines query template.
func (m *osMapper) leg(a at, field string, mt *osMetric, counter *bool, ratio bool) (string, bool) {
	ms := mt.MetricSource
	typ := ms.Type
	if ms.MetricSourceRef != "" {
		if src, ok := m.set.dataSources[ms.MetricSourceRef]; ok {
			if typ == "" {
				typ = src.obj.Spec.Type
			}
		} else if typ == "" {
			a.note(field+".metricSource.metricSourceRef", Dropped, "", "DataSource %q is not in the files given and no type is set: the SLO is not imported", ms.MetricSourceRef)
			return "", false
		}
		a.note(field+".metricSource.metricSourceRef", Dropped, "", "nines reads the one source of --prometheus.url or --source, not a DataSource per query")
	}
	if !strings.EqualFold(typ, "prometheus") {
		a.note(field+".metricSource.type", Dropped, "", "metric source type %q: nines reads Prometheus (and compatible) only; the SLO is not imported", typ)
		return "", false
	}
	q, key := "", ""
	keys := make([]string, 0, len(ms.Spec))
	for k := range ms.Spec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, isString := ms.Spec[k].(string)
		switch {
		case (k == "query" || k == "promql") && isString && q == "":
			q, key = v, k
		default:
			a.note(field+".metricSource.spec."+k, Dropped, "", "not a query nines reads (it reads spec.query or spec.promql)")
		}
	}
	qf := field + ".metricSource.spec." + key
	if q == "" {
		a.note(field+".metricSource.spec", Dropped, "", "no spec.query or spec.promql: the SLO is not imported")
		return "", false
	}
	if hasWindow(q) {
		t := normalizeWindow(q)
		if !ratio {
			if r, changed := rateToIncrease(t); changed {
				a.note(qf, Exact, "sli", "rate() read as increase(): the same ratio, and the counts nines needs for min_events and the budget in events")
				return r, true
			}
		}
		a.note(qf, Exact, "sli", "")
		return t, true
	}
	if ratio {
		if t, ok := gaugeAverage(q); ok {
			a.note(qf, Approximated, "sli", "a stored ratio read as its mean over the window, %s: not weighted by traffic", t)
			return t, true
		}
		a.note(qf, Dropped, "", "a raw ratio query without {{.window}} that is not a plain selector: nines cannot choose its range; the SLO is not imported")
		return "", false
	}
	if counter != nil && !*counter {
		a.note(qf, Dropped, "", "counter: false (a gauge) without {{.window}}: nines counts events over windows; write the query with [{{.window}}]; the SLO is not imported")
		return "", false
	}
	if t, ok := counterTemplate(q); ok {
		a.note(qf, Exact, "sli", "a counter read over each window as %s", t)
		return t, true
	}
	a.note(qf, Dropped, "", "a query without {{.window}} that is not a counter selector: nines cannot choose its range; write it with [{{.window}}]; the SLO is not imported")
	return "", false
}

var quantileRE = regexp.MustCompile(`^histogram_quantile\(\s*([0-9.]+)\s*,\s*sum\s*(?:by\s*\(\s*le\s*\)\s*)?\(\s*(?:rate|increase)\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)_bucket(?:\{(.*)\})?\[[^\]]+\]\s*\)\s*\)\s*(?:by\s*\(\s*le\s*\)\s*)?\)$`)

// threshold maps a thresholdMetric: a histogram quantile under a bound
// becomes a latency SLI.
func (m *osMapper) threshold(a at, field string, s *osSLISpec, ob osObjective, pct float64, of string) (SLISpec, float64, bool) {
	q, _ := s.ThresholdMetric.MetricSource.Spec["query"].(string)
	if q == "" {
		q, _ = s.ThresholdMetric.MetricSource.Spec["promql"].(string)
	}
	sm := quantileRE.FindStringSubmatch(strings.TrimSpace(q))
	if !strings.EqualFold(s.ThresholdMetric.MetricSource.Type, "prometheus") || sm == nil || (ob.Op != "lt" && ob.Op != "lte") || ob.Value == nil || *ob.Value <= 0 {
		a.note(field+".thresholdMetric", Dropped, "", "a thresholdMetric compares a value with a bound per time slice; nines maps only histogram_quantile(q, sum by (le) (rate(x_bucket[..]))) with op lt or lte to a latency SLI; the SLO is not imported")
		return SLISpec{}, 0, false
	}
	labels := map[string]string{}
	if sm[3] != "" {
		var ok bool
		if labels, ok = parseMatchers(sm[3]); !ok {
			a.note(field+".thresholdMetric", Dropped, "", "label matchers other than equality: a nines latency SLI selects with label=value; the SLO is not imported")
			return SLISpec{}, 0, false
		}
	}
	qv, err := strconv.ParseFloat(sm[1], 64)
	if err != nil || qv <= 0 || qv >= 1 {
		a.note(field+".thresholdMetric", Dropped, "", "quantile %s is not in (0, 1)", sm[1])
		return SLISpec{}, 0, false
	}
	newPct := percent(qv)
	a.note(field+".thresholdMetric", Approximated, "sli latency", "the %s quantile at most %s per time slice (target %s%% of slices) becomes: %s%% of requests within %s, counted over the whole window; %s must be a bucket bound of %s", formatFloat(qv), formatFloat(*ob.Value), formatFloat(pct), formatFloat(newPct), formatFloat(*ob.Value), formatFloat(*ob.Value), sm[2])
	return SLISpec{Latency: &LatencySpec{Metric: sm[2], Labels: nilIfEmpty(labels), Threshold: *ob.Value}}, newPct, true
}

var shorthandRE = regexp.MustCompile(`^([1-9][0-9]*)([mhdwMQY])$`)

// shorthand reads an OpenSLO duration shorthand: a count and a unit.
func shorthand(s string) (int, byte, bool) {
	sm := shorthandRE.FindStringSubmatch(s)
	if sm == nil {
		return 0, 0, false
	}
	n, err := strconv.Atoi(sm[1])
	if err != nil || n > 100000 {
		return 0, 0, false
	}
	return n, sm[2][0], true
}

// fixedLength is the length of n units, with the go-sdk's fixed month (30d),
// quarter (90d) and year (365d) for units that have none.
func fixedLength(n int, unit byte) time.Duration {
	d := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': budget.Day, 'w': 7 * budget.Day, 'M': 30 * budget.Day, 'Q': 90 * budget.Day, 'Y': 365 * budget.Day}[unit]
	return time.Duration(n) * d
}

// window maps spec.timeWindow.
func (m *osMapper) window(a at, tws []osTimeWindow) *slo.Window {
	if len(tws) == 0 {
		return nil
	}
	if len(tws) > 1 {
		a.note("spec.timeWindow[1]", Dropped, "", "OpenSLO allows exactly one time window; nines uses the first")
	}
	tw := tws[0]
	f := "spec.timeWindow[0]"
	n, unit, ok := shorthand(tw.Duration)
	if !ok {
		a.problem(f+".duration", "invalid duration %q: a whole number and one of m, h, d, w, M, Q, Y (such as 30d or 1M)", tw.Duration)
		return nil
	}
	rolling := tw.Calendar == nil
	if tw.IsRolling != nil && *tw.IsRolling != rolling {
		if *tw.IsRolling {
			a.problem(f+".calendar", "a rolling window (isRolling: true) has no calendar")
		} else {
			a.problem(f+".calendar", "missing: a calendar window (isRolling: false) needs calendar.startTime and calendar.timeZone")
		}
		return nil
	}
	if rolling {
		w := slo.Window{Rolling: fixedLength(n, unit), Location: time.UTC}
		switch unit {
		case 'M', 'Q', 'Y':
			a.note(f+".duration", Approximated, "window", "a rolling %s has no fixed length: %s", tw.Duration, durationString(w.Rolling))
		default:
			a.note(f+".duration", Exact, "window", "rolling %s", durationString(w.Rolling))
		}
		return &w
	}
	loc, err := time.LoadLocation(tw.Calendar.TimeZone)
	if err != nil || tw.Calendar.TimeZone == "" {
		a.problem(f+".calendar.timeZone", "unknown time zone %q: use an IANA name such as Europe/Berlin", tw.Calendar.TimeZone)
		return nil
	}
	start, err := time.ParseInLocation("2006-01-02 15:04:05", tw.Calendar.StartTime, loc)
	if err != nil {
		a.problem(f+".calendar.startTime", "invalid start time %q: use YYYY-MM-DD HH:MM:SS", tw.Calendar.StartTime)
		return nil
	}
	var cal slo.Calendar
	switch {
	case n == 1 && unit == 'M':
		cal = slo.Month
	case n == 1 && unit == 'Q':
		cal = slo.Quarter
	case (n == 3 && unit == 'M'):
		cal = slo.Quarter
	default:
		w := slo.Window{Rolling: fixedLength(n, unit), Location: time.UTC}
		a.note(f, Approximated, "window", "a calendar %s: nines's calendar windows are month and quarter; a rolling %s instead", tw.Duration, durationString(w.Rolling))
		return &w
	}
	w := slo.Window{Calendar: cal, Location: loc}
	aligned := start.Day() == 1 && start.Hour() == 0 && start.Minute() == 0 && start.Second() == 0 && (cal == slo.Month || (start.Month()-1)%3 == 0)
	if aligned {
		a.note(f, Exact, "window", "calendar %s in %s", cal, loc)
	} else {
		a.note(f+".calendar.startTime", Approximated, "window", "calendar %s in %s: nines periods start on the first day of the %s at 00:00, not at %s", cal, loc, cal, tw.Calendar.StartTime)
	}
	return &w
}

// alerts maps the SLO's alert policies into alert windows; nil when none
// was mapped.
// The indices of the alerts whose short window was guessed go to guesses.
func (m *osMapper) alerts(a at, items []osAlertPolicyItem, guesses *[]int) []budget.AlertWindow {
	var out []budget.AlertWindow
	for i, it := range items {
		f := fmt.Sprintf("spec.alertPolicies[%d]", i)
		var spec *osAlertPolicySpec
		var md *osMetadata
		pa := a
		switch {
		case it.AlertPolicyRef != "":
			ref, ok := m.set.policies[it.AlertPolicyRef]
			if !ok {
				a.problem(f+".alertPolicyRef", "names no AlertPolicy in the files given (%q): add the file that defines it", it.AlertPolicyRef)
				continue
			}
			spec, md = &ref.obj.Spec, &ref.obj.Metadata
			pa = at{m: m, doc: ref.doc, object: "AlertPolicy " + it.AlertPolicyRef, target: a.target}
			f = "spec"
		case it.Spec != nil:
			spec, md = it.Spec, it.Metadata
			f += ".spec"
		default:
			a.problem(f, "give alertPolicyRef or an inline AlertPolicy (kind, metadata, spec)")
			continue
		}
		var ann map[string]string
		if md != nil {
			ann = md.Annotations
		}
		if spec.AlertWhenNoData != nil && *spec.AlertWhenNoData {
			pa.note(f+".alertWhenNoData", Dropped, "", "nines reports no data in every output and its gate follows the tier's no_data policy; it writes no no-data alert")
		}
		if spec.AlertWhenResolved != nil {
			pa.note(f+".alertWhenResolved", Dropped, "", "resolved notifications are Alertmanager's (send_resolved)")
		}
		if len(spec.NotificationTargets) > 0 {
			pa.note(f+".notificationTargets", Dropped, "", "nines alerts carry service, slo, tier and severity labels; route them in Alertmanager")
		}
		for j, ci := range spec.Conditions {
			cf := fmt.Sprintf("%s.conditions[%d]", f, j)
			ca := pa
			var cs *osAlertConditionSpec
			cann := ann
			switch {
			case ci.ConditionRef != "":
				ref, ok := m.set.conditions[ci.ConditionRef]
				if !ok {
					ca.problem(cf+".conditionRef", "names no AlertCondition in the files given (%q): add the file that defines it", ci.ConditionRef)
					continue
				}
				cs = &ref.obj.Spec
				ca = at{m: m, doc: ref.doc, object: "AlertCondition " + ci.ConditionRef, target: a.target}
				cf = "spec"
				if v := ref.obj.Metadata.Annotations[AnnotationShortWindow]; v != "" {
					cann = map[string]string{AnnotationShortWindow: v}
				}
			case ci.Spec != nil:
				cs = ci.Spec
				cf += ".spec"
				if ci.Metadata != nil && ci.Metadata.Annotations[AnnotationShortWindow] != "" {
					cann = ci.Metadata.Annotations
				}
			default:
				ca.problem(cf, "give conditionRef or an inline AlertCondition (kind, metadata, spec)")
				continue
			}
			if aw, guessed, ok := m.condition(ca, cf, cs, cann); ok {
				if guessed {
					*guesses = append(*guesses, len(out))
				}
				out = append(out, aw)
			}
		}
	}
	return out
}

// condition maps one burn-rate condition to a multiwindow alert.
func (m *osMapper) condition(a at, f string, cs *osAlertConditionSpec, ann map[string]string) (aw budget.AlertWindow, guessed, ok bool) {
	c := cs.Condition
	if c.Kind != "" && c.Kind != "burnrate" {
		a.note(f+".condition.kind", Dropped, "", "condition kind %q: nines alerts on burn rates only", c.Kind)
		return budget.AlertWindow{}, false, false
	}
	if c.Op != "gt" && c.Op != "gte" {
		a.note(f+".condition.op", Dropped, "", "op %q: a nines alert fires when the burn rate exceeds its factor (gt or gte)", c.Op)
		return budget.AlertWindow{}, false, false
	}
	if !(c.Threshold > 0) {
		a.problem(f+".condition.threshold", "must be above 0, got %v", c.Threshold)
		return budget.AlertWindow{}, false, false
	}
	n, unit, ok := shorthand(c.LookbackWindow)
	if !ok || unit == 'M' || unit == 'Q' || unit == 'Y' {
		a.problem(f+".condition.lookbackWindow", "invalid lookback window %q: a whole number of m, h, d or w", c.LookbackWindow)
		return budget.AlertWindow{}, false, false
	}
	aw = budget.AlertWindow{Long: fixedLength(n, unit), Factor: c.Threshold}
	a.note(f+".condition.threshold", Exact, "alert factor", "%sx", formatFloat(c.Threshold))
	if c.Op == "gte" {
		a.note(f+".condition.op", Approximated, "alert", "gte read as gt: equal to the factor does not fire in nines")
	}
	if v := ann[AnnotationShortWindow]; v != "" {
		if sn, su, ok := shorthand(v); ok && fixedLength(sn, su) < aw.Long {
			aw.Short = fixedLength(sn, su)
			a.note(f+".condition.lookbackWindow", Exact, "alert windows", "long %s, short %s (annotation %s)", durationString(aw.Long), durationString(aw.Short), AnnotationShortWindow)
		}
	}
	if aw.Short == 0 {
		aw.Short = (aw.Long / 12).Truncate(time.Second)
		guessed = true
		a.note(f+".condition.lookbackWindow", Approximated, "alert windows", "long %s; an OpenSLO condition has one window, nines pairs it with a short window: the tier's for the same long window, factor and severity, else a twelfth (%s, as the SRE Workbook does) so that the alert stops soon after the burn", durationString(aw.Long), durationString(aw.Short))
	}
	if c.AlertAfter != "" {
		if n, unit, ok := shorthand(c.AlertAfter); ok && unit != 'M' && unit != 'Q' && unit != 'Y' {
			aw.For = fixedLength(n, unit)
			a.note(f+".condition.alertAfter", Exact, "alert for", "")
		} else if c.AlertAfter != "0m" && c.AlertAfter != "0" {
			a.problem(f+".condition.alertAfter", "invalid duration %q", c.AlertAfter)
		}
	}
	switch sev := strings.ToLower(cs.Severity); sev {
	case "page", "ticket":
		aw.Severity = budget.Severity(sev)
		a.note(f+".severity", Exact, "alert severity", "")
	case "critical", "sev1", "sev-1", "p1", "high", "urgent":
		aw.Severity = budget.Page
		a.note(f+".severity", Approximated, "alert severity", "%q read as page", cs.Severity)
	default:
		aw.Severity = budget.Ticket
		a.note(f+".severity", Approximated, "alert severity", "%q read as ticket (nines has page and ticket)", cs.Severity)
	}
	return aw, guessed, true
}

// leftovers notes the objects no SLO used, and maps the Service objects.
func (m *osMapper) leftovers() {
	names := make([]string, 0, len(m.set.services))
	for n := range m.set.services {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		l := m.set.services[n]
		svc, _ := m.serviceName(n)
		a := at{m: m, doc: l.doc, object: "Service " + n, target: svc}
		ds, ok := m.services[svc]
		if !ok {
			a.note("metadata.name", Dropped, "", "no SLO names this service")
			continue
		}
		m.service(svc, l.doc.file)
		ds.description = l.obj.Spec.Description
		if ds.description != "" {
			a.note("spec.description", Exact, "description", "")
		} else if l.obj.Metadata.DisplayName != "" {
			ds.description = l.obj.Metadata.DisplayName
			a.note("metadata.displayName", Approximated, "description", "nines has no display name: it becomes the description")
		}
		if t := l.obj.Metadata.Annotations[AnnotationTier]; t != "" {
			ds.tierHint = t
		}
		keys := make([]string, 0, len(l.obj.Metadata.Labels))
		for k := range l.obj.Metadata.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v, isString := l.obj.Metadata.Labels[k].(string)
			if !isString || !labelNameRE.MatchString(k) {
				a.note("metadata.labels."+k, Dropped, "", "nines labels are label=value pairs with Prometheus label names")
				continue
			}
			if ds.labels == nil {
				ds.labels = map[string]string{}
			}
			ds.labels[k] = v
			a.note("metadata.labels."+k, Exact, "labels", "")
		}
		for k := range l.obj.Metadata.Annotations {
			if k != AnnotationTier && k != AnnotationService {
				a.note("metadata.annotations", Dropped, "", "annotations are for the implementation that wrote them")
				break
			}
		}
	}
	for _, n := range sortedKeys(m.set.slis) {
		if !m.set.usedSLIs[n] {
			l := m.set.slis[n]
			at{m: m, doc: l.doc, object: "SLI " + n}.note("metadata.name", Dropped, "", "no SLO refers to this SLI")
		}
	}
	for _, n := range sortedKeys(m.set.targets) {
		l := m.set.targets[n]
		at{m: m, doc: l.doc, object: "AlertNotificationTarget " + n}.note("spec.target", Dropped, "", "nines alerts carry service, slo, tier and severity labels; route them in Alertmanager")
	}
	for _, n := range sortedKeys(m.set.dataSources) {
		l := m.set.dataSources[n]
		at{m: m, doc: l.doc, object: "DataSource " + n}.note("spec.connectionDetails", Dropped, "", "nines connects with --prometheus.url and --http.config.file")
	}
}

var labelNameRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// keepNamed decodes d into a T and files it under name in m, unless dup
// reports (and records) that m already has an object of that name.
func keepNamed[T any](c *checker, d document, name string, m map[string]located[T], dup func(seen bool) bool) {
	var o T
	if !c.decode(d, &o) {
		return
	}
	if _, seen := m[name]; !dup(seen) {
		m[name] = located[T]{d, o}
	}
}
