package slo

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultMaxGroups is the most groups a grouped SLO may have when its spec
// sets no max_groups (docs/groups.md).
const DefaultMaxGroups = 50

// MaxMaxGroups bounds max_groups: every group is an SLO evaluated, printed
// and priced.
const MaxMaxGroups = 1000

// Grouped reports whether s is a grouped SLO (group_by) not yet split into
// its groups.
func (s SLO) Grouped() bool { return len(s.GroupBy) > 0 && s.Group == nil }

// maxGroups is the SLO's cap on groups.
func (s SLO) maxGroups() int {
	if s.MaxGroups > 0 {
		return s.MaxGroups
	}
	return DefaultMaxGroups
}

// GroupSuffix is how a group is named after its SLO: {region="eu"}, the
// labels in order, values quoted.
func GroupSuffix(group map[string]string) string {
	names := slices.Sorted(maps.Keys(group))
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + strconv.Quote(group[n])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// ParseGroupSuffix reads back a GroupSuffix: the labels of
// {region="eu",tier="a"}; ok is false for anything GroupSuffix does not
// write.
func ParseGroupSuffix(s string) (group map[string]string, ok bool) {
	rest, found := strings.CutPrefix(s, "{")
	if !found || !strings.HasSuffix(rest, "}") || len(rest) < 2 {
		return nil, false
	}
	rest = strings.TrimSuffix(rest, "}")
	group = map[string]string{}
	for rest != "" {
		name, after, found := strings.Cut(rest, "=")
		if !found || name == "" {
			return nil, false
		}
		quoted, err := strconv.QuotedPrefix(after)
		if err != nil {
			return nil, false
		}
		v, err := strconv.Unquote(quoted)
		if err != nil {
			return nil, false
		}
		group[name] = v
		rest = strings.TrimPrefix(after[len(quoted):], ",")
		if len(after) > len(quoted) && after[len(quoted)] != ',' {
			return nil, false
		}
	}
	return group, GroupSuffix(group) == s
}

// ForGroup returns the SLO of one group of s: its name carries the group
// (availability{region="eu"}), so its ID, its row, its verdict and its
// cache entry are its own, and its events queries select the group's series
// (rw adds the matchers).
func (s SLO) ForGroup(rw Rewriter, group map[string]string) (SLO, error) {
	if s.SLI.Kind != Events {
		return s, fmt.Errorf("SLO %s: only an events SLI can be grouped", s.ID())
	}
	g := s
	g.Group = maps.Clone(group)
	g.Base = s.Name
	g.Name = s.Name + GroupSuffix(group)
	var err error
	for _, q := range []*string{&g.SLI.Good, &g.SLI.Bad, &g.SLI.Total} {
		if *q, err = narrowTemplate(rw, *q, group); err != nil {
			return s, fmt.Errorf("SLO %s: %w", s.ID(), err)
		}
	}
	return g, nil
}

// windowMark stands for {{.window}} while a template is rewritten: a range
// no spec writes, printed the same way by the parser.
const windowMark = 31337123 * time.Millisecond

// narrowTemplate adds the group's matchers to a query template.
func narrowTemplate(rw Rewriter, tmpl string, group map[string]string) (string, error) {
	if tmpl == "" {
		return "", nil
	}
	mark := formatDuration(windowMark)
	if strings.Contains(tmpl, mark) {
		return "", fmt.Errorf("query %q holds the range %s, which nines uses as a mark: write it otherwise", tmpl, mark)
	}
	q, err := rw.Narrow(windowPlaceholderRE.ReplaceAllLiteralString(tmpl, mark), group)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(q, mark, "{{.window}}"), nil
}

// span is the end and the measured length of the SLO window (or period)
// Evaluate measures s over.
func span(s SLO, opts EvalOptions) (time.Time, time.Duration) {
	end := opts.At
	var start time.Time
	var length time.Duration
	if opts.Period != nil {
		start, length = opts.Period.Start, opts.Period.Length()
		if opts.Period.End.Before(end) {
			end = opts.Period.End
		}
	} else {
		start, length = s.Window.Bounds(opts.At)
	}
	return end, min(end.Sub(start), length)
}

// discoverGroups finds the groups of a grouped SLO: the values of its
// group_by labels among the series of its total query over its window
// (one query, `sum by`). More groups than its max_groups is an error.
func discoverGroups(ctx context.Context, q Querier, rw Rewriter, s SLO, opts EvalOptions) ([]map[string]string, error) {
	end, elapsed := span(s, opts)
	if elapsed <= 0 {
		return nil, nil
	}
	if rw == nil {
		return nil, fmt.Errorf("could not evaluate SLO %s: the source cannot rewrite PromQL, so its groups (group_by) cannot be found", s.ID())
	}
	query, err := rw.GroupQuery(s.SLI.Queries(elapsed).Total, s.GroupBy)
	if err != nil {
		return nil, fmt.Errorf("could not evaluate SLO %s: %w", s.ID(), err)
	}
	res, err := q.Query(WithQueryOwners(ctx, s.ID()), query, end)
	if err != nil {
		return nil, fmt.Errorf("could not evaluate SLO %s: finding its groups: %w", s.ID(), err)
	}
	seen := map[string]bool{}
	var groups []map[string]string
	for _, smp := range res.Samples {
		g := make(map[string]string, len(s.GroupBy))
		for _, l := range s.GroupBy {
			g[l] = smp.Labels[l]
		}
		if k := GroupSuffix(g); !seen[k] {
			seen[k] = true
			groups = append(groups, g)
		}
	}
	if len(groups) > s.maxGroups() {
		return nil, fmt.Errorf("could not evaluate SLO %s: %d groups by %s over its window, more than max_groups (%d): raise max_groups (at most %d) or group by a label with fewer values",
			s.ID(), len(groups), strings.Join(s.GroupBy, ", "), s.maxGroups(), MaxMaxGroups)
	}
	slices.SortFunc(groups, func(a, b map[string]string) int { return cmp.Compare(GroupSuffix(a), GroupSuffix(b)) })
	return groups, nil
}

// expandGroups replaces each grouped SLO of slos by the SLOs of its groups,
// found with one query each, concurrently. A grouped SLO whose groups
// cannot be found (or are too many) stays whole, with its error in errs
// (by its index in out); one without any group (no data) stays whole and
// is measured as such, which says no data.
func expandGroups(ctx context.Context, q Querier, slos []SLO, opts EvalOptions) (out []SLO, errs map[int]error) {
	if !slices.ContainsFunc(slos, SLO.Grouped) {
		return slos, nil
	}
	rw, _ := q.(Rewriter)
	type found struct {
		groups []map[string]string
		err    error
	}
	res := make([]found, len(slos))
	var wg sync.WaitGroup
	for i, s := range slos {
		if s.Grouped() {
			wg.Go(func() {
				g, err := discoverGroups(ctx, q, rw, s, opts)
				res[i] = found{g, err}
			})
		}
	}
	wg.Wait()
	errs = map[int]error{}
	for i, s := range slos {
		if !s.Grouped() || len(res[i].groups) == 0 && res[i].err == nil {
			out = append(out, s)
			continue
		}
		if res[i].err != nil {
			errs[len(out)] = res[i].err
			out = append(out, s)
			continue
		}
		for _, g := range res[i].groups {
			gs, err := s.ForGroup(rw, g)
			if err != nil {
				errs[len(out)] = fmt.Errorf("could not evaluate SLO %s: %w", s.ID(), err)
			}
			out = append(out, gs)
		}
	}
	return out, errs
}
