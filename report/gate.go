package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nines-sre/nines/slo"
)

// GateSchemaVersion is the version of the gate's JSON document (gate -o json
// and each audit log line). It changes only when a field is removed or its
// meaning changes; new fields may be added within a version.
const GateSchemaVersion = 1

// GateDecision is the stable JSON form of a gate decision: the output of
// `nines gate -o json` and, on one line, each audit log record. Ratios are in
// [0, 1] (budget left may be negative); durations are seconds; a null number
// means "unknown", never zero.
type GateDecision struct {
	SchemaVersion int `json:"schema_version"`
	// ID is the decision ID, also the correlation ID of the run's log lines.
	ID string `json:"id"`
	// Time is when the decision was made (the clock); At is the evaluation
	// time (--at).
	Time       time.Time `json:"time"`
	At         time.Time `json:"at"`
	Service    string    `json:"service"`
	Tier       string    `json:"tier"`
	Owner      Owner     `json:"owner"`
	ChangeType string    `json:"change_type"`
	// Verdict is allow, warn or block: the final answer. PolicyVerdict is
	// what the policy alone says, before --fail-on-warn, the freeze
	// exemption of the change type and the override.
	Verdict       string `json:"verdict"`
	PolicyVerdict string `json:"policy_verdict"`
	// ExitCode is the process's exit code: 0 allowed, 3 blocked.
	ExitCode   int  `json:"exit_code"`
	DryRun     bool `json:"dry_run"`
	FailOnWarn bool `json:"fail_on_warn"`
	// Escalated: --fail-on-warn turned a warning into a block.
	Escalated bool `json:"escalated"`
	// Exempted: the change type is allowed during a freeze and turned a
	// block into allow.
	Exempted bool          `json:"exempted"`
	Override *GateOverride `json:"override"`
	Fallback GateFallback  `json:"fallback"`
	// Source is the data source, without credentials.
	Source   string       `json:"source"`
	Policy   GatePolicy   `json:"policy"`
	Reasons  []GateReason `json:"reasons"`
	SLOs     []GateSLO    `json:"slos"`
	Warnings []string     `json:"warnings"`
	CI       GateCI       `json:"ci"`
}

// GateOverride is an applied override.
type GateOverride struct {
	Actor string `json:"actor"`
	// ActorFrom is "--actor" or the environment variable the actor came from.
	ActorFrom string `json:"actor_from"`
	Reason    string `json:"reason"`
}

// GateFallback says which path the decision took when SLOs could not be
// evaluated.
type GateFallback struct {
	// Path is none, fail_closed, fail_open or last_known_good.
	Path string `json:"path"`
	// Policy is the configured on_error: fail_closed, fail_open or
	// last_known_good.
	Policy string `json:"policy"`
	// Cache is fresh, stale, missing, or null when the cache was not consulted.
	Cache *string `json:"cache"`
	// CacheAt is when the oldest cached evaluation looked at was made.
	CacheAt             *time.Time `json:"cache_at"`
	CacheAgeSeconds     *float64   `json:"cache_age_seconds"`
	MaxStalenessSeconds float64    `json:"max_staleness_seconds"`
	// Error is the first evaluation error, or null.
	Error *string `json:"error"`
	// SLOs names the SLOs that could not be evaluated.
	SLOs []string `json:"slos"`
}

// GatePolicy is the policy applied, merged from defaults, tier and service.
type GatePolicy struct {
	BlockBelow          float64  `json:"block_below"`
	WarnBelow           float64  `json:"warn_below"`
	BlockOnPage         bool     `json:"block_on_page"`
	WarnOnTicket        bool     `json:"warn_on_ticket"`
	AllowDuringFreeze   []string `json:"allow_during_freeze"`
	OnError             string   `json:"on_error"`
	MaxStalenessSeconds float64  `json:"max_staleness_seconds"`
	// Fallback is closed or open.
	Fallback string `json:"fallback"`
}

