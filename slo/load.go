package slo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	pathpkg "path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"

	"github.com/nines-sre/nines/budget"
)

// LoadOptions tunes Load.
type LoadOptions struct {
	// CheckQuery, when set, checks the PromQL syntax of a query (with its
	// {{.window}} placeholder filled in); package prom provides one.
	CheckQuery func(query string) error
	// Rewriter, when set, checks that the queries of a grouped SLO
	// (group_by) can be summed by its labels; package prom provides one
	// (prom.PromQL).
	Rewriter Rewriter
	// FS, when set, is where the paths are read (the example specs built
	// into the binary); nil reads the operating system's files.
	FS fs.FS
}

// Load reads spec files and directories (their *.yaml and *.yml files, not
// recursively), validates everything, merges tier defaults into every SLO and
// returns the catalog. On any problem it returns a *ValidationError that lists
// every problem in every file, each with file, line and field.
func Load(paths []string, opts LoadOptions) (*Catalog, error) {
	return LoadContext(context.Background(), paths, opts)
}

// LoadContext is Load that stops when ctx ends: it checks ctx between
// files, and returns an error wrapping ctx's cause (a signal, a deadline)
// instead of a catalog.
func LoadContext(ctx context.Context, paths []string, opts LoadOptions) (*Catalog, error) {
	files, err := specFiles(opts.FS, paths)
	if err != nil {
		return nil, err
	}
	l := &loader{opts: opts, cat: &Catalog{Tiers: map[string]Tier{}, FS: opts.FS}}
	docs, err := parseFiles(ctx, opts.FS, files)
	if err != nil {
		return nil, err
	}
	// Tiers first: services refer to them.
	for _, d := range docs {
		if d.tiers != nil {
			l.loadTiers(d.c, d.tiers)
		}
	}
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, loadStopped(ctx, "checking", i, len(docs))
		}
		switch {
		case d.tiers != nil:
		case d.service != nil:
			l.loadService(d.c, d.service)
		case d.c.root != nil && d.kind == "":
			d.c.addf(nil, "not a nines spec: expected a tiers file (with \"tiers:\") or a service file (with \"service:\")")
			l.problems = append(l.problems, d.c.problems...)
		default: // not YAML, too large: the problems found so far are all there is
			l.problems = append(l.problems, d.c.problems...)
		}
	}
	l.link()
	if len(l.problems) > 0 {
		sortProblems(l.problems)
		return nil, &ValidationError{Problems: l.problems}
	}
	sort.Slice(l.cat.Services, func(i, j int) bool { return l.cat.Services[i].Name < l.cat.Services[j].Name })
	return l.cat, nil
}

// parsedFile is one spec file decoded: its node tree (for lines) and its
// strictly decoded spec, with the decoder's problems in c.
type parsedFile struct {
	c       *fileChecker
	kind    string // "tiers", "service" or "" (see fileKind)
	tiers   *tiersFileSpec
	service *serviceFileSpec
}

// loadStopped is the error of a load that ctx ended after done of total
// files were read or checked.
func loadStopped(ctx context.Context, doing string, done, total int) error {
	return fmt.Errorf("stopped %s spec files after %d of %d: %w", doing, done, total, context.Cause(ctx))
}

// parseFiles reads and decodes the files concurrently: YAML parsing is most of
// the cost of loading specs, and a gate in CI pays it on every run. It
// starts no file once ctx has ended.
func parseFiles(ctx context.Context, fsys fs.FS, files []string) ([]parsedFile, error) {
	docs := make([]parsedFile, len(files))
	errs := make([]error, len(files))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, f := range files {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			wg.Wait()
			return nil, loadStopped(ctx, "reading", i, len(files))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			docs[i], errs[i] = parseFile(fsys, f)
		}()
	}
	wg.Wait()
	return docs, errors.Join(errs...)
}

