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
	var recorded, raw []string
	for _, s := range ss {
		id := s.Service + "/" + s.SLO
		if s.Path == pathRecorded {
			recorded = append(recorded, id)
		} else {
			raw = append(raw, id)
		}
	}
	switch {
	case len(ss) == 0:
		return ""
	case len(recorded) == 0:
		return "path: raw data for every SLO."
	case len(raw) == 0:
		return "path: the recorded series (nines rules) for every SLO."
	}
	named, which := raw, "raw data"
	if len(recorded) < len(raw) {
		named, which = recorded, "the recorded series"
	}
	list := strings.Join(named[:min(len(named), pathNoteNames)], ", ")
	if len(named) > pathNoteNames {
		list += fmt.Sprintf(" and %d more", len(named)-pathNoteNames)
	}
	return fmt.Sprintf("path: the recorded series for %d SLOs, raw data for %d; %s for %s (-o json: path_reason).",
		len(recorded), len(raw), which, list)
}

// statusSLOs lists the SLOs of the services.
func statusSLOs(svcs []ServiceStatus) []SLOStatus {
	var out []SLOStatus
	for _, s := range svcs {
		out = append(out, s.SLOs...)
	}
	return out
}