// GateReason is one finding about one SLO and its effect.
type GateReason struct {
	SLO string `json:"slo"`
	// Rule is page_alert, budget_exhausted, evaluation_error, no_data,
	// insufficient_data, alert_not_evaluated, budget_low, ticket_alert,
	// source_warning, last_known_good, within_policy or assumption.
	Rule string `json:"rule"`
	// Effect is allow, warn or block.
	Effect     string   `json:"effect"`
	Message    string   `json:"message"`
	Objective  float64  `json:"objective"`
	BudgetLeft *float64 `json:"budget_left"`
	// Firing names the firing burn-rate alerts: "page 1h/5m 14.4x".
	Firing []string `json:"firing"`
	Owner  Owner    `json:"owner"`
	// Cached: the reason comes from the last known good evaluation.
	Cached bool `json:"cached"`
}

// GateSLO is what the decision knew about one SLO: its inputs.
type GateSLO struct {
	SLO       string  `json:"slo"`
	Objective float64 `json:"objective"`
	Window    string  `json:"window"`
	// EvaluatedAt is the evaluation time of the data decided on (older than
	// at when it came from the cache).
	EvaluatedAt time.Time `json:"evaluated_at"`
	// Evaluation is live, cache or failed.
	Evaluation string `json:"evaluation"`
	// DataState is ok, no_data, insufficient_data or error.
	DataState  string         `json:"data_state"`
	Reason     string         `json:"reason,omitempty"`
	BudgetLeft *float64       `json:"budget_left"`
	BurnRates  []GateBurnRate `json:"burn_rates"`
	Firing     []GateFiring   `json:"firing"`
	// AlertsNotEvaluated names the burn-rate alerts whose windows had no
	// data: "page 1h/5m 14.4x".
	AlertsNotEvaluated []string `json:"alerts_not_evaluated"`
	// Assumptions are what the numbers rest on that was not measured.
	Assumptions []string `json:"assumptions"`
	// Coverage is the part of the SLO window that has data (1: all of it);
	// null when the SLO was not evaluated.
	Coverage *float64 `json:"coverage"`
	NoData   string   `json:"no_data_policy"`
	Error    string   `json:"error,omitempty"`
	// Path is the data measured: raw or recorded (docs/fast-path.md).
	Path string `json:"path,omitempty"`
	// Adjustments are the budget adjustments applied (docs/adjustments.md):
	// BudgetLeft is then the adjusted budget decided on, RawBudgetLeft the
	// budget with every event counted. The audit line records both.
	Adjustments   []Adjustment `json:"adjustments,omitempty"`
	RawBudgetLeft *float64     `json:"raw_budget_left,omitempty"`
}

// GateBurnRate is the burn rate over one alert window; null without data.
type GateBurnRate struct {
	Window   string   `json:"window"`
	Seconds  float64  `json:"seconds"`
	BurnRate *float64 `json:"burn_rate"`
}

// GateFiring is one firing burn-rate alert.
type GateFiring struct {
	Severity  string  `json:"severity"`
	Long      string  `json:"long_window"`
	Short     string  `json:"short_window"`
	Factor    float64 `json:"factor"`
	LongBurn  float64 `json:"long_burn"`
	ShortBurn float64 `json:"short_burn"`
}

// GateCI is the CI run the decision was made in.
type GateCI struct {
	// Provider is github, gitlab, jenkins, buildkite, circleci, ci, or empty.
	Provider string `json:"provider"`
	// Env holds the CI variables that identify the run (gate.CIVars).
	Env map[string]string `json:"env"`
}

// The verdicts and fallback paths of a decision, as its document spells
// them. Package app fills the document from package gate's values; these
// are what rendering compares with.
const (
	VerdictAllow = "allow"
	VerdictWarn  = "warn"
	VerdictBlock = "block"

	FallbackNone          = "none"
	FallbackFailClosed    = "fail_closed"
	FallbackFailOpen      = "fail_open"
	FallbackLastKnownGood = "last_known_good"
)

// GateVerdicts are the verdicts a decision can have, most lenient first.
var GateVerdicts = []string{VerdictAllow, VerdictWarn, VerdictBlock}