func parseFile(fsys fs.FS, f string) (parsedFile, error) {
	d := parsedFile{c: &fileChecker{file: f}}
	data, err := readLimited(fsys, f, MaxSpecFileBytes)
	var tooLarge *TooLargeError
	if errors.As(err, &tooLarge) {
		d.c.addf(nil, "the file is %s, the most a spec file may have: split it (one file per service, the tiers in a file of their own)", err)
		return d, nil
	}
	if err != nil {
		return parsedFile{}, fmt.Errorf("could not read spec %q: %w", f, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		d.c.addYAMLError(err)
		return d, nil
	}
	d.c.root = &root
	d.kind = fileKind(&root)
	switch d.kind {
	case "tiers":
		d.tiers = &tiersFileSpec{}
		if !decodeStrict(d.c, data, d.tiers) {
			d.tiers = nil
		}
	case "service":
		// Counted in the node tree, before decoding makes them.
		if n := topLevelSequenceLen(&root, "slos"); n > MaxSLOsPerFile {
			d.c.addf(path{"slos"}, "%d SLOs, more than the %d a service file may define: split the service into several, each in its own file", n, MaxSLOsPerFile)
			return d, nil
		}
		d.service = &serviceFileSpec{}
		if !decodeStrict(d.c, data, d.service) {
			d.service = nil
		}
	}
	return d, nil
}

// topLevelSequenceLen is the length of the sequence under key in the
// document's top-level mapping (following an alias), or 0.
func topLevelSequenceLen(root *yaml.Node, key string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return 0
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != key {
			continue
		}
		v := n.Content[i+1]
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		if v.Kind == yaml.SequenceNode {
			return len(v.Content)
		}
		return 0
	}
	return 0
}

// specFiles expands directories into their YAML files, sorted. It refuses
// more than MaxSpecFiles files, or more than MaxSpecBytes together, before
// reading any.
func specFiles(fsys fs.FS, paths []string) ([]string, error) {
	var out []string
	var total int64
	add := func(p, file string, size int64) error {
		out = append(out, file)
		total += size
		switch {
		case len(out) > MaxSpecFiles:
			return fmt.Errorf("spec path %q brings the spec files to more than %d, the most one run reads: give --specs the tiers file and the service files only", p, MaxSpecFiles)
		case total > MaxSpecBytes:
			return fmt.Errorf("spec path %q brings the spec files to more than %s together, the most one run reads: give --specs the tiers file and the service files only", p, byteSize(MaxSpecBytes))
		}
		return nil
	}
	for _, p := range paths {
		st, err := stat(fsys, p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("spec path %q does not exist: give spec files or directories with --specs", p)
			}
			return nil, fmt.Errorf("could not read spec path %q: %w", p, err)
		}
		if !st.IsDir() {
			if err := add(p, p, st.Size()); err != nil {
				return nil, err
			}
			continue
		}
		entries, err := readDir(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("could not list spec directory %q: %w", p, err)
		}
		n := 0
		for _, e := range entries {
			ext := filepath.Ext(e.Name())
			if e.Type().IsRegular() && (ext == ".yaml" || ext == ".yml") {
				var size int64
				if info, err := e.Info(); err == nil {
					size = info.Size()
				}
				if err := add(p, joinPath(fsys, p, e.Name()), size); err != nil {
					return nil, err
				}
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("spec directory %q holds no .yaml files", p)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no spec files given: use --specs DIR or FILE")
	}
	return out, nil
}

// fileKind tells a tiers file from a service file by its top-level keys.
func fileKind(root *yaml.Node) string {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch n.Content[i].Value {
		case "tiers":
			return "tiers"
		case "service":
			return "service"
		}
	}
	return ""
}

type loader struct {
	opts     LoadOptions
	cat      *Catalog
	problems []Problem
	services map[string]string // name -> file
	// pending are the services whose cross-service references link resolves.
	pending []pendingService
}

// decodeStrict decodes data into v rejecting unknown fields; problems go to
// c. It reports whether v was decoded whole, if with wrong fields: an alias
// bomb stops the decoder half way, and what it left is not worth checking.
func decodeStrict(c *fileChecker, data []byte, v any) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if err != nil {
		c.addYAMLError(err)
	}
	var te *yaml.TypeError
	return err == nil || errors.As(err, &te)
}

func checkVersion(c *fileChecker, v string) {
	switch v {
	case SpecVersion:
	case "":
		c.addf(path{"version"}, "missing: add \"version: %s\" at the top of the file", SpecVersion)
	default:
		c.addf(path{"version"}, "unsupported version %q: this nines reads %q", v, SpecVersion)
	}
}

