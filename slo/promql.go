package slo

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
)

var (
	metricNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	// nameRE is what service, tier and SLO names may be: they reach output,
	// audit logs and metric labels, so keep them plain.
	nameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$`)
	// windowPlaceholderRE matches {{.window}} with optional spaces.
	windowPlaceholderRE = regexp.MustCompile(`\{\{\s*\.window\s*\}\}`)
)

// ValidName reports whether s may name a service, tier or SLO: lower case
// letters, digits, '.', '_' and '-', at most 64 characters.
func ValidName(s string) bool { return nameRE.MatchString(s) }

// formatDuration renders d the way PromQL reads it: 30d, 1h, 14d6h3m20s.
func formatDuration(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	return model.Duration(d).String()
}

// PromQLDuration renders d as a PromQL range, rounded down to the second and at
// least one second.
func PromQLDuration(d time.Duration) string {
	d = d.Truncate(time.Second)
	if d < time.Second {
		d = time.Second
	}
	return formatDuration(d)
}

// selector builds {a="x",b="y"} from equality matchers, label values quoted
// with PromQL's string escaping so that no value can break out of its string.
func selector(labels map[string]string, extra ...string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys)+len(extra))
	for _, k := range keys {
		parts = append(parts, k+"="+strconv.Quote(labels[k]))
	}
	parts = append(parts, extra...)
	return "{" + strings.Join(parts, ",") + "}"
}

// Queries is the PromQL of one SLI over one window. Events SLIs (and latency,
// probe) fill Good or Bad, and Total; raw SLIs fill ErrorRatio.
type Queries struct {
	Good, Bad, Total string
	ErrorRatio       string
}

// Queries returns the PromQL of the SLI over window.
func (s SLI) Queries(window time.Duration) Queries {
	w := PromQLDuration(window)
	fill := func(tmpl string) string {
		if tmpl == "" {
			return ""
		}
		return windowPlaceholderRE.ReplaceAllLiteralString(tmpl, w)
	}
	switch s.Kind {
	case Events:
		return Queries{Good: fill(s.Good), Bad: fill(s.Bad), Total: fill(s.Total)}
	case Latency:
		le := leMatcher(s.Threshold)
		return Queries{
			Good:  fmt.Sprintf("sum(increase(%s_bucket%s[%s]))", s.Metric, selector(s.Labels, le), w),
			Total: fmt.Sprintf("sum(increase(%s_count%s[%s]))", s.Metric, selector(s.Labels), w),
		}
	case Probe:
		sel := s.Metric + selector(s.Labels)
		return Queries{
			Good:  fmt.Sprintf("sum(sum_over_time(%s[%s]))", sel, w),
			Total: fmt.Sprintf("sum(count_over_time(%s[%s]))", sel, w),
		}
	case Raw:
		return Queries{ErrorRatio: fill(s.ErrorRatio)}
	}
	return Queries{}
}

// All lists the non-empty queries.
func (q Queries) All() []string {
	var out []string
	for _, s := range []string{q.Good, q.Bad, q.Total, q.ErrorRatio} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// leMatcher selects the bucket at threshold. Exporters write an integral
// bound as "1" while Prometheus 3 normalizes it to "1.0"; both spellings are
// matched so that data from before and after such an upgrade counts alike.
func leMatcher(threshold float64) string {
	plain := strconv.FormatFloat(threshold, 'f', -1, 64)
	if threshold != math.Trunc(threshold) || math.Abs(threshold) >= 1e15 {
		return "le=" + strconv.Quote(plain)
	}
	return "le=~" + strconv.Quote(plain+`|`+plain+`\.0`)
}