// GateFallbackPaths are the paths a decision can take, none first.
var GateFallbackPaths = []string{FallbackNone, FallbackFailClosed, FallbackFailOpen, FallbackLastKnownGood}

// Blocked reports whether the decision stops the deploy.
func (g GateDecision) Blocked() bool { return g.Verdict == VerdictBlock && !g.DryRun }

// Headline is the decision in one sentence, starting with the verdict in
// capitals: "BLOCK: deploy of checkout (normal change) is blocked by the error
// budget policy."
func (g GateDecision) Headline() string {
	return strings.ToUpper(g.verdictWord()) + ": " + g.sentence()
}

func (g GateDecision) verdictWord() string {
	w := g.Verdict
	if g.Override != nil {
		w += " (overridden)"
	}
	if g.DryRun {
		w = "dry run (not enforced): " + w
	}
	return w
}

func (g GateDecision) sentence() string {
	what := fmt.Sprintf("deploy of %s (%s change)", g.Service, g.ChangeType)
	switch {
	case g.Override != nil:
		return fmt.Sprintf("%s is allowed by an override from %s; the policy says %s.", what, g.Override.Actor, g.PolicyVerdict)
	case g.Exempted:
		return fmt.Sprintf("%s is allowed during a freeze: the policy blocks other changes.", what)
	case g.Escalated:
		return fmt.Sprintf("%s is blocked: --fail-on-warn makes warnings block.", what)
	case g.Verdict == VerdictBlock:
		return what + " is blocked by the error budget policy."
	case g.Verdict == VerdictWarn:
		return what + " is allowed, with warnings."
	}
	return what + " is allowed."
}

// sloVerdict is the worst effect among the reasons of each SLO.
func (g GateDecision) sloVerdicts() map[string]string {
	rank := map[string]int{VerdictAllow: 0, VerdictWarn: 1, VerdictBlock: 2}
	out := map[string]string{}
	for _, r := range g.Reasons {
		if v, ok := out[r.SLO]; !ok || rank[r.Effect] > rank[v] {
			out[r.SLO] = r.Effect
		}
	}
	return out
}

// evaluationLabel is "live", "cache, 10m old" or "failed".
func (s GateSLO) evaluationLabel(at time.Time) string {
	if s.Evaluation == "cache" {
		return "cache, " + Duration(at.Sub(s.EvaluatedAt)) + " old"
	}
	return s.Evaluation
}

func (s GateSLO) dataLabel() string {
	switch s.DataState {
	case "no_data":
		return "no data"
	case "insufficient_data":
		return "insufficient"
	}
	return s.DataState
}

func budgetLabel(b *float64) string {
	if b == nil {
		return "-"
	}
	return Percent(*b, 2)
}

func firingLabel(f []string) string {
	if len(f) == 0 {
		return "-"
	}
	return strings.Join(f, ", ")
}

// sloGrid is the table of SLOs: a row per SLO. The narrow one (wide false)
// names the first alert firing and how many more, with a note of what -o
// wide adds when it left any out.
func (g GateDecision) sloGrid(wide bool) Grid {
	verdicts := g.sloVerdicts()
	grid := Grid{Header: []string{"SLO", "OBJECTIVE", "WINDOW", "DATA", "BUDGET LEFT", "FIRING", "EVALUATED", "VERDICT"}}
	dropped := false
	for _, s := range g.SLOs {
		firing := firingNames(s.Firing)
		if !wide && len(firing) > 1 {
			firing = []string{fmt.Sprintf("%s +%d more", firing[0], len(firing)-1)}
			dropped = true
		}
		grid.Rows = append(grid.Rows, []string{s.SLO, Objective(s.Objective), s.Window, s.dataLabel(),
			budgetLabel(s.BudgetLeft), firingLabel(firing), s.evaluationLabel(g.At), verdicts[s.SLO]})
	}
	if dropped {
		grid.Notes = append(grid.Notes, wideNote("every alert firing"))
	}
	return grid
}

