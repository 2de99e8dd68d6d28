package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/gate"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// ExitInconclusive is the exit code of an inconclusive verification under
// --inconclusive exit (the default); a pass exits 0 and a fail ExitBlocked.
const ExitInconclusive = 4

// Baselines of verify.
const (
	// BaselineBefore is the same length just before the deploy, at least
	// MinBaseline.
	BaselineBefore = "before"
	// BaselineWeek is the same hours one week earlier.
	BaselineWeek = "week"
)

// MinBaseline is the shortest baseline before a deploy: a minute after a
// deploy, a one-minute baseline would measure next to nothing.
const MinBaseline = time.Hour

// What an inconclusive verification exits with (--inconclusive).
const (
	InconclusiveExit = "exit" // ExitInconclusive
	InconclusivePass = "pass" // 0
	InconclusiveFail = "fail" // ExitBlocked
)

// VerifyRequest is a deploy to verify.
type VerifyRequest struct {
	// ID is the verification's ID; empty means a new one.
	ID string
	// Service is the service deployed (may be empty with Decision: the
	// decision's); SLOs the SLOs of it, every one when empty.
	Service string
	SLOs    []string
	// Since is the deploy time; zero with Decision takes the decision's
	// evaluation time.
	Since time.Time
	// Decision is the gate decision ID to verify, looked up in AuditLog.
	Decision string
	// AuditLog is the gate's audit log: where Decision is read and the
	// verification appended. Empty means none.
	AuditLog string
	// Baseline is BaselineBefore (default) or BaselineWeek.
	Baseline string
	// Confidence of the tests, in (0, 1); 0 means 0.95.
	Confidence float64
	// MinEvents since the deploy for a verdict; 0 means
	// gate.DefaultMinEvents per SLO.
	MinEvents float64
	// OnInconclusive is InconclusiveExit (default), InconclusivePass or
	// InconclusiveFail.
	OnInconclusive string
	// Watch, when its Duration is set, re-checks until a conclusive
	// verdict or the duration ends.
	Watch VerifyWatch
}

// VerifyWatch re-checks a deploy every Interval, at the clock's time, until
// a round is conclusive (pass or fail) or Duration has passed since the
// first.
type VerifyWatch struct {
	Duration, Interval time.Duration
	// Sleep waits d or until ctx ends; nil sleeps on a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Round gives each round its context (the --timeout deadline); nil
	// uses the request's.
	Round func(ctx context.Context) (context.Context, context.CancelFunc)
	// Progress is told of every round's verification but the last.
	Progress func(report.Verification)
}

