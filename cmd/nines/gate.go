package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/internal/redact"
	"github.com/nines-sre/nines/report"
	"github.com/nines-sre/nines/slo"
)

// gateOptions is what `nines gate` was asked.
type gateOptions struct {
	g *globalOptions
	s *streams

	service     string
	slos        []string
	changeType  slo.ChangeType
	format      report.Format
	failOnWarn  bool
	dryRun      bool
	override    *app.Override
	auditLog    string
	junit       string
	pushgateway string
	cacheDir    string

	// now and newID are the clock and the decision ID source; tests fix them.
	now   func() time.Time
	newID func() string
}

// gateText is the default output format of gate: the decision for people.
const gateText = report.Text

func newGateCmd(g *globalOptions, s *streams, runF func(*gateOptions) error) *cobra.Command {
	opts := &gateOptions{g: g, s: s, now: time.Now, newID: app.NewDecisionID}
	var changeType, output, reason, actor string
	var override bool
	c := &cobra.Command{
		Use:   "gate --service NAME [--slo NAME...] [--change-type normal|hotfix|rollback|security]",
		Short: "Allow, warn or block a deploy from the service's error budgets",
		Long: `Evaluate a service's SLOs (--at, default now) and decide whether a deploy may go
ahead, by the gate policy of the service's tier (overridable in the service's
spec). The decision and every reason are always printed: which SLO, its
objective, its budget left, the burn-rate alerts firing, and whom to contact.

Policy (the gate: section of a tier or service; defaults in brackets):
  block_below          block when an SLO's budget left is below this percent [0]
  warn_below           warn when it is below this percent [25]
  block_on_page        block while a page-severity burn-rate alert fires [true]
  warn_on_ticket       warn while a ticket-severity burn-rate alert fires [true]
  allow_during_freeze  change types a block lets through [rollback, security]
  on_error             when the source fails: fail_closed, fail_open or
                       last_known_good [fail_closed]
  max_staleness        last_known_good: the oldest usable cached evaluation [1h]
  fallback             last_known_good without one: closed or open [closed]
An SLO without data, or with fewer events than min_events, follows its tier's
no_data policy (block, warn or allow). Warnings from the source (a partial
response) make a warning. A fail_open or last_known_good decision always
carries a warning. A change type in allow_during_freeze passes any block.

Evaluation errors (source unreachable, timed out, 5xx, 429, rejected query,
unreadable answer) follow on_error, and so do the queries that --timeout
(default 60s), the deadline of the whole run, cuts short: the gate then
still decides, prints and records its decision. last_known_good decides on
the service's last successful evaluation, kept per SLO in --cache-dir, if it
is at most max_staleness older than --at; the output says which path was
taken. Every successful evaluation refreshes the cache. A source that cannot
be opened is misconfigured, not failing, and exits 1 whatever on_error says:
a URL without http:// or https://, a missing or invalid --http.config.file,
credentials both in the URL and in the file, an unreadable --source file.
SIGINT or SIGTERM stops the gate at once: exit 1, and no decision is
recorded.

Exit codes:
  0  allowed (pass or warn), or any --dry-run
  1  the tool failed: bad flags, invalid spec, unknown service, a source that
     cannot be opened, interrupted (SIGINT, SIGTERM), or the audit log or
     JUnit report could not be written
  3  blocked by policy, including fail-closed; with --fail-on-warn, warnings too

--override --reason TEXT allows the deploy whatever the policy says, and is
recorded with its actor (--actor, or GITHUB_ACTOR, GITLAB_USER_LOGIN,
BUILD_USER_ID, ... from the CI environment). --audit-log FILE (env
NINES_AUDIT_LOG) appends every decision as one JSON line; concurrent gates
never interleave lines. On GitHub Actions (GITHUB_ACTIONS=true) the reasons
also become ::error/::warning annotations on stderr (at most 10, most
important first) and a Markdown table in $GITHUB_STEP_SUMMARY. --junit FILE
writes a JUnit XML report (GitLab, Jenkins). --pushgateway URL pushes the
decision and the budgets as metrics; a failed push is only a warning. Log
lines on stderr carry the decision ID as decision_id.

-o json prints the decision (schema_version 1; each audit line is the same
document on one line):
  {"schema_version": 1, "id", "time", "at", "service", "tier",
   "owner": {"team", "contact"}, "change_type",
   "verdict": "allow|warn|block", "policy_verdict", "exit_code": 0|3,
   "dry_run", "fail_on_warn", "escalated", "exempted",
   "override": null | {"actor", "actor_from", "reason"},
   "fallback": {"path": "none|fail_closed|fail_open|last_known_good",
                "policy", "cache": null|"fresh|stale|missing", "cache_at",
                "cache_age_seconds", "max_staleness_seconds", "error", "slos"},
   "source", "policy": {...},
   "reasons": [{"slo", "rule", "effect", "message", "objective",
                "budget_left", "firing": ["page 1h/5m 14.4x"], "owner",
                "cached"}],
   "slos": [{"slo", "objective", "window", "evaluated_at",
             "evaluation": "live|cache|failed", "data_state", "reason",
             "budget_left", "burn_rates": [{"window", "seconds",
             "burn_rate"}], "firing": [...], "no_data_policy", "error"}],
   "warnings": [...], "ci": {"provider", "env": {"GITHUB_SHA": ...}}}
Ratios are in [0, 1] (budget left may be negative); null means unknown.
Rules: page_alert, budget_exhausted, evaluation_error, no_data,
insufficient_data, budget_low, ticket_alert, source_warning, last_known_good,
within_policy.
The full reference is docs/gate.md.`,
		Example: `  # Before a production deploy
  nines gate --service checkout --prometheus.url http://prometheus:9090

  # A rollback during a freeze, with an audit trail and a JUnit report
  nines gate --service checkout --change-type rollback \
    --audit-log /var/log/nines/gate.jsonl --junit gate.xml

  # Deploy anyway, on the record
  nines gate --service checkout --override --reason "INC-4711 fix, agreed with #payments-oncall"

  # See what the gate would say, without enforcing it
  nines gate --service checkout --dry-run -o json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.parse(c, changeType, output, override, reason, actor); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runGate(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.service, "service", "", "the service to deploy (required)")
	f.StringSliceVar(&opts.slos, "slo", nil, "only these SLOs of the service (repeat or comma-separate; default all)")
	f.StringVar(&changeType, "change-type", string(slo.ChangeNormal), "the kind of change: normal, hotfix, rollback or security")
	f.StringVarP(&output, "output", "o", string(gateText), "output format: text, wide, json or markdown")
	f.BoolVar(&opts.failOnWarn, "fail-on-warn", false, "block (exit 3) on warnings too")
	f.BoolVar(&opts.dryRun, "dry-run", false, "evaluate and report, but exit 0 whatever the verdict; marked in the output and audit log")
	f.BoolVar(&override, "override", false, "allow the deploy whatever the policy says (needs --reason; audited)")
	f.StringVar(&reason, "reason", "", "why the policy is overridden (with --override)")
	f.StringVar(&actor, "actor", "", "who overrides (default: the CI user from GITHUB_ACTOR, GITLAB_USER_LOGIN, ... or USER)")
	f.StringVar(&opts.auditLog, "audit-log", "", "append every decision as a JSON line to this file (env NINES_AUDIT_LOG)")
	f.StringVar(&opts.junit, "junit", "", "write a JUnit XML report to this file")
	f.StringVar(&opts.pushgateway, "pushgateway", "", "push the decision and budgets as metrics to this Pushgateway URL")
	f.StringVar(&opts.cacheDir, "cache-dir", "", "last-known-good cache directory (default $XDG_CACHE_HOME/nines or ~/.cache/nines)")
	return c
}

// parse validates the flags into opts. Every error is a usage error.
func (opts *gateOptions) parse(c *cobra.Command, changeType, output string, override bool, reason, actor string) error {
	flags := c.Flags()
	var err error
	if opts.format, err = outputFormat(output, gateText, report.Wide, report.JSON, report.Markdown); err != nil {
		return err
	}
	opts.service = strings.TrimSpace(opts.service)
	if opts.service == "" {
		return usageErrorf("missing --service: name the service to deploy, such as --service checkout")
	}
	opts.changeType = slo.ChangeType(changeType)
	if !slo.ValidChangeType(opts.changeType) {
		return usageErrorf("invalid --change-type %q: use normal, hotfix, rollback or security", changeType)
	}
	reason = strings.TrimSpace(reason)
	switch {
	case override && reason == "":
		return usageErrorf("--override needs --reason TEXT: say why the policy is overridden (it is recorded)")
	case !override && flags.Changed("reason"):
		return usageErrorf("--reason goes with --override")
	case !override && flags.Changed("actor"):
		return usageErrorf("--actor goes with --override")
	}
	if override {
		o := &app.Override{Reason: reason, Actor: strings.TrimSpace(actor), ActorFrom: "--actor"}
		if o.Actor == "" {
			o.Actor, o.ActorFrom = app.Actor(opts.s.Getenv)
		}
		if o.Actor == "" {
			return usageErrorf("--override needs an actor: give --actor NAME (none of %s is set)", strings.Join(app.ActorVars(), ", "))
		}
		opts.override = o
	}
	if opts.auditLog == "" {
		opts.auditLog = opts.s.Getenv("NINES_AUDIT_LOG")
	}
	if opts.cacheDir == "" {
		opts.cacheDir = defaultCacheDir(opts.s.Getenv)
	}
	if opts.pushgateway != "" {
		u, err := url.Parse(opts.pushgateway)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageErrorf("invalid --pushgateway %q: give its base URL, such as http://pushgateway:9091", redact.URL(opts.pushgateway))
		}
	}
	return nil
}

// defaultCacheDir is $XDG_CACHE_HOME/nines, else $HOME/.cache/nines, else
// "" (no cache).
func defaultCacheDir(getenv func(string) string) string {
	if d := getenv("XDG_CACHE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "nines")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache", "nines")
	}
	return ""
}

// runGate decides through app.Gate, then reports the decision: on stdout,
// as GitHub annotations and step summary, as JUnit and to the Pushgateway.
// A block returns exit code 3.
func runGate(ctx context.Context, opts *gateOptions) error {
	begin := time.Now()
	id := opts.newID()
	evalCtx, env, done, err := opts.g.newEnv(ctx, opts.s, opts.now, "decision_id", id)
	if err != nil {
		return err
	}
	defer done()
	// The evaluation has the --timeout deadline; the decision, the audit
	// line and the reports after it do not: they happen when it has passed.
	doc, recordErr := app.Gate(evalCtx, env, app.GateRequest{
		ID: id, Service: opts.service, SLOs: opts.slos, ChangeType: opts.changeType, Override: opts.override,
		DryRun: opts.dryRun, FailOnWarn: opts.failOnWarn, CacheDir: opts.cacheDir, AuditLog: opts.auditLog,
	})
	if doc == nil {
		return recordErr
	}
	log := env.Log.With("decision_id", id)
	for _, w := range doc.Warnings {
		fmt.Fprintf(opts.s.ErrOut, "warning: %s\n", report.Escape(w))
	}
	if err := report.Export(opts.s.Out, opts.format, doc); err != nil {
		return errors.Join(err, recordErr)
	}
	opts.github(doc, log)
	if opts.junit != "" {
		if err := writeFileWith(opts.junit, func(f io.Writer) error { return report.WriteGateJUnit(f, *doc) }); err != nil {
			return errors.Join(fmt.Errorf("could not write the JUnit report: %w", err), recordErr)
		}
	}
	if recordErr != nil {
		return recordErr
	}
	if opts.pushgateway != "" {
		if err := pushDecision(ctx, opts.pushgateway, *doc, time.Since(begin), log); err != nil {
			log.Warn("could not push the decision to the Pushgateway; the decision stands", "error", err)
		}
	}
	log.Info("gate decision", "service", doc.Service, "verdict", doc.Verdict, "policy_verdict", doc.PolicyVerdict,
		"exit_code", doc.ExitCode, "fallback", doc.Fallback.Path, "dry_run", doc.DryRun, "overridden", doc.Override != nil,
		"duration", time.Since(begin))
	if doc.Blocked() {
		return &exitError{code: exitBlocked}
	}
	return nil
}

// github writes the annotations and the step summary on GitHub Actions.
// Failures are warnings: they do not change the decision.
func (opts *gateOptions) github(doc *report.GateDecision, log *slog.Logger) {
	writeGitHub(opts.s, report.GateAnnotations(*doc, report.GitHubAnnotationLimit), doc, log)
}

// writeGitHub writes, on GitHub Actions only, the annotations on stderr
// and doc as Markdown to the step summary (GITHUB_STEP_SUMMARY), for the
// gate and verify alike. A summary that cannot be written is a warning.
func writeGitHub(s *streams, annotations []string, doc any, log *slog.Logger) {
	if s.Getenv("GITHUB_ACTIONS") != "true" {
		return
	}
	for _, a := range annotations {
		fmt.Fprintln(s.ErrOut, a)
	}
	path := s.Getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return
	}
	if err := appendFileWith(path, func(f io.Writer) error { return report.Export(f, report.Markdown, doc) }); err != nil {
		log.Warn("could not append to the GitHub step summary", "error", err)
	}
}