func firingNames(fs []GateFiring) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s/%s %sx", f.Severity, f.Long, f.Short, trimFloat(f.Factor)))
	}
	return out
}

// trimFloat is the shortest decimal form of f: 14.4, 6.
func trimFloat(f float64) string {
	s := fixed(f, 6)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// fallbackLine says how the decision was reached when SLOs failed.
func (g GateDecision) fallbackLine() string {
	fb := g.Fallback
	if fb.Path == FallbackNone {
		return "none, every SLO was evaluated live"
	}
	s := fmt.Sprintf("%s (on_error %s", fb.Path, fb.Policy)
	if fb.Cache != nil {
		s += ", cache " + *fb.Cache
		if fb.CacheAt != nil {
			s += fmt.Sprintf(": evaluated %s, %s before --at", fb.CacheAt.Format(time.RFC3339), Duration(g.At.Sub(*fb.CacheAt)))
		}
		s += fmt.Sprintf("; max_staleness %s", Duration(time.Duration(fb.MaxStalenessSeconds*float64(time.Second))))
	}
	return s + ") for " + strings.Join(fb.SLOs, ", ")
}

// Render writes the decision as text (for people: 120 columns wide at
// most), wide text (every alert, no line wrapped) or Markdown (as for a
// GitHub step summary); JSON and the other formats are left to Export.
func (g GateDecision) Render(w io.Writer, f Format) (bool, error) {
	switch f {
	case Text:
		return true, writeGateText(w, g, false)
	case Wide:
		return true, WriteGateText(w, g)
	case Markdown:
		return true, WriteGateMarkdown(w, g)
	}
	return false, nil
}

// proseLine returns the function that writes a line of prose to b: first,
// then text, escaped (Escape); unless wide, wrapped to NarrowWidth with
// rest before every further line.
func proseLine(b *strings.Builder, wide bool) func(first, rest, text string) {
	return func(first, rest, text string) {
		first, text = Escape(first), Escape(text)
		if wide {
			b.WriteString(first + text + "\n")
			return
		}
		for _, l := range wrapText(text, first, rest, NarrowWidth) {
			b.WriteString(l + "\n")
		}
	}
}

// WriteGateText writes the decision for people in full (-o wide): the
// headline, a table of the SLOs, every reason, whom to contact and how the
// decision was reached.
func WriteGateText(w io.Writer, g GateDecision) error { return writeGateText(w, g, true) }

// writeGateText is WriteGateText; unless wide, the table names the first
// alert firing only and every line of prose is wrapped to 120 columns. All
// prose is escaped (Escape): it holds the reason, the actor, the owner and
// server messages.
func writeGateText(w io.Writer, g GateDecision, wide bool) error {
	var b strings.Builder
	line := proseLine(&b, wide)
	line("", "  ", g.Headline())
	if g.Override != nil {
		line("Override reason: ", "  ", g.Override.Reason)
	}
	b.WriteString("\n")
	if err := Write(&b, Table, g.sloGrid(wide)); err != nil {
		return err
	}
	b.WriteString("\nReasons, most important first:\n")
	width := 0
	for _, r := range g.Reasons {
		width = max(width, len(r.SLO))
	}
	for _, r := range g.Reasons {
		first := fmt.Sprintf("  %-5s  %-*s  ", r.Effect, width, r.SLO)
		line(first, strings.Repeat(" ", len(first)+2), r.Message)
	}
	b.WriteString("\n")
	owner := slo.Owner{Team: g.Owner.Team, Contact: g.Owner.Contact}.String()
	if owner == "" {
		owner = "none given in the spec"
	}
	const indent = "             "
	line("Owner:     ", indent, owner)
	line("Fallback:  ", indent, g.fallbackLine())
	if p := g.gatePath(); p != "" {
		line("Data:      ", indent, p)
	}
	line("Decision:  ", indent, fmt.Sprintf("%s at %s, source %s", g.ID, g.At.Format(time.RFC3339), g.Source))
	if g.Blocked() {
		b.WriteString("To deploy anyway, agree it with the owner and run again with --override --reason TEXT (audited).\n")
	}
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("could not write the decision: %w", err)
	}
	return nil
}

