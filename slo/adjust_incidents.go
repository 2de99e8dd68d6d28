package slo

import "time"

// plannedSlack is how far, in scan steps, a detected interval may reach
// beyond a budget adjustment and still lie inside it: each step is
// measured over twice the step, so an outage that ends with the
// adjustment burns up to two steps after it.
const plannedSlack = 2

// plannedBy is the reason of the budget adjustment that a detected
// interval lies inside: for every SLO that burned in it (every SLO with
// data when none did), one excluded interval of its adjustments covers
// it, within plannedSlack steps at either end. Empty when it does not.
func (s ServiceScan) plannedBy(d Incident) string {
	slack := time.Duration(plannedSlack) * s.Step
	var names []string
	for _, is := range d.SLOs {
		if is.Burning {
			names = append(names, is.SLO)
		}
	}
	if len(names) == 0 {
		for _, is := range d.SLOs {
			if is.HasData {
				names = append(names, is.SLO)
			}
		}
	}
	reason := ""
	for _, name := range names {
		var sl *SLO
		for i := range s.SLOs {
			if s.SLOs[i].SLO.Name == name {
				sl = &s.SLOs[i].SLO
			}
		}
		if sl == nil {
			return ""
		}
		covered := false
		for _, iv := range sl.ExcludedIntervals(d.Start.Add(-slack), d.End.Add(slack)) {
			if !iv.Start.After(d.Start.Add(slack)) && !iv.End.Before(d.End.Add(-slack)) {
				covered, reason = true, iv.Reason
			}
		}
		if !covered {
			return ""
		}
	}
	return reason
}
