package report

import (
	"fmt"
	"strings"
)

// Path values of SLOStatus.Path.
const (
	pathRaw      = "raw"
	pathRecorded = "recorded"
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
