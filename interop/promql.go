package interop

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nines-sre/nines/slo"
)

// windowRE matches the window placeholder with optional spaces, as Sloth and
// nines write it.
var windowRE = regexp.MustCompile(`\{\{\s*\.window\s*\}\}`)

// placeholder is how nines writes the window in a query template.
const placeholder = "{{.window}}"

// hasWindow reports whether q has the window placeholder.
func hasWindow(q string) bool { return windowRE.MatchString(q) }

// normalizeWindow writes every placeholder as {{.window}}.
func normalizeWindow(q string) string {
	return windowRE.ReplaceAllLiteralString(strings.TrimSpace(q), placeholder)
}

// rateToIncrease replaces rate( with increase( outside string literals
// (irate and other names that end in rate stay). The ratio of two rates over
// the same window equals the ratio of the increases; increase also gives
// nines the event counts of min_events and the budget in events.
func rateToIncrease(q string) (string, bool) {
	var b strings.Builder
	changed := false
	var quote byte
	for i := 0; i < len(q); i++ {
		ch := q[i]
		if quote != 0 {
			b.WriteByte(ch)
			if ch == '\\' && i+1 < len(q) {
				i++
				b.WriteByte(q[i])
			} else if ch == quote {
				quote = 0
			}
			continue
		}
		if ch == '"' || ch == '\'' || ch == '`' {
			quote = ch
			b.WriteByte(ch)
			continue
		}
		if strings.HasPrefix(q[i:], "rate") && (i == 0 || !identChar(q[i-1])) {
			j := i + 4
			for j < len(q) && (q[j] == ' ' || q[j] == '\t' || q[j] == '\n') {
				j++
			}
			if j < len(q) && q[j] == '(' {
				b.WriteString("increase")
				i += 3
				changed = true
				continue
			}
		}
		b.WriteByte(ch)
	}
	return b.String(), changed
}

func identChar(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

var (
	bareSelectorRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^{}]*\})?$`)
	sumSelectorRE  = regexp.MustCompile(`^sum\s*\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^{}]*\})?)\s*\)$`)
)

// counterTemplate turns a counter query without a window, as OpenSLO's
// README writes them (a selector, or the sum of one, with counter: true),
// into a nines template: sum(increase(selector[{{.window}}])). It reports
// false for anything else, whose range nines cannot choose.
func counterTemplate(q string) (string, bool) {
	q = strings.TrimSpace(q)
	sel := ""
	switch {
	case bareSelectorRE.MatchString(q):
		sel = q
	case sumSelectorRE.MatchString(q):
		sel = sumSelectorRE.FindStringSubmatch(q)[1]
	default:
		return "", false
	}
	return "sum(increase(" + sel + "[" + placeholder + "]))", true
}

// gaugeAverage turns a ratio gauge selector into the template of its mean
// over the window: avg_over_time(selector[{{.window}}]).
func gaugeAverage(q string) (string, bool) {
	q = strings.TrimSpace(q)
	if !bareSelectorRE.MatchString(q) {
		return "", false
	}
	return "avg(avg_over_time(" + q + "[" + placeholder + "]))", true
}

var (
	latencyGoodRE = regexp.MustCompile(`^sum\(increase\(([a-zA-Z_:][a-zA-Z0-9_:]*)_bucket\{(.*)\}\[\{\{\.window\}\}\]\)\)$`)
	probeGoodRE   = regexp.MustCompile(`^sum\(sum_over_time\(([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}\[\{\{\.window\}\}\]\)\)$`)
)

// asLatency recognises the queries nines builds for a latency SLI and
// returns that SLI; the test is exact: the SLI must build the same queries.
func asLatency(good, total string) (*LatencySpec, bool) {
	sm := latencyGoodRE.FindStringSubmatch(good)
	if sm == nil {
		return nil, false
	}
	labels, ok := parseMatchers(sm[2])
	if !ok {
		return nil, false
	}
	le, ok := labels["le"]
	if !ok {
		return nil, false
	}
	delete(labels, "le")
	le, _, _ = strings.Cut(le, "|")
	th, err := strconv.ParseFloat(le, 64)
	if err != nil {
		return nil, false
	}
	s := slo.SLI{Kind: slo.Latency, Metric: sm[1], Labels: labels, Threshold: th}
	if !sameTemplates(s, good, total) {
		return nil, false
	}
	return &LatencySpec{Metric: sm[1], Labels: nilIfEmpty(labels), Threshold: th}, true
}

// asProbe recognises the queries nines builds for a probe SLI.
func asProbe(good, total string) (*ProbeSpec, bool) {
	sm := probeGoodRE.FindStringSubmatch(good)
	if sm == nil {
		return nil, false
	}
	labels, ok := parseMatchers(sm[2])
	if !ok {
		return nil, false
	}
	s := slo.SLI{Kind: slo.Probe, Metric: sm[1], Labels: labels}
	if !sameTemplates(s, good, total) {
		return nil, false
	}
	return &ProbeSpec{Metric: sm[1], Labels: nilIfEmpty(labels)}, true
}

// sameTemplates reports whether s builds good and total (templates).
func sameTemplates(s slo.SLI, good, total string) bool {
	const w = time.Hour
	q := s.Queries(w)
	fill := func(t string) string { return strings.ReplaceAll(t, placeholder, slo.PromQLDuration(w)) }
	return q.Good == fill(good) && q.Total == fill(total)
}

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// parseMatchers reads a="x",b=~"y" into a map (the le regexp kept as its
// text); false for anything it does not read exactly.
func parseMatchers(s string) (map[string]string, bool) {
	out := map[string]string{}
	for s != "" {
		i := strings.IndexAny(s, "=!")
		if i <= 0 {
			return nil, false
		}
		name := s[:i]
		s = s[i:]
		regex := false
		switch {
		case strings.HasPrefix(s, "=~"):
			regex, s = true, s[2:]
		case strings.HasPrefix(s, "="):
			s = s[1:]
		default:
			return nil, false
		}
		if s == "" || s[0] != '"' {
			return nil, false
		}
		end := 1
		for end < len(s) && s[end] != '"' {
			if s[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(s) {
			return nil, false
		}
		v, err := strconv.Unquote(s[:end+1])
		if err != nil || (regex && name != "le") {
			return nil, false
		}
		out[name] = v
		s = strings.TrimPrefix(s[end+1:], ",")
	}
	return out, true
}
