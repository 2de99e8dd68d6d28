package slo

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// IncidentRecord is one incident as an incidents file states it. It adds
// an incident the metrics did not show, or corrects the detected incidents
// it overlaps; its responders replace the cost model's for the incident.
type IncidentRecord struct {
	Service    string
	Start, End time.Time
	Title      string
	// Dismissed removes the detected incidents the record overlaps (a false
	// alarm) and adds none.
	Dismissed bool
	// Planned marks a planned interval (maintenance): it replaces the
	// detected intervals it overlaps like a correction, its downtime counts,
	// and it carries no incident overhead (no labor, no opportunity) and
	// is not counted as an incident.
	Planned bool
	// Responders, when not nil, replace the cost model's responders.
	Responders []Responder
	// OpportunityHours, when not nil, replaces the model's engineering hours
	// diverted per incident.
	OpportunityHours *float64
	// File and Line say where the record is written.
	File string
	Line int
	// field is the record's path in a YAML file ("incidents[2]."), empty in CSV.
	field string
}

type incidentsFileSpec struct {
	Version   string         `yaml:"version"`
	Incidents []incidentSpec `yaml:"incidents"`
}

type incidentSpec struct {
	Service          string          `yaml:"service"`
	Start            string          `yaml:"start"`
	End              string          `yaml:"end"`
	Title            string          `yaml:"title"`
	Dismissed        bool            `yaml:"dismissed"`
	Planned          bool            `yaml:"planned"`
	OpportunityHours *float64        `yaml:"opportunity_hours"`
	Responders       []responderStat `yaml:"responders"`
}

type responderStat struct {
	Role   string   `yaml:"role"`
	People *float64 `yaml:"people"`
	Hours  *float64 `yaml:"hours"`
	Rate   *float64 `yaml:"rate"`
}

// IncidentCSVHeader is the header of a CSV incidents file. Rows with the same
// service, start and end are one incident with one responder role a row;
// role, people, hours, rate, dismissed, opportunity_hours and planned may
// be left out or empty.
var IncidentCSVHeader = []string{"service", "start", "end", "title", "role", "people", "hours", "rate", "dismissed", "opportunity_hours", "planned"}

// LoadIncidents reads an incidents file, YAML (.yaml, .yml) or CSV (.csv),
// and checks it against the catalog: every service must exist, every span
// must end after it starts, spans of one service must not overlap. On any
// problem it returns a *ValidationError listing every problem with its
// line.
func LoadIncidents(file string, cat *Catalog) ([]IncidentRecord, error) {
	data, err := readLimited(nil, file, MaxIncidentsFileBytes)
	var tooLarge *TooLargeError
	if errors.As(err, &tooLarge) {
		return nil, &ValidationError{Problems: []Problem{{File: file,
			Message: fmt.Sprintf("the file is %s, the most an incidents file may have: keep a file per quarter and give the one of the period", err)}}}
	}
	if err != nil {
		return nil, fmt.Errorf("could not read incidents file %q: %w", file, err)
	}
	return parseIncidents(file, data, cat)
}

// parseIncidents reads the incidents file named file, whose content is data.
func parseIncidents(file string, data []byte, cat *Catalog) ([]IncidentRecord, error) {
	c := &fileChecker{file: file}
	var recs []IncidentRecord
	switch strings.ToLower(filepath.Ext(file)) {
	case ".yaml", ".yml":
		recs = parseIncidentsYAML(c, data)
	case ".csv":
		recs = parseIncidentsCSV(c, data)
	default:
		return nil, fmt.Errorf("incidents file %q: unknown format: use a .yaml, .yml or .csv file", file)
	}
	known := map[string]bool{}
	var names []string
	for _, s := range cat.Services {
		known[s.Name] = true
		names = append(names, s.Name)
	}
	for _, r := range recs {
		if r.Service != "" && !known[r.Service] {
			c.problems = append(c.problems, Problem{File: file, Line: r.Line, Field: r.field + "service",
				Message: fmt.Sprintf("unknown service %q: the specs define %s", r.Service, strings.Join(names, ", "))})
		}
	}
	// In order of start, a span overlaps an earlier one of its service if
	// it starts before the latest end so far: n log n, not n².
	var byStart []IncidentRecord
	for _, r := range recs {
		if !r.Start.IsZero() && !r.End.IsZero() { // else a problem already
			byStart = append(byStart, r)
		}
	}
	sort.SliceStable(byStart, func(i, j int) bool { return byStart[i].Start.Before(byStart[j].Start) })
	latest := map[string]IncidentRecord{} // by service, the span that ends last
	for _, b := range byStart {
		a, ok := latest[b.Service]
		if ok && b.Start.Before(a.End) {
			c.problems = append(c.problems, Problem{File: file, Line: b.Line, Field: b.field + "start",
				Message: fmt.Sprintf("overlaps the %s incident at line %d: merge them into one", a.Service, a.Line)})
		}
		if !ok || b.End.After(a.End) {
			latest[b.Service] = b
		}
	}
	if len(c.problems) > 0 {
		sortProblems(c.problems)
		return nil, &ValidationError{Problems: c.problems}
	}
	return recs, nil
}