func (l *loader) loadTiers(c *fileChecker, spec *tiersFileSpec) {
	checkVersion(c, spec.Version)
	l.cat.IncidentFiles = append(l.cat.IncidentFiles, incidentFiles(l.opts.FS, c, spec.IncidentFiles)...)
	if len(spec.Tiers) == 0 {
		c.addf(path{"tiers"}, "no tiers defined")
	}
	names := make([]string, 0, len(spec.Tiers))
	for n := range spec.Tiers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		ts := spec.Tiers[name]
		p := path{"tiers", name}
		if !ValidName(name) {
			c.addf(p, "invalid tier name %q: use lower case letters, digits, '.', '_' and '-'", name)
		}
		if prev, dup := l.cat.Tiers[name]; dup {
			c.addf(p, "tier %q is already defined in %s", name, prev.File)
			continue
		}
		t := Tier{Name: name, Description: ts.Description, File: c.file, Alerts: budget.DefaultAlertWindows(), NoData: NoDataWarn, MissingErrors: MissingErrorsZero, Gate: defaultGatePolicy(), Incidents: DefaultIncidentPolicy()}
		if ts.Objective != nil {
			t.Objective = checkObjective(c, p.with("objective"), *ts.Objective)
		}
		t.Window = Window{Rolling: 30 * budget.Day, Location: time.UTC}
		if ts.Window != "" || ts.Timezone != "" {
			t.Window = checkWindow(c, p, ts.Window, ts.Timezone, t.Window)
		}
		if ts.NoData != "" {
			t.NoData = checkNoData(c, p.with("no_data"), ts.NoData)
		}
		if ts.MissingErrs != "" {
			t.MissingErrors = checkMissingErrors(c, p.with("missing_errors"), ts.MissingErrs)
		}
		if ts.MinEvents != nil {
			t.MinEvents = checkMinEvents(c, p.with("min_events"), *ts.MinEvents)
		}
		if ts.Alerts != nil {
			t.Alerts = checkAlerts(c, p.with("alerts"), ts.Alerts)
		}
		if ts.Window != "" || ts.Alerts != nil {
			checkWindowCoversAlerts(c, windowOrAlerts(p, ts.Window), t.Window, t.Alerts)
		}
		t.Gate = checkGate(c, p.with("gate"), ts.Gate, t.Gate)
		t.Cost = checkCost(c, p.with("cost"), ts.Cost, t.Cost)
		t.Incidents = checkIncidentPolicy(c, p.with("incidents"), ts.Incidents, t.Incidents)
		t.ReliabilityCost = checkReliabilityCost(c, p.with("reliability_cost"), ts.ReliabilityCost, t.ReliabilityCost, t.Cost.Currency)
		t.Adjustments = checkAdjustments(c, p.with("adjustments"), ts.Adjustments, nil)
		l.cat.Tiers[name] = t
	}
	l.problems = append(l.problems, c.problems...)
}