// Verify checks that a deploy held its SLOs: for each SLO the error ratio
// since the deploy (Since to env.At) against a baseline, by
// gate.Verify; the verdict, its exit code and, with AuditLog, one audit
// line of kind "verify" that names the gate decision. With Watch it
// re-checks at the clock's time until conclusive or the watch ends, and
// records the last round only. A verification made but not recorded is
// returned with the error.
func Verify(ctx context.Context, env *Env, req VerifyRequest) (*report.Verification, error) {
	if req.ID == "" {
		req.ID = NewDecisionID()
	}
	if req.Confidence == 0 {
		req.Confidence = 0.95
	}
	if req.Baseline == "" {
		req.Baseline = BaselineBefore
	}
	if req.OnInconclusive == "" {
		req.OnInconclusive = InconclusiveExit
	}
	var ref *report.VerifyDecisionRef
	if req.Decision != "" {
		d, err := FindDecision(req.AuditLog, req.Decision)
		if err != nil {
			return nil, err
		}
		ref = d.ref
		switch {
		case req.Service == "":
			req.Service = d.Service
		case req.Service != d.Service:
			return nil, selectionErrorf("--service %s, but gate decision %s was for %s", req.Service, req.Decision, d.Service)
		}
		if req.Since.IsZero() {
			req.Since = d.At
		}
	}
	if req.Since.IsZero() {
		return nil, errors.New("no deploy time: give --since or --decision")
	}
	svc, slos, err := pickGate(env.Catalog, req.Service, req.SLOs)
	if err != nil {
		return nil, err
	}
	src, err := env.source()
	if err != nil {
		return nil, err
	}
	log := env.log().With("verify_id", req.ID)

	at := env.At
	start := env.now()
	w := req.Watch
	for round := 1; ; round++ {
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if w.Round != nil {
			rctx, cancel = w.Round(ctx)
		}
		doc, err := verifyOnce(rctx, src, svc, slos, at, req)
		cancel()
		if err != nil {
			return nil, err
		}
		doc.Decision = ref
		if ref != nil {
			doc.DecisionID = &ref.ID
			if ref.ExitCode != 0 {
				doc.Warnings = append(doc.Warnings, fmt.Sprintf("gate decision %s blocked this deploy (%s, exit %d): it went out anyway", ref.ID, ref.Verdict, ref.ExitCode))
			}
		}
		doc.CI = report.GateCI{Provider: gate.CIProvider(env.getenv), Env: gate.CIContext(env.getenv)}
		log.Info("verify round", "round", round, "at", at, "verdict", doc.Verdict)
		if w.Duration > 0 {
			doc.Watch = &report.VerifyWatch{DurationSeconds: w.Duration.Seconds(), IntervalSeconds: w.Interval.Seconds(), Rounds: round}
			next := env.now().Add(w.Interval)
			switch {
			case doc.Verdict != report.VerifyInconclusive:
				doc.Watch.Ended = "conclusive"
			case next.Sub(start) > w.Duration:
				doc.Watch.Ended = "duration"
			}
			if doc.Watch.Ended == "" {
				if w.Progress != nil {
					w.Progress(*doc)
				}
				if err := sleep(ctx, w, w.Interval); err != nil {
					return nil, fmt.Errorf("%w: the watch stopped after %d rounds, and recorded nothing", err, round)
				}
				at = env.now().UTC().Truncate(time.Second)
				continue
			}
		}
		doc.Time = env.now().UTC()
		if err := Interrupted(ctx); err != nil {
			return nil, fmt.Errorf("%w: verification %s was not recorded", err, req.ID)
		}
		if req.AuditLog != "" {
			if err := gate.AppendJSON(req.AuditLog, doc); err != nil {
				return doc, fmt.Errorf("verification %s was not recorded: %w", req.ID, err)
			}
		}
		return doc, nil
	}
}