func parseIncidentsYAML(c *fileChecker, data []byte) []IncidentRecord {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		c.addYAMLError(err)
		return nil
	}
	c.root = &root
	var spec incidentsFileSpec
	if !decodeStrict(c, data, &spec) {
		return nil
	}
	checkVersion(c, spec.Version)
	if len(spec.Incidents) == 0 {
		c.addf(path{"incidents"}, "no incidents listed")
	}
	var out []IncidentRecord
	for i, s := range spec.Incidents {
		p := path{"incidents", i}
		r := IncidentRecord{Service: s.Service, Title: s.Title, Dismissed: s.Dismissed, Planned: s.Planned, File: c.file, Line: c.line(p), field: p.String() + "."}
		if s.Service == "" {
			c.addf(p.with("service"), "missing service name")
		}
		r.Start, r.End = checkSpan(func(f, format string, a ...any) { c.addf(p.with(f), format, a...) }, s.Start, s.End)
		if s.OpportunityHours != nil {
			h := checkAmount(c, p.with("opportunity_hours"), *s.OpportunityHours)
			r.OpportunityHours = &h
		}
		if s.Responders != nil {
			r.Responders = []Responder{}
		}
		checkPlanned(func(f, format string, a ...any) { c.addf(p.with(f), format, a...) }, r.Planned, r.Dismissed, s.Responders != nil, s.OpportunityHours != nil)
		for j, rs := range s.Responders {
			rp := p.with("responders", j)
			add := func(f, format string, a ...any) { c.addf(rp.with(f), format, a...) }
			num := func(f string, v *float64) float64 {
				if v == nil {
					return 0
				}
				return checkAmount(c, rp.with(f), *v)
			}
			if resp, ok := checkResponder(add, rs.Role, rs.People != nil, num("people", rs.People), rs.Hours != nil, num("hours", rs.Hours), num("rate", rs.Rate)); ok {
				r.Responders = append(r.Responders, resp)
			}
		}
		out = append(out, r)
	}
	return out
}

// checkPlanned checks that a planned record is neither dismissed nor
// states incident labor: a planned interval carries no incident overhead.
func checkPlanned(add func(field, format string, a ...any), planned, dismissed, responders, opportunity bool) {
	if !planned {
		return
	}
	if dismissed {
		add("planned", "a record is planned or dismissed, not both: a planned interval counts its downtime, a dismissed one removes a false alarm")
	}
	if responders {
		add("responders", "a planned interval carries no incident labor: remove its responders (or drop planned to price it as an incident)")
	}
	if opportunity {
		add("opportunity_hours", "a planned interval diverts no work from the roadmap: remove opportunity_hours (or drop planned to price it as an incident)")
	}
}

// checkSpan parses and checks start and end.
func checkSpan(add func(field, format string, a ...any), start, end string) (s, e time.Time) {
	parse := func(field, v string) time.Time {
		if v == "" {
			add(field, "missing: give a time such as 2026-08-12T14:20:00Z")
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			add(field, "invalid time %q: use RFC 3339 such as 2026-08-12T14:20:00Z", v)
			return time.Time{}
		}
		return t
	}
	s, e = parse("start", start), parse("end", end)
	if !s.IsZero() && !e.IsZero() && !e.After(s) {
		add("end", "must be after start (%s)", start)
	}
	return s, e
}

