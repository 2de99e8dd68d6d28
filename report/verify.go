package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/nines-sre/nines/slo"
)

// VerifySchemaVersion is the version of verify's JSON document (verify -o
// json and its audit line). It changes only when a field is removed or its
// meaning changes.
const VerifySchemaVersion = 1

// VerifyKind is the kind of a verify audit line, which shares the gate's
// audit log (whose lines have no kind).
const VerifyKind = "verify"

// The verdicts of a verification, as its document spells them.
const (
	VerifyPass         = "pass"
	VerifyFail         = "fail"
	VerifyInconclusive = "inconclusive"
)

// Verification is the stable JSON form of `nines verify`: whether a deploy
// held its SLOs, per SLO and overall. Ratios are in [0, 1], durations
// seconds, null unknown.
type Verification struct {
	SchemaVersion int `json:"schema_version"`
	// Kind is "verify": it tells the line from the gate's in a shared
	// audit log.
	Kind string `json:"kind"`
	// ID is the verification's own ID (a random UUID).
	ID string `json:"id"`
	// DecisionID is the gate decision verified (--decision), or null.
	DecisionID *string `json:"decision_id"`
	// Decision is what the gate's audit line said, or null.
	Decision *VerifyDecisionRef `json:"decision"`
	// Time is when the verdict was reached (the clock); At the evaluation
	// time; Since the deploy time.
	Time    time.Time `json:"time"`
	At      time.Time `json:"at"`
	Since   time.Time `json:"since"`
	Service string    `json:"service"`
	Tier    string    `json:"tier"`
	Owner   Owner     `json:"owner"`
	// Verdict is pass, fail or inconclusive.
	Verdict string `json:"verdict"`
	// ExitCode is the process's exit code: 0 pass, 3 fail, and for
	// inconclusive 4, or 0 or 3 by OnInconclusive.
	ExitCode int `json:"exit_code"`
	// OnInconclusive is exit (4), pass (0) or fail (3).
	OnInconclusive string `json:"on_inconclusive"`
	// Baseline is before (the same length just before the deploy, at
	// least an hour) or week (the same hours a week earlier).
	Baseline string `json:"baseline"`
	// Confidence is the tests' confidence: 0.95.
	Confidence float64 `json:"confidence"`
	// MaxBurnHeld is the burn rate a regression must significantly exceed
	// to fail.
	MaxBurnHeld float64 `json:"max_burn_held"`
	Source      string  `json:"source"`
	// Path is the data every SLO was measured from: raw (verify does not
	// read the recorded series); PathReason says why.
	Path       string      `json:"path"`
	PathReason string      `json:"path_reason"`
	SLOs       []VerifySLO `json:"slos"`
	Warnings   []string    `json:"warnings"`
	// Watch is the --watch run, or null.
	Watch *VerifyWatch `json:"watch"`
	CI    GateCI       `json:"ci"`
}

// VerifyDecisionRef is the gate decision a verification refers to, from
// its audit line.
type VerifyDecisionRef struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"time"`
	At       time.Time `json:"at"`
	Verdict  string    `json:"verdict"`
	ExitCode int       `json:"exit_code"`
	// AuditLog is the file the line was read from.
	AuditLog string `json:"audit_log"`
}

// VerifyWatch is how a --watch run went.
type VerifyWatch struct {
	DurationSeconds float64 `json:"duration_seconds"`
	IntervalSeconds float64 `json:"interval_seconds"`
	Rounds          int     `json:"rounds"`
	// Ended is conclusive (pass or fail before the end), or duration (the
	// watch ran out).
	Ended string `json:"ended"`
}

// VerifyWindow is one window's measurement.
type VerifyWindow struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Bad and Total are null for a raw SLI and without data.
	Bad        *float64 `json:"bad"`
	Total      *float64 `json:"total"`
	ErrorRatio *float64 `json:"error_ratio"`
	// DataState is ok, no_data, insufficient_data or error.
	DataState string `json:"data_state"`
	Reason    string `json:"reason,omitempty"`
	Error     string `json:"error,omitempty"`
}

// VerifySLO is the verdict on one SLO and its inputs.
type VerifySLO struct {
	SLO       string  `json:"slo"`
	Objective float64 `json:"objective"`
	// SLIKind is events, latency, probe or raw.
	SLIKind string `json:"sli_kind"`
	// Verdict is pass, fail or inconclusive; Rule page_burn, regression,
	// above_objective, held, too_few_events, no_data, no_counts or
	// evaluation_error.
	Verdict string `json:"verdict"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	// After is the measurement since the deploy; Baseline the one
	// compared with.
	After    VerifyWindow `json:"after"`
	Baseline VerifyWindow `json:"baseline"`
	// BaselineUsed: the baseline had enough events to test against.
	BaselineUsed bool    `json:"baseline_used"`
	MinEvents    float64 `json:"min_events"`
	// BurnRate is the burn rate since the deploy.
	BurnRate *float64 `json:"burn_rate"`
	// PValue is the conditional test's against the baseline;
	// ObjectivePValue the binomial test's against the objective.
	PValue          *float64 `json:"p_value"`
	ObjectivePValue *float64 `json:"objective_p_value"`
	// RateRatio is the error ratio since the deploy over the baseline's;
	// null when not computed or the baseline had no errors.
	RateRatio *float64 `json:"rate_ratio"`
	// PageAlert is the fastest page alert, "page 1h/5m 14.4x", whose
	// factor a burn since the deploy must stay under; empty without one.
	PageAlert  string   `json:"page_alert"`
	PageFactor *float64 `json:"page_factor"`
	// Exceeds names the alerts whose factor the burn since the deploy is
	// above.
	Exceeds     []string `json:"exceeds"`
	Assumptions []string `json:"assumptions"`
	Owner       Owner    `json:"owner"`
}