func (l *loader) loadService(c *fileChecker, spec *serviceFileSpec) {
	checkVersion(c, spec.Version)
	svc := Service{
		Name:        spec.Service,
		Tier:        spec.Tier,
		Description: spec.Description,
		Owner:       Owner{Team: spec.Owner.Team, Contact: spec.Owner.Contact},
		Labels:      spec.Labels,
		File:        c.file,
	}
	if l.services == nil {
		l.services = map[string]string{}
	}
	switch {
	case spec.Service == "":
		c.addf(path{"service"}, "missing service name")
	case !ValidName(spec.Service):
		c.addf(path{"service"}, "invalid service name %q: use lower case letters, digits, '.', '_' and '-' (at most 64)", spec.Service)
	case l.services[spec.Service] != "":
		c.addf(path{"service"}, "service %q is already defined in %s", spec.Service, l.services[spec.Service])
	default:
		l.services[spec.Service] = c.file
	}
	for k := range spec.Labels {
		if !labelNameRE.MatchString(k) {
			c.addf(path{"labels", k}, "invalid label name %q", k)
		}
	}
	tier, ok := l.cat.Tiers[spec.Tier]
	switch {
	case spec.Tier == "":
		c.addf(path{"tier"}, "missing tier: name one of the tiers file's tiers (%s)", l.tierNames())
	case !ok:
		c.addf(path{"tier"}, "unknown tier %q: define it in a tiers file or use one of: %s", spec.Tier, l.tierNames())
	}
	svc.Gate = checkGate(c, path{"gate"}, spec.Gate, tier.Gate)
	svc.Cost = checkCost(c, path{"cost"}, spec.Cost, tier.Cost)
	svc.Incidents = checkIncidentPolicy(c, path{"incidents"}, spec.Incidents, tier.Incidents)
	inheritedCurve := tier.ReliabilityCost
	if svc.Cost.Currency != tier.Cost.Currency {
		inheritedCurve = ReliabilityCost{} // the tier's amounts are in another currency
	}
	svc.ReliabilityCost = checkReliabilityCost(c, path{"reliability_cost"}, spec.ReliabilityCost, inheritedCurve, svc.Cost.Currency)
	svc.Dependencies = checkDependencies(c, path{"dependencies"}, spec.Dependencies, false)
	svc.Adjustments = checkAdjustments(c, path{"adjustments"}, spec.Adjustments, tier.Adjustments)
	if len(spec.SLOs) == 0 {
		c.addf(path{"slos"}, "no SLOs defined")
	}
	seen := map[string]bool{}
	for i, ss := range spec.SLOs {
		p := path{"slos", i}
		s := SLO{
			Service:       spec.Service,
			Tier:          spec.Tier,
			Owner:         svc.Owner,
			Name:          ss.Name,
			Description:   ss.Description,
			Objective:     tier.Objective,
			Window:        tier.Window,
			NoData:        tier.NoData,
			MissingErrors: tier.MissingErrors,
			MinEvents:     tier.MinEvents,
			Alerts:        tier.Alerts,
			Gate:          svc.Gate,
			Cost:          svc.Cost,
			Incidents:     svc.Incidents,
			File:          c.file,
			Line:          c.line(p),
		}
		switch {
		case ss.Name == "":
			c.addf(p.with("name"), "missing SLO name")
		case !ValidName(ss.Name):
			c.addf(p.with("name"), "invalid SLO name %q: use lower case letters, digits, '.', '_' and '-'", ss.Name)
		case seen[ss.Name]:
			c.addf(p.with("name"), "duplicate SLO name %q", ss.Name)
		}
		seen[ss.Name] = true
		if ss.Objective != nil {
			s.Objective = checkObjective(c, p.with("objective"), *ss.Objective)
		} else if ok && s.Objective == 0 {
			c.addf(p.with("objective"), "missing: tier %q sets no objective, so the SLO must (a percent such as 99.9)", spec.Tier)
		}
		if ss.Window != "" || ss.Timezone != "" {
			s.Window = checkWindow(c, p, ss.Window, ss.Timezone, s.Window)
		}
		if ss.NoData != "" {
			s.NoData = checkNoData(c, p.with("no_data"), ss.NoData)
		}
		if ss.MissingErrs != "" {
			s.MissingErrors = checkMissingErrors(c, p.with("missing_errors"), ss.MissingErrs)
		}
		if ss.MinEvents != nil {
			s.MinEvents = checkMinEvents(c, p.with("min_events"), *ss.MinEvents)
		}
		if ss.Alerts != nil {
			s.Alerts = checkAlerts(c, p.with("alerts"), ss.Alerts)
		}
		if ss.Window != "" || ss.Alerts != nil {
			checkWindowCoversAlerts(c, windowOrAlerts(p, ss.Window), s.Window, s.Alerts)
		}
		if ss.Composite != nil {
			if ss.SLI != (sliSpec{}) {
				c.addf(p.with("sli"), "give sli or composite, not both")
			}
			s.SLI = checkComposite(c, p.with("composite"), spec.Service, *ss.Composite)
		} else {
			s.SLI = l.checkSLI(c, p.with("sli"), ss.SLI)
		}
		if ss.GroupBy != nil || ss.MaxGroups != nil {
			l.checkGroups(c, p, ss, &s)
		}
		s.Adjustments = checkAdjustments(c, p.with("adjustments"), ss.Adjustments, svc.Adjustments)
		svc.SLOs = append(svc.SLOs, s)
	}
	l.problems = append(l.problems, c.problems...)
	l.pending = append(l.pending, pendingService{c: c, svc: len(l.cat.Services)})
	l.cat.Services = append(l.cat.Services, svc)
}

