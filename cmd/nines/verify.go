package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/report"
)

// verifyOptions is what `nines verify` was asked.
type verifyOptions struct {
	g *globalOptions
	s *streams

	service        string
	slos           []string
	since          time.Time
	decision       string
	baseline       string
	confidence     float64
	minEvents      float64
	onInconclusive string
	watch          time.Duration
	interval       time.Duration
	format         report.Format
	auditLog       string
	junit          string

	// now, sleep and newID are the clock, the wait between watch rounds
	// and the verification ID source; tests fix them.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	newID func() string
}

func newVerifyCmd(g *globalOptions, s *streams, runF func(*verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{g: g, s: s, now: time.Now, newID: app.NewDecisionID}
	var since, output, confidence string
	c := &cobra.Command{
		Use:   "verify --service NAME --since TIME | --decision ID [--watch DURATION]",
		Short: "Check that a deploy held its SLOs: pass, fail (exit 3) or inconclusive",
		Long: `Compare each SLO's error ratio since a deploy (--since, or the evaluation time
of the gate decision --decision ID in the audit log) with a baseline, and say
whether the deploy held its SLOs.

For each SLO, over [since, --at]:
  - fewer events than the minimum (--min-events; default the SLO's min_events
    and at least 1/(1 - objective), 1,000 for 99.9%), no data, or a raw SLI
    (no counts to test) is inconclusive;
  - a burn rate since the deploy above the factor of the fastest page alert
    (14.4x over 1h/5m by default) fails, whatever the test says;
  - otherwise it fails when, at --confidence (default 95%), its error ratio
    is both higher than the baseline's (exact conditional binomial test of
    the bad counts given the totals) and higher than the objective allows
    (exact binomial test against a burn of 1x); it passes otherwise.
A baseline with fewer events than the minimum is not used: then only the
test against the objective applies. --baseline before (default) is the same
length just before the deploy, at least 1h; --baseline week the same hours one
week earlier. The deploy fails when any SLO fails, else it is inconclusive
when any SLO is.

--watch DURATION re-checks every --interval (default 1m) at the clock's time
until a verdict is conclusive (pass or fail) or DURATION has passed, with a
progress line per round on stderr; a fail ends it at once.

Exit codes (beside the gate's):
  0  pass (and inconclusive with --inconclusive pass)
  1  the tool failed: bad flags, invalid spec, unknown service, a decision
     not in the audit log, a source that cannot be opened, interrupted, or
     the audit log or JUnit report could not be written
  3  fail: roll back (and inconclusive with --inconclusive fail)
  4  inconclusive (--inconclusive exit, the default)

Outputs as the gate's: text, wide, markdown or json (-o); on GitHub Actions
annotations on stderr and a Markdown step summary; --junit FILE; with
--audit-log FILE (env NINES_AUDIT_LOG) one JSON line of "kind":"verify"
naming the gate decision (decision_id). The full reference is docs/verify.md.`,
		Example: `  # After a deploy at 14:02 UTC
  nines verify --service checkout --since 2026-09-30T14:02:00Z

  # Verify the deploy the gate let through, watching for up to 15 minutes
  nines verify --decision 5f0c7a4e-1b2d-4c3e-9f8a-0123456789ab \
    --audit-log gate-audit.jsonl --watch 15m

  # Against the same hours last week, at 99% confidence, as JSON
  nines verify --service search --since 2026-09-30T14:02:00Z --baseline week \
    --confidence 99 -o json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.parse(c, since, output, confidence); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runVerify(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.service, "service", "", "the service deployed (required without --decision)")
	f.StringSliceVar(&opts.slos, "slo", nil, "only these SLOs of the service (repeat or comma-separate; default all)")
	f.StringVar(&since, "since", "", "the deploy time, RFC 3339 or unix seconds (default with --decision: the decision's)")
	f.StringVar(&opts.decision, "decision", "", "the gate decision ID to verify, read from the audit log")
	f.StringVar(&opts.baseline, "baseline", app.BaselineBefore, "compare with: before (the same length before the deploy, at least 1h) or week (the same hours a week earlier)")
	f.StringVar(&confidence, "confidence", "95", "confidence of the tests, in percent (50 to 99.99)")
	f.Float64Var(&opts.minEvents, "min-events", 0, "events since the deploy needed for a verdict (default: the SLO's min_events, at least 1/(1-objective))")
	f.StringVar(&opts.onInconclusive, "inconclusive", app.InconclusiveExit, "what an inconclusive verdict exits with: exit (4), pass (0) or fail (3)")
	f.DurationVar(&opts.watch, "watch", 0, "re-check until conclusive or this long has passed (e.g. 15m)")
	f.DurationVar(&opts.interval, "interval", time.Minute, "with --watch: time between checks")
	f.StringVarP(&output, "output", "o", string(report.Text), "output format: text, wide, json or markdown")
	f.StringVar(&opts.auditLog, "audit-log", "", "the gate's audit log: read --decision from it and append the verification (env NINES_AUDIT_LOG)")
	f.StringVar(&opts.junit, "junit", "", "write a JUnit XML report to this file")
	return c
}

// parse validates the flags into opts. Every error is a usage error.
func (opts *verifyOptions) parse(c *cobra.Command, since, output, confidence string) error {
	var err error
	if opts.format, err = outputFormat(output, report.Text, report.Wide, report.JSON, report.Markdown); err != nil {
		return err
	}
	opts.service = strings.TrimSpace(opts.service)
	opts.decision = strings.TrimSpace(opts.decision)
	if opts.service == "" && opts.decision == "" {
		return usageErrorf("missing --service or --decision: name the service deployed, such as --service checkout, or the gate decision")
	}
	if strings.TrimSpace(since) != "" {
		if opts.since, err = parseTime(since, "--since", opts.now); err != nil {
			return err
		}
	} else if opts.decision == "" {
		return usageErrorf("missing --since: give the deploy time (RFC 3339 or unix seconds), or --decision ID")
	}
	switch opts.baseline {
	case app.BaselineBefore, app.BaselineWeek:
	default:
		return usageErrorf("invalid --baseline %q: use before or week", opts.baseline)
	}
	p, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(confidence), "%"), 64)
	if err != nil || p < 50 || p > 99.99 {
		return usageErrorf("invalid --confidence %q: give a percent from 50 to 99.99, such as 95", confidence)
	}
	opts.confidence = p / 100
	if opts.minEvents < 0 {
		return usageErrorf("invalid --min-events %v: give a number of events, 0 for the default", opts.minEvents)
	}
	switch opts.onInconclusive {
	case app.InconclusiveExit, app.InconclusivePass, app.InconclusiveFail:
	default:
		return usageErrorf("invalid --inconclusive %q: use exit (4), pass (0) or fail (3)", opts.onInconclusive)
	}
	flags := c.Flags()
	switch {
	case opts.watch < 0:
		return usageErrorf("invalid --watch %s: give a positive duration, such as 15m", opts.watch)
	case opts.interval <= 0:
		return usageErrorf("invalid --interval %s: give a positive duration, such as 1m", opts.interval)
	case opts.watch == 0 && flags.Changed("interval"):
		return usageErrorf("--interval goes with --watch")
	case opts.watch > 0 && strings.TrimSpace(opts.g.at) != "":
		return usageErrorf("--watch checks at the clock's time: it cannot go with --at")
	case opts.watch > 0 && opts.g.sourceFile != "":
		return usageErrorf("--watch needs a live Prometheus: the data of --source %s does not grow", opts.g.sourceFile)
	}
	if opts.auditLog == "" {
		opts.auditLog = opts.s.Getenv("NINES_AUDIT_LOG")
	}
	return nil
}

// runVerify verifies through app.Verify, then reports the verification on
// stdout, as GitHub annotations and step summary, and as JUnit. A fail
// exits 3, an inconclusive verdict by --inconclusive.
func runVerify(ctx context.Context, opts *verifyOptions) error {
	id := opts.newID()
	evalCtx, env, done, err := opts.g.newEnv(ctx, opts.s, opts.now, "verify_id", id)
	if err != nil {
		return err
	}
	defer done()
	log := env.Log.With("verify_id", id)
	req := app.VerifyRequest{
		ID: id, Service: opts.service, SLOs: opts.slos, Since: opts.since, Decision: opts.decision,
		AuditLog: opts.auditLog, Baseline: opts.baseline, Confidence: opts.confidence, MinEvents: opts.minEvents,
		OnInconclusive: opts.onInconclusive,
	}
	if opts.watch > 0 {
		// Each round has its own --timeout; the whole watch has none.
		evalCtx = ctx
		req.Watch = app.VerifyWatch{Duration: opts.watch, Interval: opts.interval, Sleep: opts.sleep,
			Round: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeoutCause(ctx, opts.g.timeout, timeoutError{opts.g.timeout})
			},
			Progress: func(v report.Verification) { fmt.Fprintln(opts.s.ErrOut, progressLine(v)) },
		}
	}
	doc, recordErr := app.Verify(evalCtx, env, req)
	if doc == nil {
		return recordErr
	}
	if opts.watch > 0 {
		fmt.Fprintln(opts.s.ErrOut, progressLine(*doc))
	}
	for _, w := range doc.Warnings {
		fmt.Fprintf(opts.s.ErrOut, "warning: %s\n", report.Escape(w))
	}
	if doc.Verdict == report.VerifyInconclusive && doc.ExitCode == 0 {
		fmt.Fprintln(opts.s.ErrOut, "warning: the verdict is inconclusive; --inconclusive pass lets it exit 0")
	}
	if err := report.Export(opts.s.Out, opts.format, doc); err != nil {
		return errors.Join(err, recordErr)
	}
	opts.github(doc, log)
	if opts.junit != "" {
		if err := writeFileWith(opts.junit, func(f io.Writer) error { return report.WriteVerifyJUnit(f, *doc) }); err != nil {
			return errors.Join(fmt.Errorf("could not write the JUnit report: %w", err), recordErr)
		}
	}
	if recordErr != nil {
		return recordErr
	}
	log.Info("verify verdict", "service", doc.Service, "verdict", doc.Verdict, "exit_code", doc.ExitCode)
	if doc.ExitCode != exitOK {
		return &exitError{code: doc.ExitCode}
	}
	return nil
}

// progressLine is one round of a watch, for stderr: "verify checkout
// +3m: inconclusive (availability too_few_events: 612 events ...)".
func progressLine(v report.Verification) string {
	var parts []string
	for _, s := range v.SLOs {
		total := "-"
		if s.After.Total != nil {
			total = report.Count(*s.After.Total)
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s events, %s)", s.SLO, s.Verdict, total, s.Rule))
	}
	return report.Escape(fmt.Sprintf("verify %s +%s: %s; %s", v.Service, report.Duration(v.At.Sub(v.Since)), v.Verdict, strings.Join(parts, ", ")))
}

// github writes the annotations and the step summary on GitHub Actions.
// Failures are warnings: they do not change the verdict.
func (opts *verifyOptions) github(doc *report.Verification, log *slog.Logger) {
	writeGitHub(opts.s, report.VerifyAnnotations(*doc, report.GitHubAnnotationLimit), doc, log)
}
