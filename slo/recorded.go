package slo

import (
	"fmt"
	"time"
)

// The recorded series that `nines rules` writes and the fast path reads:
// each SLO's events over RecordedInterval, recorded every
// RecordedInterval, so that they tile time and any window that is a
// multiple of the interval is the sum of its records. Every series
// carries the labels service, slo and tier.
const (
	// RecordedInterval is the length of one record and the evaluation
	// interval of the recording rules' groups.
	RecordedInterval = 5 * time.Minute
	// RecordedBad is the name of an SLO's bad events over the interval.
	RecordedBad = "nines:slo_bad_events:increase5m"
	// RecordedTotal is the name of an SLO's events over the interval.
	RecordedTotal = "nines:slo_events:increase5m"
)

// RecordedSelector is the label matcher of the SLO's recorded series:
// {service="checkout",slo="availability"}. Service and SLO names are
// validated to [a-z0-9._-], so quoting them is exact PromQL.
func (s SLO) RecordedSelector() string {
	return fmt.Sprintf(`{service=%q,slo=%q}`, s.Service, s.Name)
}