// checkResponder checks one responder role of an incident.
func checkResponder(add func(field, format string, a ...any), role string, hasPeople bool, people float64, hasHours bool, hours, rate float64) (Responder, bool) {
	ok := true
	switch {
	case role == "":
		add("role", "missing role name (such as support or engineering)")
		ok = false
	case !ValidName(role):
		add("role", "invalid role name %q: use lower case letters, digits, '.', '_' and '-'", role)
		ok = false
	}
	if !hasPeople || people <= 0 {
		add("people", "missing: how many people of the role worked on the incident (more than 0)")
		ok = false
	}
	if !hasHours {
		add("hours", "missing: each person's hours on the incident")
		ok = false
	}
	return Responder{Role: role, People: people, Hours: hours, HourlyRate: rate}, ok
}

func parseIncidentsCSV(c *fileChecker, data []byte) []IncidentRecord {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.Comment = '#'
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			c.problems = append(c.problems, Problem{File: c.file, Line: 1, Message: "invalid CSV: empty file: start with the header " + strings.Join(IncidentCSVHeader, ",")})
		} else {
			c.problems = append(c.problems, csvProblem(c.file, err))
		}
		return nil
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if !slices.Contains(IncidentCSVHeader, h) {
			c.problems = append(c.problems, Problem{File: c.file, Line: 1, Field: h,
				Message: fmt.Sprintf("unknown column %q: use %s", h, strings.Join(IncidentCSVHeader, ", "))})
			continue
		}
		col[h] = i
	}
	for _, need := range []string{"service", "start", "end"} {
		if _, ok := col[need]; !ok {
			c.problems = append(c.problems, Problem{File: c.file, Line: 1, Field: need, Message: "missing column: the header needs service, start and end"})
		}
	}
	if len(c.problems) > 0 {
		return nil
	}
	type key struct{ service, start, end string }
	index := map[key]int{}
	var out []IncidentRecord
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			c.problems = append(c.problems, csvProblem(c.file, err))
			return nil
		}
		line, _ := r.FieldPos(0) // only after a record was read
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		add := func(field, format string, a ...any) {
			c.problems = append(c.problems, Problem{File: c.file, Line: line, Field: field, Message: fmt.Sprintf(format, a...)})
		}
		invalid := false
		num := func(field string) (float64, bool) {
			v := get(field)
			if v == "" {
				return 0, false
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
				add(field, "must be a number, zero or more, got %q", v)
				invalid = true
				return 0, true
			}
			return f, true
		}
		k := key{get("service"), get("start"), get("end")}
		i, seen := index[k]
		if !seen {
			rec := IncidentRecord{Service: k.service, Title: get("title"), File: c.file, Line: line}
			if k.service == "" {
				add("service", "missing service name")
			}
			rec.Start, rec.End = checkSpan(add, k.start, k.end)
			flag := func(field string) bool {
				switch strings.ToLower(get(field)) {
				case "", "false", "no":
				case "true", "yes":
					return true
				default:
					add(field, "must be true or false, got %q", get(field))
				}
				return false
			}
			rec.Dismissed, rec.Planned = flag("dismissed"), flag("planned")
			if h, ok := num("opportunity_hours"); ok {
				rec.OpportunityHours = &h
			}
			checkPlanned(add, rec.Planned, rec.Dismissed, false, rec.OpportunityHours != nil)
			i = len(out)
			index[k] = i
			out = append(out, rec)
		} else if t := get("title"); t != "" && out[i].Title == "" {
			out[i].Title = t
		}
		if get("role") == "" {
			continue
		}
		if out[i].Planned {
			checkPlanned(add, true, false, true, false)
			continue
		}
		people, hasPeople := num("people")
		hours, hasHours := num("hours")
		rate, _ := num("rate")
		if invalid {
			continue
		}
		if resp, ok := checkResponder(add, get("role"), hasPeople, people, hasHours, hours, rate); ok {
			out[i].Responders = append(out[i].Responders, resp)
		}
	}
	if len(out) == 0 && len(c.problems) == 0 {
		c.problems = append(c.problems, Problem{File: c.file, Line: 1, Message: "no incidents listed"})
	}
	return out
}

// csvProblem is the problem of a CSV reader's error, at its line.
func csvProblem(file string, err error) Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Problem{File: file, Line: pe.Line, Message: fmt.Sprintf("invalid CSV at column %d: %v: quote a field that holds quotes or commas (\"a \"\"b\"\", c\")", pe.Column, pe.Err)}
	}
	return Problem{File: file, Message: fmt.Sprintf("invalid CSV: %v", err)}
}
