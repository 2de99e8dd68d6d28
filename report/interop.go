package report

import (
	"fmt"
	"strconv"
	"strings"
)

// InteropReport is the mapping report of `nines import` and `nines export`:
// the services written and, per source field, whether it mapped exactly,
// was approximated or was dropped, and why.
type InteropReport struct {
	// Direction is "import" or "export"; Format is "openslo" or "sloth".
	Direction string `json:"direction"`
	Format    string `json:"format"`
	// Services are the nines services written (import) or exported.
	Services []InteropService `json:"services"`
	// Exact, Approximated and Dropped count the mappings by outcome.
	Exact        int              `json:"exact"`
	Approximated int              `json:"approximated"`
	Dropped      int              `json:"dropped"`
	Mappings     []InteropMapping `json:"mappings"`
}

// InteropService is one service written by import.
type InteropService struct {
	Service string `json:"service"`
	Tier    string `json:"tier"`
	// TierReason says how the tier was chosen (given, inferred, named).
	TierReason string `json:"tier_reason"`
	SLOs       int    `json:"slos"`
	// File is where the spec was written; empty for stdout.
	File string `json:"file"`
	// Sources are the input files it came from.
	Sources []string `json:"sources"`
}

// InteropMapping is what became of one source field.
type InteropMapping struct {
	File string `json:"file"`
	// Line is the field's line in File; 0 when unknown.
	Line    int    `json:"line"`
	Object  string `json:"object"`
	Field   string `json:"field"`
	Outcome string `json:"outcome"` // exact, approximated or dropped
	// Target is the nines service/SLO and field it went to.
	Target string `json:"target"`
	Reason string `json:"reason"`
}

// Grids are the services and the mappings; a terminal table leaves out the
// exact mappings that have nothing to say.
func (r *InteropReport) Grids(o GridOptions) []Grid {
	svc := Grid{Title: "Services", Header: []string{"SERVICE", "TIER", "SLOS", "FILE", "TIER FROM"}}
	for _, s := range r.Services {
		file := s.File
		if file == "" {
			file = "stdout"
		}
		reason := s.TierReason
		if !o.Wide {
			reason = clip(reason, 60)
		}
		svc.Rows = append(svc.Rows, []string{s.Service, s.Tier, strconv.Itoa(s.SLOs), file, reason})
	}
	header := []string{"WHERE", "FIELD", "OUTCOME", "REASON"}
	if o.Wide {
		header = []string{"WHERE", "OBJECT", "FIELD", "OUTCOME", "NINES", "REASON"}
	}
	m := Grid{Title: "Mapping", Header: header}
	hidden := 0
	for _, x := range r.Mappings {
		if !o.Wide && x.Outcome == "exact" && x.Reason == "" {
			hidden++
			continue
		}
		where := x.File
		if !o.Wide {
			where = where[strings.LastIndex(where, "/")+1:]
		}
		if x.Line > 0 {
			where = fmt.Sprintf("%s:%d", where, x.Line)
		}
		if o.Wide {
			m.Rows = append(m.Rows, []string{where, x.Object, x.Field, x.Outcome, x.Target, x.Reason})
			continue
		}
		// Fit 120 columns: where 18, field 32, outcome 12, the reason
		// the rest (three gaps of two).
		m.Rows = append(m.Rows, []string{clip(where, 18), clip(x.Field, 32), x.Outcome, clip(x.Reason, NarrowWidth-18-32-12-6)})
	}
	if !o.Wide {
		m.Notes = append(m.Notes, wideNote("the object, the nines field it went to and the whole reasons; and every exact mapping"))
	}
	m.Notes = append(m.Notes, fmt.Sprintf("%d exact, %d approximated, %d dropped.", r.Exact, r.Approximated, r.Dropped))
	if hidden > 0 {
		m.Notes = append(m.Notes, fmt.Sprintf("%d exact mappings without a remark are left out.", hidden))
	}
	if r.Direction == "export" {
		return []Grid{m}
	}
	return []Grid{svc, m}
}
