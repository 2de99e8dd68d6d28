package slo

import (
	"context"
	"fmt"
	"math"
)

// groupBatch is a grouped SLO scanned per group: the whole SLO, whose
// queries summed by its group_by labels answer every group at once, and
// its groups' SLOs by their suffix (GroupSuffix).
type groupBatch struct {
	whole  SLO
	rw     Rewriter
	suffix []string       // the groups' suffixes, in the groups' order
	index  map[string]int // suffix -> index in suffix
}

// groupBatches are the batches of a scan by the ID of each group's SLO.
type groupBatches map[string]*groupBatch

// scanGroups replaces each grouped SLO of slos that has groups (by its ID)
// by its groups' SLOs, and returns the batches that fetch them. Without a
// Rewriter, or where a group's SLO cannot be made, the SLO stays whole.
func scanGroups(rq RangeQuerier, slos []SLO, groups map[string][]map[string]string) ([]SLO, groupBatches) {
	rw, ok := rq.(Rewriter)
	if !ok || len(groups) == 0 {
		return slos, nil
	}
	var out []SLO
	batches := groupBatches{}
	for _, s := range slos {
		gs := groups[s.ID()]
		if !s.Grouped() || len(gs) == 0 {
			out = append(out, s)
			continue
		}
		b := &groupBatch{whole: s, rw: rw, index: map[string]int{}}
		var members []SLO
		for _, g := range gs {
			m, err := s.ForGroup(rw, g)
			if err != nil {
				members = nil
				break
			}
			b.index[GroupSuffix(g)] = len(b.suffix)
			b.suffix = append(b.suffix, GroupSuffix(g))
			members = append(members, m)
		}
		if members == nil {
			out = append(out, s)
			continue
		}
		for _, m := range members {
			batches[m.ID()] = b
		}
		out = append(out, members...)
	}
	return out, batches
}

// fetchAll range-queries steps a..b of every SLO of the scan into vals: a
// group's values come from its batch, fetched once for all its groups.
func (sc *scanner) fetchAll(ctx context.Context, rq RangeQuerier, a, b int, vals []stepValues) error {
	fetched := map[*groupBatch][]stepValues{}
	for j, s := range sc.slos {
		if g := sc.batches[s.ID()]; g != nil {
			vs, ok := fetched[g]
			if !ok {
				var err error
				if vs, err = sc.fetchGroups(ctx, rq, g, a, b); err != nil {
					return fmt.Errorf("could not scan SLO %s for incidents: %w", g.whole.ID(), err)
				}
				fetched[g] = vs
			}
			vals[j] = vs[g.index[s.Name[len(g.whole.Name):]]]
			continue
		}
		v, err := sc.fetch(ctx, rq, s, a, b)
		if err != nil {
			return fmt.Errorf("could not scan SLO %s for incidents: %w", s.ID(), err)
		}
		vals[j] = v
	}
	return nil
}

// fetchGroups range-queries steps a..b of every group of g: its total and
// its bad (or good) query, each summed by the group's labels, one range
// query each. A group missing from an answer has no data at those steps
// (total) or none of those events (bad, good), as fetch counts them.
func (sc *scanner) fetchGroups(ctx context.Context, rq RangeQuerier, g *groupBatch, a, b int) ([]stepValues, error) {
	n := b - a + 1
	from, to := sc.stepTime(a), sc.stepTime(b)
	s := g.whole
	get := func(tmpl string) ([][]float64, [][]bool, error) {
		vals, present := make([][]float64, len(g.suffix)), make([][]bool, len(g.suffix))
		for i := range vals {
			vals[i], present[i] = make([]float64, n), make([]bool, n)
		}
		if tmpl == "" {
			return vals, present, nil
		}
		q, err := g.rw.GroupQuery(tmpl, s.GroupBy)
		if err != nil {
			return nil, nil, err
		}
		res, err := sc.queryRange(ctx, rq, s.ID(), q, from, to)
		if err != nil {
			return nil, nil, err
		}
		for _, ser := range res.Series {
			key := map[string]string{}
			for _, l := range s.GroupBy {
				key[l] = ser.Labels[l]
			}
			gi, ok := g.index[GroupSuffix(key)]
			if !ok {
				sc.warn[fmt.Sprintf("SLO %s: the group %s has data in the period but not over the window its groups were found in; it is not scanned", s.ID(), GroupSuffix(key))] = true
				continue
			}
			for _, p := range ser.Points {
				if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
					sc.warn[fmt.Sprintf("query %q returned %v; treated as no data", q, p.V)] = true
					continue
				}
				i := int(math.Round(float64(p.T.Sub(from)) / float64(sc.o.Step)))
				if i < 0 || i >= n {
					continue
				}
				vals[gi][i] += p.V
				present[gi][i] = true
			}
		}
		return vals, present, nil
	}
	qs := s.SLI.Queries(2 * sc.o.Step)
	total, totalOK, err := get(qs.Total)
	if err != nil {
		return nil, err
	}
	q := qs.Bad
	if q == "" {
		q = qs.Good
	}
	x, xOK, err := get(q)
	if err != nil {
		return nil, err
	}
	out := make([]stepValues, len(g.suffix))
	for gi := range out {
		v := stepValues{bad: make([]float64, n), total: make([]float64, n), ok: make([]bool, n)}
		for i := range n {
			if !totalOK[gi][i] || total[gi][i] <= 0 {
				continue
			}
			bad := x[gi][i]
			if qs.Bad == "" {
				if !xOK[gi][i] {
					sc.warn[fmt.Sprintf("SLO %s%s: the good query returned no series over %s at some steps; counted as 0 good events", s.ID(), g.suffix[gi], PromQLDuration(2*sc.o.Step))] = true
				}
				bad = total[gi][i] - x[gi][i]
			}
			v.bad[i], v.total[i], v.ok[i] = min(max(bad, 0), total[gi][i]), total[gi][i], true
		}
		out[gi] = v
	}
	return out, nil
}
