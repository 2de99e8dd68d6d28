package report

import (
	"fmt"
	"strings"
)

// Path values of SLOStatus.Path.
const (
	pathRaw      = "raw"
	pathRecorded = "recorded"
	// PathMixed is an SLO measured over several periods, some from raw
	// data and some from the recorded series (nines advise).
	PathMixed = "mixed"
)

// pathNoteNames is the most SLOs a path note names.
const pathNoteNames = 3

// PathNote is the line under a table of SLOs that says which data each
// was measured from: the recorded series or raw data, naming the SLOs of
// the smaller part when both occur (docs/fast-path.md).
func PathNote(ss []SLOStatus) string {
	ids, paths := make([]string, len(ss)), make([]string, len(ss))
	for i, s := range ss {
		ids[i], paths[i] = s.Service+"/"+s.SLO, s.Path
	}
	if p := pathSummary(ids, paths); p != "" {
		return "path: " + p + "."
	}
	return ""
}

// pathSummary says which data the SLOs named ids were measured from;
// empty when none says.
func pathSummary(ids, paths []string) string {
	var recorded, raw []string
	for i, p := range paths {
		switch p {
		case pathRecorded:
			recorded = append(recorded, ids[i])
		case pathRaw:
			raw = append(raw, ids[i])
		}
	}
	switch {
	case len(recorded)+len(raw) == 0:
		return ""
	case len(recorded) == 0:
		return "raw data for every SLO"
	case len(raw) == 0:
		return "the recorded series (nines rules) for every SLO"
	}
	named, which := raw, "raw data"
	if len(recorded) < len(raw) {
		named, which = recorded, "the recorded series"
	}
	list := strings.Join(named[:min(len(named), pathNoteNames)], ", ")
	if len(named) > pathNoteNames {
		list += fmt.Sprintf(" and %d more", len(named)-pathNoteNames)
	}
	return fmt.Sprintf("the recorded series for %d SLOs, raw data for %d; %s for %s (-o json: path_reason)",
		len(recorded), len(raw), which, list)
}

// gatePath says which data the gate's live SLOs were measured from.
func (g GateDecision) gatePath() string {
	var ids, paths []string
	for _, s := range g.SLOs {
		if s.Evaluation == "live" {
			ids, paths = append(ids, s.SLO), append(paths, s.Path)
		}
	}
	return pathSummary(ids, paths)
}

// statusSLOs lists the SLOs of the services.
func statusSLOs(svcs []ServiceStatus) []SLOStatus {
	var out []SLOStatus
	for _, s := range svcs {
		out = append(out, s.SLOs...)
	}
	return out
}

// CostPathNote is the line under the SLOs of a priced period: which data
// each SLO's figures over the period were measured from, and that the
// incident scan reads raw data (docs/fast-path.md). Empty when no SLO
// says.
func CostPathNote(r *CostReport) string {
	if r == nil {
		return ""
	}
	var ids, paths []string
	for _, s := range r.Services {
		for _, o := range s.SLOs {
			ids, paths = append(ids, s.Service+"/"+o.SLO), append(paths, o.Path)
		}
	}
	p := pathSummary(ids, paths)
	if p == "" {
		return ""
	}
	return "path: " + p + " over " + r.Period.Name + "; the incident scan reads raw data (range queries at the detection step)."
}

// summaryPathNotes are the lines under the summary's SLOs: which data
// each SLO's figures came from, in the period and, where it differs, the
// previous one.
func summaryPathNotes(s *Summary) []string {
	var ids, paths, prev []string
	for _, svc := range s.Services {
		for _, o := range svc.SLOs {
			ids, paths = append(ids, svc.Service+"/"+o.SLO), append(paths, o.Path)
			prev = append(prev, o.PreviousPath)
		}
	}
	cur := pathSummary(ids, paths)
	if cur == "" {
		return nil
	}
	out := []string{"path: " + cur + " over " + s.Period.Name + "; the incident scan reads raw data (range queries at the detection step)."}
	if p := pathSummary(ids, prev); p != "" && p != cur {
		out = append(out, "path: "+p+" over "+s.PreviousPeriod.Name+".")
	}
	return out
}

// advicePathNote is the line under the advice: which data the achieved
// figures over the periods came from; the incident scan reads raw data.
func advicePathNote(a *Advice) string {
	var ids, paths, mixed []string
	for _, s := range a.SLOs {
		id := s.Service + "/" + s.SLO
		if s.Path == PathMixed {
			mixed = append(mixed, id)
			continue
		}
		ids, paths = append(ids, id), append(paths, s.Path)
	}
	p := pathSummary(ids, paths)
	if len(mixed) > 0 {
		list := strings.Join(mixed[:min(len(mixed), pathNoteNames)], ", ")
		if len(mixed) > pathNoteNames {
			list += fmt.Sprintf(" and %d more", len(mixed)-pathNoteNames)
		}
		if p != "" {
			p += "; "
		}
		p += "raw data in some periods and the recorded series in others for " + list
	}
	if p == "" {
		return ""
	}
	return "path: " + p + " (achieved figures, priced as nines cost prices each period); the incident scan reads raw data."
}

// whatIfPathNote says which data the what-if's budgets were measured
// from; the traffic weight reads raw data.
func whatIfPathNote(r *WhatIfReport) string {
	var ids, paths []string
	for _, s := range r.SLOs {
		ids, paths = append(ids, r.Service+"/"+s.SLO), append(paths, s.Path)
	}
	if p := pathSummary(ids, paths); p != "" {
		return "path: " + p + "; the traffic weight reads raw data."
	}
	return ""
}