// Failed reports whether the verification fails the deploy (exit 3).
func (v Verification) Failed() bool { return v.ExitCode == 3 }

// Headline is the verdict in one sentence: "FAIL: the deploy of checkout
// did not hold its SLOs: ..."
func (v Verification) Headline() string {
	return strings.ToUpper(v.Verdict) + ": " + v.sentence()
}

func (v Verification) sentence() string {
	what := fmt.Sprintf("the deploy of %s at %s", v.Service, v.Since.UTC().Format(time.RFC3339))
	n := map[string]int{}
	for _, s := range v.SLOs {
		n[s.Verdict]++
	}
	after := Duration(v.At.Sub(v.Since))
	switch v.Verdict {
	case VerifyFail:
		return fmt.Sprintf("%s did not hold %d of %d SLOs, %s after it.", what, n[VerifyFail], len(v.SLOs), after)
	case VerifyInconclusive:
		s := fmt.Sprintf("%s cannot be judged yet for %d of %d SLOs, %s after it.", what, n[VerifyInconclusive], len(v.SLOs), after)
		switch v.OnInconclusive {
		case VerifyPass:
			s += " --inconclusive pass: exit 0."
		case VerifyFail:
			s += " --inconclusive fail: exit 3."
		}
		return s
	}
	if len(v.SLOs) == 1 {
		return fmt.Sprintf("%s held its SLO, %s after it.", what, after)
	}
	return fmt.Sprintf("%s held its %d SLOs, %s after it.", what, len(v.SLOs), after)
}

func verifyNum(p *float64, f func(float64) string) string {
	if p == nil {
		return "-"
	}
	return f(*p)
}

// ratioLabel is an error ratio as a percent with three significant
// digits: 0.05%, 1.82%.
func ratioLabel(r float64) string {
	return strconv.FormatFloat(r*100, 'g', 3, 64) + "%"
}

// countLabel is a number of events, rounded (increase() extrapolates).
func countLabel(c float64) string { return Count(c) }

// burnLabel is "20x".
func burnLabel(b float64) string { return fixed(b, 2) + "x" }

// pLabel is a p-value with two significant digits, "< 0.0001" below.
func pLabel(p float64) string {
	if p < 1e-4 {
		return "< 0.0001"
	}
	return fmt.Sprintf("%.2g", p)
}

func windowCell(w VerifyWindow) string {
	switch {
	case w.Error != "":
		return "error"
	case w.ErrorRatio == nil:
		return "no data"
	case w.Total == nil:
		return ratioLabel(*w.ErrorRatio)
	}
	return fmt.Sprintf("%s (%s/%s)", ratioLabel(*w.ErrorRatio), countLabel(*w.Bad), countLabel(*w.Total))
}

// sloGrid is the table of SLOs.
func (v Verification) sloGrid() Grid {
	g := Grid{Header: []string{"SLO", "OBJECTIVE", "SINCE DEPLOY", "BASELINE", "BURN", "P", "MIN EVENTS", "VERDICT"}}
	for _, s := range v.SLOs {
		base := windowCell(s.Baseline)
		if !s.BaselineUsed && s.Baseline.ErrorRatio != nil {
			base += " unused"
		}
		p := s.PValue
		if p == nil {
			p = s.ObjectivePValue
		}
		g.Rows = append(g.Rows, []string{s.SLO, Objective(s.Objective), windowCell(s.After), base,
			verifyNum(s.BurnRate, burnLabel), verifyNum(p, pLabel), countLabel(s.MinEvents), s.Verdict})
	}
	return g
}

// Render writes the verification as text (narrow or wide) or Markdown;
// JSON is left to Export.
func (v Verification) Render(w io.Writer, f Format) (bool, error) {
	switch f {
	case Text, Table:
		return true, writeVerifyText(w, v, false)
	case Wide:
		return true, writeVerifyText(w, v, true)
	case Markdown:
		return true, WriteVerifyMarkdown(w, v)
	}
	return false, nil
}

func (v Verification) baselineLine() string {
	b := "the same length just before the deploy, at least 1h"
	if v.Baseline == "week" {
		b = "the same hours one week earlier"
	}
	return fmt.Sprintf("%s; one-sided exact tests at %s confidence; a regression fails when the error ratio since the deploy is higher than the baseline's and than the objective allows (burn > %sx), or the burn is above the fastest page alert's factor",
		b, trimFloat(v.Confidence*100)+"%", trimFloat(v.MaxBurnHeld))
}