func sleep(ctx context.Context, w VerifyWatch, d time.Duration) error {
	if w.Sleep != nil {
		return w.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// VerifyPathReason is why verify reads raw data: its windows are not on
// the recorded series' grid.
const VerifyPathReason = "verify measures [deploy, evaluation time] and its baseline at their own ends, which the 5m records of nines rules do not fall on (docs/fast-path.md)"

// verifyOnce measures every SLO since the deploy and over its baseline at
// at, and decides.
func verifyOnce(ctx context.Context, src Source, svc slo.Service, slos []slo.SLO, at time.Time, req VerifyRequest) (*report.Verification, error) {
	since := req.Since
	if !since.Before(at) {
		return nil, fmt.Errorf("the deploy at %s is not before the evaluation time %s: give an earlier --since or a later --at",
			since.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
	}
	afterP := slo.Period{Name: "since the deploy", Start: since, End: at}
	baseP, baseAt := slo.Period{Name: "baseline", Start: since.Add(-max(at.Sub(since), MinBaseline)), End: since}, since
	if req.Baseline == BaselineWeek {
		const week = 7 * 24 * time.Hour
		if at.Sub(since) > week {
			return nil, fmt.Errorf("--baseline week compares the same hours a week earlier: the %s since the deploy are longer than a week", slo.PromQLDuration(at.Sub(since)))
		}
		baseP, baseAt = slo.Period{Name: "baseline", Start: since.Add(-week), End: at.Add(-week)}, at.Add(-week)
	}
	after, err := evaluate(ctx, src, slos, slo.EvalOptions{At: at, Period: &afterP, WindowOnly: true})
	if err != nil {
		return nil, fmt.Errorf("%w: no verdict was reached or recorded", err)
	}
	base, err := evaluate(ctx, src, slos, slo.EvalOptions{At: baseAt, Period: &baseP, WindowOnly: true})
	if err != nil {
		return nil, fmt.Errorf("%w: no verdict was reached or recorded", err)
	}
	doc := &report.Verification{
		SchemaVersion: report.VerifySchemaVersion, Kind: report.VerifyKind, ID: req.ID,
		At: at.UTC(), Since: since.UTC(), Service: svc.Name, Tier: svc.Tier,
		Owner:    report.Owner{Team: svc.Owner.Team, Contact: svc.Owner.Contact},
		Baseline: req.Baseline, Confidence: req.Confidence, MaxBurnHeld: gate.MaxBurnHeld,
		OnInconclusive: req.OnInconclusive, Source: src.String(), SLOs: []report.VerifySLO{}, Warnings: []string{},
		Path: slo.PathRaw, PathReason: VerifyPathReason,
	}
	var verdicts []gate.VerifyVerdict
	notes := evalNotes(append(append([]slo.Evaluation{}, after...), base...))
	doc.Warnings = append(doc.Warnings, notes.Warnings...)
	for i, s := range slos {
		a, b := verifyCounts(after[i]), verifyCounts(base[i])
		r := gate.Verify(gate.VerifyInput{SLO: s, After: a, Baseline: b, Confidence: req.Confidence, MinEvents: req.MinEvents})
		verdicts = append(verdicts, r.Verdict)
		v := report.VerifySLO{
			SLO: s.Name, Objective: s.Objective, SLIKind: string(s.SLI.Kind),
			Verdict: string(r.Verdict), Rule: string(r.Rule), Message: r.Message,
			After: verifyWindow(a), Baseline: verifyWindow(b), BaselineUsed: r.BaselineUsed, MinEvents: r.MinEvents,
			PValue: finiteNum(r.PValue), ObjectivePValue: finiteNum(r.ObjectivePValue), RateRatio: finiteNum(r.RateRatio),
			Exceeds: []string{}, Assumptions: []string{}, Owner: report.Owner{Team: s.Owner.Team, Contact: s.Owner.Contact},
		}
		if r.HasBurn {
			v.BurnRate = finiteNum(r.Burn)
		}
		if r.HasPage {
			v.PageAlert = gate.AlertName(alertState(r.Page))
			v.PageFactor = num(r.Page.Factor)
		}
		for _, x := range r.Exceeds {
			v.Exceeds = append(v.Exceeds, gate.AlertName(alertState(x)))
		}
		v.Assumptions = append(v.Assumptions, after[i].Assumptions...)
		for _, x := range base[i].Assumptions {
			v.Assumptions = append(v.Assumptions, "baseline: "+x)
		}
		doc.SLOs = append(doc.SLOs, v)
	}
	doc.Verdict = string(gate.VerifyOverall(verdicts))
	doc.ExitCode = verifyExit(doc.Verdict, req.OnInconclusive)
	return doc, nil
}

// verifyExit is the exit code of a verdict.
func verifyExit(verdict, onInconclusive string) int {
	switch verdict {
	case report.VerifyFail:
		return ExitBlocked
	case report.VerifyInconclusive:
		switch onInconclusive {
		case InconclusivePass:
			return 0
		case InconclusiveFail:
			return ExitBlocked
		}
		return ExitInconclusive
	}
	return 0
}

// verifyCounts is an evaluation's measurement over its period.
func verifyCounts(e slo.Evaluation) gate.VerifyCounts {
	c := gate.VerifyCounts{Start: e.Start, End: e.Start.Add(e.Elapsed), Bad: e.SLI.Bad, Total: e.SLI.Total,
		ErrorRatio: e.SLI.ErrorRatio, Events: e.SLI.Events, State: e.SLI.State, Reason: e.SLI.Reason}
	if e.Err != nil {
		c.Err = e.Err.Error()
	}
	return c
}

func verifyWindow(c gate.VerifyCounts) report.VerifyWindow {
	w := report.VerifyWindow{Start: c.Start.UTC(), End: c.End.UTC(), DataState: string(c.State), Reason: c.Reason, Error: c.Err}
	switch {
	case c.Err != "":
		w.DataState = report.ConditionError
	case c.State == slo.NoData:
	default:
		w.ErrorRatio = num(c.ErrorRatio)
		if c.Events {
			w.Bad, w.Total = num(c.Bad), num(c.Total)
		}
	}
	return w
}

func finiteNum(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return num(v)
}

// GateRecord is a gate decision as its audit line holds it: what verify
// needs of it.
type GateRecord struct {
	ID      string
	Service string
	At      time.Time
	ref     *report.VerifyDecisionRef
}

// maxAuditLine bounds one audit line read back: a decision over many SLOs
// is tens of kilobytes.
const maxAuditLine = 16 << 20

// FindDecision reads the gate decision id from the audit log at path: the
// last line with that id that is not of another kind (verify's lines have
// "kind":"verify"; the gate's have none).
func FindDecision(path, id string) (GateRecord, error) {
	if path == "" {
		return GateRecord{}, fmt.Errorf("--decision %s needs the gate's audit log: give --audit-log FILE or set NINES_AUDIT_LOG", id)
	}
	f, err := os.Open(path)
	if err != nil {
		return GateRecord{}, fmt.Errorf("could not read the audit log to find decision %s: %w", id, err)
	}
	defer f.Close()
	type line struct {
		Kind     string    `json:"kind"`
		ID       string    `json:"id"`
		Service  string    `json:"service"`
		Time     time.Time `json:"time"`
		At       time.Time `json:"at"`
		Verdict  string    `json:"verdict"`
		ExitCode int       `json:"exit_code"`
	}
	var found *line
	r := bufio.NewReaderSize(f, 64<<10)
	quoted := []byte(`"` + id + `"`)
	for n := 1; ; n++ {
		b, err := readLine(r)
		if len(b) > 0 && bytes.Contains(b, quoted) {
			var l line
			if jerr := json.Unmarshal(b, &l); jerr != nil {
				return GateRecord{}, fmt.Errorf("audit log %s: line %d: %w", path, n, jerr)
			}
			if l.ID == id && (l.Kind == "" || l.Kind == "gate") {
				found = &l
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return GateRecord{}, fmt.Errorf("audit log %s: line %d: %w", path, n, err)
		}
	}
	if found == nil {
		return GateRecord{}, fmt.Errorf("no gate decision %s in the audit log %s", id, path)
	}
	return GateRecord{ID: id, Service: found.Service, At: found.At, ref: &report.VerifyDecisionRef{
		ID: id, Time: found.Time.UTC(), At: found.At.UTC(), Verdict: found.Verdict, ExitCode: found.ExitCode, AuditLog: path,
	}}, nil
}

// readLine reads one line without its newline, at most maxAuditLine long.
func readLine(r *bufio.Reader) ([]byte, error) {
	var out []byte
	for {
		chunk, err := r.ReadSlice('\n')
		out = append(out, chunk...)
		if len(out) > maxAuditLine {
			return nil, fmt.Errorf("a line longer than %d MiB", maxAuditLine>>20)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return []byte(strings.TrimRight(string(out), "\r\n")), err
	}
}

func alertState(a budget.AlertWindow) budget.AlertState { return budget.AlertState{AlertWindow: a} }
