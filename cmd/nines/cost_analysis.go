package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
)

// detectionFlags tune incident detection, shared by cost, report and summary.
type detectionFlags struct {
	incidents string
	step      time.Duration
	mergeGap  time.Duration
	threshold float64
}

func (d *detectionFlags) addFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&d.incidents, "incidents", "", "incidents file (YAML or CSV) that adds, corrects or dismisses incidents and states their responders (default the specs' incident_files; none for no file)")
	f.DurationVar(&d.step, "step", 0, "incident detection step and window (default 5m, coarser when the data is sampled too sparsely for it)")
	f.DurationVar(&d.mergeGap, "merge-gap", 0, "burning spans closer than this are one incident (default each tier's incidents.merge_gap, 30m)")
	f.Float64Var(&d.threshold, "threshold", 0, "burn rate above which a step burns (default each SLO's fastest page factor, 14.4 for the SRE Workbook alerts)")
}

func (d *detectionFlags) check(c *cobra.Command) error {
	if c.Flags().Changed("step") && d.step < time.Minute {
		return usageErrorf("invalid --step %s: use at least 1m", d.step)
	}
	if d.mergeGap < 0 {
		return usageErrorf("invalid --merge-gap %s: use zero or more", d.mergeGap)
	}
	if c.Flags().Changed("threshold") && !(d.threshold > 0) {
		return usageErrorf("invalid --threshold %v: use a burn rate above 0, such as 14.4", d.threshold)
	}
	return nil
}

// priceRequest is what cost, report and summary ask the pricing use cases:
// the period the flags give at env.At (def without period flags: "30d" or
// defaultLastQuarter, said on stderr), and the one before when previous is set. A period that has
// not started is a usage error.
func priceRequest(env *app.Env, s *streams, sel *selection, period *periodFlags, def string, det *detectionFlags, previous bool) (app.PriceRequest, error) {
	cur, err := period.resolve(env.At, def)
	if err != nil {
		return app.PriceRequest{}, err
	}
	if def == defaultLastQuarter && !period.given() {
		fmt.Fprintf(s.ErrOut, "nines: no period given: the last complete quarter, %s (--quarter quarter for this one to date)\n", cur.Name)
	}
	if !cur.Start.Before(env.At) {
		return app.PriceRequest{}, usageErrorf("the period %s has not started at %s", cur.Name, env.At.UTC().Format(time.RFC3339))
	}
	req := app.PriceRequest{
		Selection: sel.selection(),
		Period:    cur,
		Location:  period.loc,
		Incidents: det.incidents,
		Detection: app.DetectionOptions{Step: det.step, MergeGap: det.mergeGap, Threshold: det.threshold},
		Progress:  scanProgress(s),
	}
	req.MinCoverage = period.coverageRatio()
	if det.incidents == "none" {
		req.Incidents, req.NoIncidents = "", true
	}
	if previous {
		prev := period.previous(cur, def)
		req.Previous = &prev
	}
	return req, nil
}

// scanProgress prints the incident scans' progress on one line of stderr
// when it is a terminal, and is nil otherwise. clearProgress clears the
// line once the use case returns.
func scanProgress(s *streams) func(what string, done, total int) {
	if !s.ErrOutIsTTY {
		return nil
	}
	return func(what string, done, total int) {
		fmt.Fprintf(s.ErrOut, "\r\033[Kscanning %s: %d/%d services", what, done, total)
	}
}

// clearProgress clears the progress line on a terminal.
func clearProgress(s *streams) {
	if s.ErrOutIsTTY {
		fmt.Fprint(s.ErrOut, "\r\033[K")
	}
}
