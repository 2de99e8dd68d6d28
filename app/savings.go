package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// SavingsRequest is what Savings compares: the selected SLOs at env.At.
type SavingsRequest struct {
	Selection Selection
}

// Savings measures what the selected SLOs cost the server on the raw path
// (evaluated with stats, --recorded never) and states what the recorded
// path costs for the same windows: measured where the server has the
// records (evaluated again with --recorded always), computed exactly where
// it does not (slo.PlanRecorded). Every query of both evaluations is sent
// with stats whatever env.Stats says.
func Savings(ctx context.Context, env *Env, req SavingsRequest) (*report.Savings, Notes, error) {
	src, err := env.source()
	if err != nil {
		return nil, Notes{}, err
	}
	slos, err := req.Selection.Pick(env.Catalog)
	if err != nil {
		return nil, Notes{}, err
	}
	rawRec := &statsRecorder{Source: src, now: env.now}
	raw, err := evaluate(ctx, rawRec, slos, slo.EvalOptions{At: env.At, Recorded: slo.RecordedNever})
	if err != nil {
		return nil, Notes{}, err
	}
	if err := allFailed(raw); err != nil {
		return nil, Notes{}, err
	}
	// The rows are the evaluations: a grouped SLO is one per group, in
	// its place. Only the SLOs that can read records are evaluated again
	// with --recorded always, so the recorded run measures the fast path
	// alone (no raw fallback, no group discovery counted twice).
	plan := slo.PlanRecorded(raw, false)
	evaluated := make([]slo.SLO, len(raw))
	var recordable []slo.SLO
	for i, e := range raw {
		evaluated[i] = e.SLO
		if plan.Reasons[i] == "" {
			recordable = append(recordable, e.SLO)
		}
	}
	recRec := &statsRecorder{Source: src, now: env.now}
	recByID := map[string]slo.Evaluation{}
	if len(recordable) > 0 {
		rec, err := evaluate(ctx, recRec, recordable, slo.EvalOptions{At: env.At, Recorded: slo.RecordedAlways})
		if err != nil {
			return nil, Notes{}, err
		}
		for _, e := range rec {
			recByID[e.SLO.ID()] = e
		}
	}
	// The SLOs that cannot read records cost on the fast path what they
	// cost when evaluated alone under auto (a composite's members may read
	// records): measured once for the fleet, so a query their rows share
	// is not counted twice.
	recordableIDs := map[string]bool{}
	for _, s := range recordable {
		recordableIDs[s.ID()] = true
	}
	var others []slo.SLO
	for _, s := range slos {
		if !recordableIDs[s.ID()] {
			others = append(others, s)
		}
	}
	othersRec := &statsRecorder{Source: src, now: env.now}
	if len(others) > 0 {
		if _, err := evaluate(ctx, othersRec, others, slo.EvalOptions{At: env.At, Recorded: slo.RecordedAuto}); err != nil {
			return nil, Notes{}, err
		}
	}
	rawStats, recStats, othersStats := rawRec.report(evaluated), recRec.report(recordable), othersRec.report(others)

	out := &report.Savings{At: env.At.UTC(), Source: src.String(), SLOs: make([]report.SLOSavings, len(raw))}
	fleet := report.PathCosts{RawQueries: rawStats.Fleet.Queries, RawSamples: rawStats.Fleet.SamplesScanned}
	// The recorded fleet: the measured run's samples (the SLOs with
	// records), the computed cost of the SLOs without, and the raw cost of
	// those that cannot read records.
	recSamples := int64(0)
	if recStats.Fleet.SamplesScanned != nil {
		recSamples = *recStats.Fleet.SamplesScanned
	}
	recSamplesKnown := recStats.Fleet.SamplesScanned != nil || recStats.Fleet.Queries == 0
	if othersStats.Fleet.SamplesScanned != nil {
		recSamples += *othersStats.Fleet.SamplesScanned
	} else if othersStats.Fleet.Queries > 0 {
		recSamplesKnown = false
	}
	recQueries := plan.FleetQueries + othersStats.Fleet.Queries
	present, missing, notTaken := 0, 0, 0
	for i, ev := range raw {
		r := report.SLOSavings{Service: ev.SLO.Service, SLO: ev.SLO.Name}
		rc := rawStats.SLOs[i].QueryCost
		r.RawQueries, r.RawSamples = rc.Queries, rc.SamplesScanned
		switch {
		case plan.Reasons[i] != "":
			notTaken++
			r.Records, r.Reason = report.RecordsNotTaken, plan.Reasons[i]
			r.RecordedQueries, r.RecordedSamples, r.RecordedBasis = rc.Queries, rc.SamplesScanned, report.BasisRaw
		default:
			n := plan.Samples[i]
			r.RecordedQueries, r.RecordedSamples, r.RecordedBasis = plan.Queries[i], &n, report.BasisComputed
			if e, ok := recByID[ev.SLO.ID()]; ok && e.Err == nil && e.Path == slo.PathRecorded {
				present++
				r.Records = report.RecordsPresent
			} else {
				missing++
				r.Records = report.RecordsMissing
				if ok && e.Err != nil {
					r.Reason = missingReason(e.Err.Error())
				}
				recSamples += n
			}
		}
		r.SamplesRatio, r.QueriesRatio = ratioOf(r.RawSamples, r.RecordedSamples), queriesRatio(r.RawQueries, r.RecordedQueries)
		out.SLOs[i] = r
	}
	fleet.RecordedQueries = recQueries
	if recSamplesKnown {
		fleet.RecordedSamples = &recSamples
	}
	switch {
	case present+missing == 0:
		fleet.RecordedBasis = report.BasisRaw
	case missing == 0:
		fleet.RecordedBasis = report.BasisMeasured
	case present == 0:
		fleet.RecordedBasis = report.BasisComputed
	default:
		fleet.RecordedBasis = report.BasisMixed
	}
	fleet.SamplesRatio, fleet.QueriesRatio = ratioOf(fleet.RawSamples, fleet.RecordedSamples), queriesRatio(fleet.RawQueries, fleet.RecordedQueries)
	out.Fleet = fleet
	out.Notes = savingsNotes(out, src.String(), present, missing, notTaken)
	return out, evalNotes(raw), nil
}