// pathLine says which data the SLOs were measured from, and why.
func (v Verification) pathLine() string {
	which := v.Path + " data"
	if v.Path == pathRecorded {
		which = "the recorded series"
	}
	if v.PathReason == "" {
		return which + " for every SLO"
	}
	return which + " for every SLO: " + v.PathReason
}

func (v Verification) decisionLine() string {
	s := fmt.Sprintf("%s at %s, source %s", v.ID, v.At.UTC().Format(time.RFC3339), v.Source)
	if v.Decision != nil {
		s += fmt.Sprintf("; gate decision %s (%s at %s)", v.Decision.ID, v.Decision.Verdict, v.Decision.At.UTC().Format(time.RFC3339))
	}
	return s
}

func writeVerifyText(w io.Writer, v Verification, wide bool) error {
	var b strings.Builder
	line := proseLine(&b, wide)
	line("", "  ", v.Headline())
	b.WriteString("\n")
	if err := Write(&b, Table, v.sloGrid()); err != nil {
		return err
	}
	b.WriteString("\nWhy:\n")
	width := 0
	for _, s := range v.SLOs {
		width = max(width, len(s.SLO))
	}
	for _, s := range v.SLOs {
		first := fmt.Sprintf("  %-12s  %-*s  ", s.Verdict, width, s.SLO)
		line(first, strings.Repeat(" ", len(first)+2), s.Message)
		for _, a := range s.Assumptions {
			line(strings.Repeat(" ", len(first))+"assumes: ", strings.Repeat(" ", len(first)+2), a)
		}
	}
	b.WriteString("\n")
	const indent = "             "
	line("Baseline:  ", indent, v.baselineLine())
	if v.Path != "" {
		line("Data:      ", indent, v.pathLine())
	}
	if v.Watch != nil {
		line("Watch:     ", indent, fmt.Sprintf("%d rounds every %s, up to %s; ended: %s", v.Watch.Rounds,
			Duration(time.Duration(v.Watch.IntervalSeconds*float64(time.Second))),
			Duration(time.Duration(v.Watch.DurationSeconds*float64(time.Second))), v.Watch.Ended))
	}
	owner := slo.Owner{Team: v.Owner.Team, Contact: v.Owner.Contact}.String()
	if owner == "" {
		owner = "none given in the spec"
	}
	line("Owner:     ", indent, owner)
	line("Verify:    ", indent, v.decisionLine())
	if v.Verdict == VerifyFail {
		b.WriteString("Roll back, or agree with the owner why not.\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("could not write the verification: %w", err)
	}
	return nil
}

// WriteVerifyMarkdown writes the verification as Markdown, as for a GitHub
// step summary: the headline, a table of the SLOs and how it was tested.
func WriteVerifyMarkdown(w io.Writer, v Verification) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### nines verify: %s %s\n\n", mdEscape(strings.ToUpper(v.Verdict)), mdEscape(v.Service))
	b.WriteString(mdEscape(capitalize(v.sentence())) + "\n\n")
	g := Grid{Header: []string{"Verdict", "SLO", "Objective", "Since deploy", "Baseline", "Burn", "Reason"}}
	for _, s := range v.SLOs {
		g.Rows = append(g.Rows, []string{s.Verdict, s.SLO, Objective(s.Objective), windowCell(s.After),
			windowCell(s.Baseline), verifyNum(s.BurnRate, burnLabel), s.Message})
	}
	if err := Write(&b, Markdown, g); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\nBaseline: %s · Verify %s\n", mdEscape(v.baselineLine()), mdEscape(v.decisionLine()))
	if v.Path != "" {
		fmt.Fprintf(&b, "\nData: %s\n", mdEscape(v.pathLine()))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("could not write the verification: %w", err)
	}
	return nil
}

// VerifyAnnotations returns GitHub Actions workflow commands for the
// verification, at most limit: the verdict (an error on fail, a warning
// when inconclusive, a notice on pass), then each failing SLO as an
// error and each inconclusive one as a warning.
func VerifyAnnotations(v Verification, limit int) []string {
	var out []string
	add := func(level, title, msg string) {
		out = append(out, fmt.Sprintf("::%s title=%s::%s", level, ghProperty(title), ghData(msg)))
	}
	title := "nines verify " + v.Service
	switch v.Verdict {
	case VerifyFail:
		add("error", title+": deploy failed its SLOs", capitalize(v.sentence())+" Owner: "+slo.Owner{Team: v.Owner.Team, Contact: v.Owner.Contact}.String())
	case VerifyInconclusive:
		add("warning", title+": inconclusive", capitalize(v.sentence()))
	default:
		add("notice", title+": pass", capitalize(v.sentence()))
	}
	for _, s := range v.SLOs {
		switch s.Verdict {
		case VerifyFail:
			add("error", fmt.Sprintf("%s/%s: %s", title, s.SLO, s.Rule), s.Message)
		case VerifyInconclusive:
			add("warning", fmt.Sprintf("%s/%s: %s", title, s.SLO, s.Rule), s.Message)
		}
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}
