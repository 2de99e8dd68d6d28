package report

import (
	"strconv"
	"time"
)

// Savings is what `nines rules --savings` reports: per SLO and for the
// fleet, what evaluating the SLOs costs the server on the raw path and on
// the recorded path (the records of `nines rules`), at one time, for the
// windows burn and status evaluate (each SLO's window and its alert
// windows).
type Savings struct {
	At     time.Time `json:"at"`
	Source string    `json:"source"`
	// SLOs lists the selected SLOs in the specs' order.
	SLOs []SLOSavings `json:"slos"`
	// Fleet counts every query once.
	Fleet PathCosts `json:"fleet"`
	// Notes say how each figure was obtained.
	Notes []string `json:"notes"`
}

// The values of PathCosts.RecordedBasis: how the recorded path's figures
// were obtained.
const (
	// BasisMeasured: the server has the records; the queries were sent.
	BasisMeasured = "measured"
	// BasisComputed: counted from the windows, supposing the records fill
	// them.
	BasisComputed = "computed"
	// BasisMixed: measured for the SLOs whose records exist, computed for
	// the others.
	BasisMixed = "measured_and_computed"
	// BasisRaw: the SLO cannot read records (a raw SLI, say); its raw cost
	// stands for both paths.
	BasisRaw = "raw_only"
)

// The values of SLOSavings.Records.
const (
	RecordsPresent  = "present"
	RecordsMissing  = "missing"
	RecordsNotTaken = "not_recordable"
)

// PathCosts compares the two paths' queries and samples scanned.
type PathCosts struct {
	RawQueries int `json:"raw_queries"`
	// RawSamples is measured (Prometheus stats=all); null where the source
	// reports no samples (VictoriaMetrics).
	RawSamples      *int64 `json:"raw_samples"`
	RecordedQueries int    `json:"recorded_queries"`
	// RecordedSamples is measured or computed, as RecordedBasis says.
	RecordedSamples *int64 `json:"recorded_samples"`
	RecordedBasis   string `json:"recorded_basis"`
	// SamplesRatio is RawSamples ÷ RecordedSamples; null when either is.
	SamplesRatio *float64 `json:"samples_ratio"`
	// QueriesRatio is RawQueries ÷ RecordedQueries.
	QueriesRatio *float64 `json:"queries_ratio"`
}

// SLOSavings is one SLO's costs on both paths.
type SLOSavings struct {
	Service string `json:"service"`
	SLO     string `json:"slo"`
	// Records says whether the server has its records: present, missing or
	// not_recordable (Reason says why).
	Records string `json:"records"`
	Reason  string `json:"reason,omitempty"`
	PathCosts
}

// Grids is the savings table and its notes.
func (s *Savings) Grids(GridOptions) []Grid {
	g := Grid{
		Title:  "FAST PATH SAVINGS (nines rules --savings) at " + s.At.UTC().Format(time.RFC3339),
		Header: []string{"SERVICE", "SLO", "RECORDS", "RAW QUERIES", "RAW SAMPLES", "RECORDED QUERIES", "RECORDED SAMPLES", "SAMPLES SAVED", "BASIS"},
	}
	for _, r := range s.SLOs {
		g.Rows = append(g.Rows, savingsCells(r.Service, r.SLO, r.Records, r.PathCosts))
	}
	g.Rows = append(g.Rows, savingsCells("fleet", "(each query once)", "", s.Fleet))
	g.Notes = s.Notes
	return []Grid{g}
}

func savingsCells(service, slo, records string, c PathCosts) []string {
	samples := func(p *int64) string {
		if p == nil {
			return NA
		}
		return Count(float64(*p))
	}
	ratio := NA
	switch r := c.SamplesRatio; {
	case c.RecordedBasis == BasisRaw:
		ratio = "none (raw)"
	case r == nil:
	case *r >= 1:
		ratio = strconv.FormatFloat(*r, 'f', 1, 64) + "x fewer"
	default:
		ratio = strconv.FormatFloat(1 / *r, 'f', 1, 64) + "x more"
	}
	return []string{service, slo, records, strconv.Itoa(c.RawQueries), samples(c.RawSamples),
		strconv.Itoa(c.RecordedQueries), samples(c.RecordedSamples), ratio, c.RecordedBasis}
}