// WriteGateMarkdown writes the decision as Markdown, as for a GitHub step
// summary: the headline, a table of the reasons and how it was reached.
// Every string is escaped for Markdown (mdEscape): no input ends a line, a
// row or a cell, or starts HTML, a link or an image.
func WriteGateMarkdown(w io.Writer, g GateDecision) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### nines gate: %s %s\n\n", mdEscape(strings.ToUpper(g.verdictWord())), mdEscape(g.Service))
	b.WriteString(mdEscape(capitalize(g.sentence())) + "\n")
	if g.Override != nil {
		fmt.Fprintf(&b, "\nOverride reason: %s\n", mdEscape(g.Override.Reason))
	}
	b.WriteString("\n")
	budgets := map[string]GateSLO{}
	for _, s := range g.SLOs {
		budgets[s.SLO] = s
	}
	grid := Grid{Header: []string{"Effect", "SLO", "Objective", "Budget left", "Firing", "Evaluated", "Reason"}}
	for _, r := range g.Reasons {
		grid.Rows = append(grid.Rows, []string{r.Effect, r.SLO, Objective(r.Objective), budgetLabel(r.BudgetLeft),
			firingLabel(r.Firing), budgets[r.SLO].evaluationLabel(g.At), r.Message})
	}
	if err := Write(&b, Markdown, grid); err != nil {
		return err
	}
	owner := slo.Owner{Team: g.Owner.Team, Contact: g.Owner.Contact}.String()
	if owner == "" {
		owner = "none given in the spec"
	}
	data := ""
	if p := g.gatePath(); p != "" {
		data = " · Data: " + mdEscape(p)
	}
	fmt.Fprintf(&b, "\nOwner: %s · Fallback: %s%s · Decision %s at %s · Source: %s\n",
		mdEscape(owner), mdEscape(g.fallbackLine()), data, mdCode(g.ID), g.At.Format(time.RFC3339), mdEscape(g.Source))
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("could not write the decision: %w", err)
	}
	return nil
}

// GitHubAnnotationLimit is how many annotations GitHub shows for one step.
const GitHubAnnotationLimit = 10

// GateAnnotations returns GitHub Actions workflow commands (::error and
// ::warning) for the decision, most important first and at most limit: the
// verdict when it is not a plain allow, then each blocking and warning
// reason. A blocking reason is an error only when the decision blocks.
func GateAnnotations(g GateDecision, limit int) []string {
	var out []string
	add := func(level, title, msg string) {
		out = append(out, fmt.Sprintf("::%s title=%s::%s", level, ghProperty(title), ghData(msg)))
	}
	title := "nines gate " + g.Service
	switch {
	case g.Blocked():
		add("error", title+": deploy blocked", capitalize(g.sentence())+" Owner: "+slo.Owner{Team: g.Owner.Team, Contact: g.Owner.Contact}.String())
	case g.Verdict != VerdictAllow || g.Override != nil || g.Exempted:
		add("warning", title+": "+g.verdictWord(), capitalize(g.sentence()))
	}
	for _, r := range g.Reasons {
		level := ""
		switch {
		case r.Effect == VerdictBlock && g.Blocked():
			level = "error"
		case r.Effect == VerdictBlock, r.Effect == VerdictWarn:
			level = "warning"
		case r.Rule == "assumption":
			level = "notice" // an allow that rests on it says so in the run, too
		default:
			continue
		}
		add(level, fmt.Sprintf("%s/%s: %s", title, r.SLO, r.Rule), r.Message)
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ghData escapes a workflow command's message: GitHub's escapes for "%",
// "\r" and "\n", which GitHub turns back into line breaks inside the
// annotation, then Escape for every other control character.
func ghData(s string) string {
	return Escape(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s))
}

// ghProperty escapes a workflow command's property value as ghData does,
// and its separators ":" and ",".
func ghProperty(s string) string {
	return Escape(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s))
}