// missingReason is the part of a --recorded always error that says why the
// records do not serve: "no recorded series … before the evaluation time".
func missingReason(err string) string {
	if _, why, ok := strings.Cut(err, "--recorded always, but "); ok {
		why, _, _ = strings.Cut(why, " (give --recorded auto")
		return why
	}
	return err
}

func ratioOf(raw, rec *int64) *float64 {
	if raw == nil || rec == nil || *rec == 0 {
		return nil
	}
	return num(float64(*raw) / float64(*rec))
}

func queriesRatio(raw, rec int) *float64 {
	if rec == 0 {
		return nil
	}
	return num(float64(raw) / float64(rec))
}

// savingsNotes say how each figure of s was obtained.
func savingsNotes(s *report.Savings, source string, present, missing, notTaken int) []string {
	notes := []string{
		fmt.Sprintf("Windows: each SLO's window and its alert windows at %s, as nines burn and nines status evaluate them. Raw: measured, the queries of --recorded never sent to %s with stats=all (samples scanned: Prometheus's totalQueryableSamples).", s.At.Format("2006-01-02T15:04:05Z07:00"), source),
		"Recorded, per SLO: computed exactly, supposing its records fill its windows: 1 sample for the probe of its last record, and every record of its longest window read 3 times (the bad and total sums, the count that finds gaps); its queries are those of its batch (up to 500 SLOs sharing windows), shared, so the SLOs' recorded queries add up to more than the fleet's.",
	}
	switch {
	case missing == 0 && present > 0:
		notes = append(notes, fmt.Sprintf("Recorded, fleet: measured: the server has the records of all %s that can read them; the queries of --recorded always were sent with stats=all.", sloCount(present)))
	case present == 0 && missing > 0:
		notes = append(notes, fmt.Sprintf("Recorded, fleet: computed: the server has the records of none of the %s (load the rules this command writes, or backfill them: docs/rules.md).", sloCount(missing)))
	case missing > 0:
		notes = append(notes, fmt.Sprintf("Recorded, fleet: measured for the %s whose records the server has, computed for the %s whose records are missing or do not fill their windows.", sloCount(present), sloCount(missing)))
	}
	if notTaken > 0 {
		notes = append(notes, fmt.Sprintf("%s cannot read records (the reason is in JSON: a raw SLI, a group of a grouped SLO, a composite, budget adjustments in its windows, or a window that is no whole number of 5m records): each row shows its raw cost on both paths; the recorded fleet counts them measured once, evaluated alone under --recorded auto.", sloCount(notTaken)))
	}
	if s.Fleet.RawSamples == nil {
		notes = append(notes, fmt.Sprintf("Samples: n/a: %s reported no query statistics (VictoriaMetrics and Prometheus before 2.35 do not); the queries still compare.", source))
	}
	return notes
}

// sloCount is "1 SLO" or "n SLOs".
func sloCount(n int) string {
	if n == 1 {
		return "1 SLO"
	}
	return fmt.Sprintf("%d SLOs", n)
}
