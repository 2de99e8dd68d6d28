package slo

// checkGroups validates group_by and max_groups and sets them on s: labels
// with valid names, once each; an events SLI whose queries are each a
// sum(...) of one selector's series (checked when the loader has a
// Rewriter); a cap between 1 and MaxMaxGroups.
func (l *loader) checkGroups(c *fileChecker, p path, ss sloSpec, s *SLO) {
	gp := p.with("group_by")
	if ss.GroupBy == nil {
		c.addf(p.with("max_groups"), "applies to a grouped SLO only: give group_by too")
		return
	}
	if len(ss.GroupBy) == 0 {
		c.addf(gp, "empty list: give the labels to group by (such as [region]), or omit group_by")
		return
	}
	ok := true
	seen := map[string]bool{}
	for i, label := range ss.GroupBy {
		switch {
		case !labelNameRE.MatchString(label) || label == "__name__":
			c.addf(gp.with(i), "invalid label name %q", label)
			ok = false
		case seen[label]:
			c.addf(gp.with(i), "duplicate label %q", label)
			ok = false
		}
		seen[label] = true
	}
	if ss.MaxGroups != nil {
		if n := *ss.MaxGroups; n < 1 || n > MaxMaxGroups {
			c.addf(p.with("max_groups"), "must be between 1 and %d, got %d", MaxMaxGroups, n)
			ok = false
		} else {
			s.MaxGroups = n
		}
	}
	if s.SLI.Kind != Events {
		if s.SLI.Kind != "" {
			c.addf(gp, "only an events SLI can be grouped (its good or bad and total queries each a sum(...) of one selector's series); this SLO's SLI is %s", s.SLI.Kind)
		}
		return
	}
	if l.opts.Rewriter != nil {
		for _, f := range [...]struct{ field, q string }{{"good", s.SLI.Good}, {"bad", s.SLI.Bad}, {"total", s.SLI.Total}} {
			field, q := f.field, f.q
			if q == "" || len(q) > MaxQueryBytes || !windowPlaceholderRE.MatchString(q) {
				continue // reported by checkSLI
			}
			if _, err := l.opts.Rewriter.GroupQuery(windowPlaceholderRE.ReplaceAllLiteralString(q, "5m"), ss.GroupBy); err != nil {
				c.addf(p.with("sli", "events", field), "group_by needs each query to be a sum(...) of one selector's series, without by or without (functions such as increase() around the selector are fine), so that it can be summed by the group's labels: %v", err)
				ok = false
			}
		}
	}
	if ok {
		s.GroupBy = ss.GroupBy
	}
}