func (l *loader) tierNames() string {
	if len(l.cat.Tiers) == 0 {
		return "no tiers file was loaded: add one to --specs"
	}
	names := make([]string, 0, len(l.cat.Tiers))
	for n := range l.cat.Tiers {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func checkObjective(c *fileChecker, p path, v float64) float64 {
	if math.IsNaN(v) || v <= 0 || v >= 100 {
		c.addf(p, "must be a percent between 0 and 100, exclusive (such as 99.9), got %v", v)
		return 0
	}
	// Round away the binary noise of v/100 (99.9/100 = 0.9990000000000001).
	return math.Round(v*1e10) / 1e12
}

func checkWindow(c *fileChecker, p path, window, tz string, inherited Window) Window {
	w := inherited
	switch window {
	case "":
	case string(Month), string(Quarter):
		w = Window{Calendar: Calendar(window), Location: time.UTC}
	default:
		d, err := model.ParseDuration(window)
		if err != nil || d <= 0 {
			c.addf(p.with("window"), "invalid window %q: use a duration such as 28d or 30d, or month or quarter", window)
			return w
		}
		if !wholeSeconds(d) {
			c.addf(p.with("window"), "invalid window %q: not a whole number of seconds, which PromQL ranges are; use a duration such as 28d or 30d, or month or quarter", window)
			return w
		}
		w = Window{Rolling: time.Duration(d), Location: time.UTC}
	}
	if tz != "" {
		if w.Calendar == "" {
			c.addf(p.with("timezone"), "a time zone applies to calendar windows (month, quarter) only")
			return w
		}
		loc, err := time.LoadLocation(tz)
		if err != nil {
			c.addf(p.with("timezone"), "unknown time zone %q: use an IANA name such as Europe/Berlin", tz)
			return w
		}
		w.Location = loc
	}
	return w
}

func checkMissingErrors(c *fileChecker, p path, v string) MissingErrorsPolicy {
	switch MissingErrorsPolicy(v) {
	case MissingErrorsZero, MissingErrorsWarn, MissingErrorsNoData:
		return MissingErrorsPolicy(v)
	}
	c.addf(p, "invalid missing-errors policy %q: use zero, warn or no_data", v)
	return MissingErrorsZero
}

func checkNoData(c *fileChecker, p path, v string) NoDataPolicy {
	switch NoDataPolicy(v) {
	case NoDataBlock, NoDataWarn, NoDataAllow:
		return NoDataPolicy(v)
	}
	c.addf(p, "invalid no-data policy %q: use block, warn or allow", v)
	return NoDataWarn
}

func checkMinEvents(c *fileChecker, p path, v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		c.addf(p, "must be zero or more, got %v", v)
		return 0
	}
	return v
}

// wholeSeconds reports whether d is a whole number of seconds, as a PromQL
// range is: nines writes ranges in seconds and would round 1500ms down.
func wholeSeconds(d model.Duration) bool {
	return time.Duration(d)%time.Second == 0
}

// windowOrAlerts is the field an SLO window shorter than its alert windows
// is reported at: the window when the tier or SLO sets one, else its alerts.
func windowOrAlerts(p path, window string) path {
	if window != "" {
		return p.with("window")
	}
	return p.with("alerts")
}

// checkWindowCoversAlerts checks that a rolling SLO window is at least as
// long as the shortest of its alert windows (5m for the default alerts): a
// shorter one measures less than the alerts that guard it.
func checkWindowCoversAlerts(c *fileChecker, p path, w Window, alerts []budget.AlertWindow) {
	if w.Calendar != "" || w.Rolling <= 0 {
		return
	}
	var shortest time.Duration
	for _, aw := range budget.Windows(alerts) {
		if aw > 0 && aw%time.Second == 0 { // else reported as invalid
			shortest = aw
			break
		}
	}
	if shortest > 0 && w.Rolling < shortest {
		c.addf(p, "SLO window %s is shorter than its shortest alert window %s: make the window %s or longer, or the alert windows shorter", formatDuration(w.Rolling), formatDuration(shortest), formatDuration(shortest))
	}
}

func checkAlerts(c *fileChecker, p path, specs []alertSpec) []budget.AlertWindow {
	if len(specs) > MaxAlerts {
		c.addf(p, "%d alerts, more than the %d a tier or SLO may define: each alert window is a query of every SLO; keep the alerts that page or open tickets", len(specs), MaxAlerts)
		return nil
	}
	out := make([]budget.AlertWindow, 0, len(specs))
	for i, a := range specs {
		ap := p.with(i)
		long, errL := model.ParseDuration(a.Long)
		switch {
		case errL != nil || long <= 0:
			c.addf(ap.with("long"), "invalid long window %q: use a duration such as 1h", a.Long)
		case !wholeSeconds(long):
			c.addf(ap.with("long"), "invalid long window %q: not a whole number of seconds, which PromQL ranges are; use a duration such as 1h", a.Long)
		}
		short, errS := model.ParseDuration(a.Short)
		switch {
		case errS != nil || short <= 0:
			c.addf(ap.with("short"), "invalid short window %q: use a duration such as 5m", a.Short)
		case !wholeSeconds(short):
			c.addf(ap.with("short"), "invalid short window %q: not a whole number of seconds, which PromQL ranges are; use a duration such as 5m", a.Short)
		}
		if errL == nil && errS == nil && short >= long {
			c.addf(ap.with("short"), "short window %s must be shorter than long window %s", a.Short, a.Long)
		}
		if !(a.Factor > 0) || math.IsInf(a.Factor, 0) {
			c.addf(ap.with("factor"), "burn factor must be above 0, got %v", a.Factor)
		}
		sev := budget.Severity(a.Severity)
		if sev != budget.Page && sev != budget.Ticket {
			c.addf(ap.with("severity"), "invalid severity %q: use page or ticket", a.Severity)
		}
		var pending model.Duration
		if a.For != "" {
			var errF error
			pending, errF = model.ParseDuration(a.For)
			if errF != nil || !wholeSeconds(pending) {
				c.addf(ap.with("for"), "invalid for %q: use a duration such as 5m, or 0", a.For)
			}
		}
		out = append(out, budget.AlertWindow{Long: time.Duration(long), Short: time.Duration(short), Factor: a.Factor, Severity: sev, For: time.Duration(pending)})
	}
	if len(specs) == 0 {
		c.addf(p, "empty list: omit alerts to use the SRE Workbook defaults")
	}
	return out
}

func (l *loader) checkSLI(c *fileChecker, p path, s sliSpec) SLI {
	var kinds []string
	if s.Events != nil {
		kinds = append(kinds, "events")
	}
	if s.Latency != nil {
		kinds = append(kinds, "latency")
	}
	if s.Probe != nil {
		kinds = append(kinds, "probe")
	}
	if s.Raw != nil {
		kinds = append(kinds, "raw")
	}
	if len(kinds) != 1 {
		if len(kinds) == 0 {
			c.addf(p, "missing SLI: give exactly one of events, latency, probe or raw")
		} else {
			c.addf(p, "give exactly one SLI kind, got %s", strings.Join(kinds, " and "))
		}
		return SLI{}
	}
	switch {
	case s.Events != nil:
		e := s.Events
		ep := p.with("events")
		switch {
		case e.Good == "" && e.Bad == "":
			c.addf(ep, "give a good or a bad query")
		case e.Good != "" && e.Bad != "":
			c.addf(ep.with("bad"), "give a good or a bad query, not both")
		}
		if e.Total == "" {
			c.addf(ep.with("total"), "missing total query")
		}
		l.checkTemplate(c, ep.with("good"), e.Good)
		l.checkTemplate(c, ep.with("bad"), e.Bad)
		l.checkTemplate(c, ep.with("total"), e.Total)
		return SLI{Kind: Events, Good: strings.TrimSpace(e.Good), Bad: strings.TrimSpace(e.Bad), Total: strings.TrimSpace(e.Total)}
	case s.Latency != nil:
		lp := p.with("latency")
		checkMetric(c, lp, s.Latency.Metric, s.Latency.Labels)
		if strings.HasSuffix(s.Latency.Metric, "_bucket") || strings.HasSuffix(s.Latency.Metric, "_count") {
			c.addf(lp.with("metric"), "give the histogram's base name, without _bucket or _count")
		}
		if _, ok := s.Latency.Labels["le"]; ok {
			c.addf(lp.with("labels", "le"), "le is set by threshold")
		}
		if !(s.Latency.Threshold > 0) || math.IsInf(s.Latency.Threshold, 0) {
			c.addf(lp.with("threshold"), "must be a bucket bound above 0 (seconds for a duration histogram), got %v", s.Latency.Threshold)
		}
		sli := SLI{Kind: Latency, Metric: s.Latency.Metric, Labels: s.Latency.Labels, Threshold: s.Latency.Threshold}
		checkBuiltQueries(c, lp, sli)
		return sli
	case s.Probe != nil:
		pp := p.with("probe")
		checkMetric(c, pp, s.Probe.Metric, s.Probe.Labels)
		sli := SLI{Kind: Probe, Metric: s.Probe.Metric, Labels: s.Probe.Labels}
		checkBuiltQueries(c, pp, sli)
		return sli
	default:
		rp := p.with("raw", "error_ratio")
		if s.Raw.ErrorRatio == "" {
			c.addf(rp, "missing error ratio query")
		}
		l.checkTemplate(c, rp, s.Raw.ErrorRatio)
		return SLI{Kind: Raw, ErrorRatio: strings.TrimSpace(s.Raw.ErrorRatio)}
	}
}

// checkBuiltQueries checks the length of the queries nines builds from a
// latency or probe SLI: its labels could make them longer than a spec's
// own query may be.
func checkBuiltQueries(c *fileChecker, p path, s SLI) {
	q := s.Queries(time.Hour)
	n := max(len(q.Good), len(q.Total))
	if n > MaxQueryBytes {
		c.addf(p.with("labels"), "the query built from the metric and labels is %d bytes, more than the %s a PromQL expression may have: select the series with fewer or shorter labels", n, byteSize(MaxQueryBytes))
	}
}

func checkMetric(c *fileChecker, p path, metric string, labels map[string]string) {
	switch {
	case metric == "":
		c.addf(p.with("metric"), "missing metric name")
	case !metricNameRE.MatchString(metric):
		c.addf(p.with("metric"), "invalid metric name %q", metric)
	}
	for k := range labels {
		if !labelNameRE.MatchString(k) {
			c.addf(p.with("labels", k), "invalid label name %q", k)
		}
	}
}

// checkTemplate checks that a query template has the window placeholder and
// parses once filled in.
func (l *loader) checkTemplate(c *fileChecker, p path, q string) {
	if q == "" {
		return
	}
	// Before any parsing: parsers take time that grows faster than the
	// expression (a 2-million-term sum kept one busy for minutes).
	if len(q) > MaxQueryBytes {
		c.addf(p, "the query is %d bytes, more than the %s a PromQL expression in a spec may have: move the logic into a recording rule and query its result", len(q), byteSize(MaxQueryBytes))
		return
	}
	if !windowPlaceholderRE.MatchString(q) {
		c.addf(p, "query has no {{.window}} placeholder: write the range as [{{.window}}] so each window gets its own range")
		return
	}
	if l.opts.CheckQuery != nil {
		filled := windowPlaceholderRE.ReplaceAllLiteralString(q, "5m")
		if err := l.opts.CheckQuery(filled); err != nil {
			c.addf(p, "invalid PromQL: %v", err)
		}
	}
}

// stat, readDir and joinPath read fsys, or the operating system's files
// when fsys is nil.
func stat(fsys fs.FS, name string) (fs.FileInfo, error) {
	if fsys == nil {
		return os.Stat(name)
	}
	return fs.Stat(fsys, name)
}

func readDir(fsys fs.FS, name string) ([]fs.DirEntry, error) {
	if fsys == nil {
		return os.ReadDir(name)
	}
	return fs.ReadDir(fsys, name)
}

func joinPath(fsys fs.FS, dir, name string) string {
	if fsys == nil {
		return filepath.Join(dir, name)
	}
	return pathpkg.Join(dir, name)
}
