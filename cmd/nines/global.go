package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// defaultTimeout is the default --timeout: a CI step's worth.
const defaultTimeout = 60 * time.Second

// globalOptions holds the flags every command shares.
type globalOptions struct {
	specs          []string
	promURL        string
	httpConfigFile string
	sourceFile     string
	at             string
	timeout        time.Duration
	queryTimeout   time.Duration
	retries        int
	concurrency    int
	logFormat      string
	logLevel       string
	// stats is --stats, a flag of the commands that report query cost.
	stats bool
	// recorded is --recorded: auto, always or never.
	recorded string

	// flags are the root's persistent flags, to tell a flag given from its
	// default.
	flags *pflag.FlagSet
}

// specsGiven reports whether --specs was given.
func (g *globalOptions) specsGiven() bool {
	return g.flags != nil && g.flags.Changed("specs")
}

func (g *globalOptions) addFlags(root *cobra.Command) {
	f := root.PersistentFlags()
	g.flags = f
	f.StringArrayVar(&g.specs, "specs", []string{"specs"}, "spec file or directory (tiers file and service files); repeat for more (with --source demo: the example specs built in)")
	f.StringVar(&g.promURL, "prometheus.url", "", "Prometheus-compatible API base URL (env NINES_PROMETHEUS_URL)")
	f.StringVar(&g.httpConfigFile, "http.config.file", "", "HTTP client config file (Prometheus format: auth, TLS, proxy, headers)")
	f.StringVar(&g.sourceFile, "source", "", "OpenMetrics file (plain or .gz) to query with the embedded engine instead of a server; demo for the demo data built in")
	f.StringVar(&g.at, "at", "", "evaluation time, RFC 3339 or unix seconds (default now; with --source, the data's last sample)")
	f.DurationVar(&g.timeout, "timeout", defaultTimeout, "deadline of the whole command: loading specs, opening the source and every query; when it passes, unanswered queries fail (the gate decides by on_error)")
	f.DurationVar(&g.queryTimeout, "query.timeout", 30*time.Second, "timeout of each query, from when it is sent")
	f.IntVar(&g.retries, "query.retries", 3, "retries of a query on transient failures (connection errors, 429, 502, 503, 504)")
	f.IntVar(&g.concurrency, "query.concurrency", 8, "queries in flight at once")
	f.StringVar(&g.logFormat, "log.format", "text", "log format on stderr: text or json")
	f.StringVar(&g.logLevel, "log.level", "warn", "log level: debug, info, warn or error")
	f.StringVar(&g.recorded, "recorded", string(slo.RecordedAuto), "what burn, status, gate, cost, report, summary and advise read (cost and report: the measurement over the period; their incident scan reads raw data): auto (the recorded series of nines rules where they cover every window, raw data elsewhere), always (recorded series only) or never (raw data only); docs/fast-path.md")
}

// statsHelp is the --stats paragraph of the help of burn, status and cost.
const statsHelp = `

--stats also shows what the queries cost: a table after the main one (a
"stats" object in JSON; columns per SLO in burn and status CSV, query_stats
rows in cost CSV) with, per SLO and for the fleet, the queries sent, the
samples the server read to answer them (Prometheus stats=all; n/a, never 0,
where the source does not report them, as VictoriaMetrics), and their wall
time. A query several SLOs use is listed under each and counted once for
the fleet. docs/stats.md explains the figures.`

// addStatsFlag adds --stats to a command that reports the cost of its
// queries (burn, status, cost).
func (g *globalOptions) addStatsFlag(c *cobra.Command) {
	c.Long += statsHelp
	c.Flags().BoolVar(&g.stats, "stats", false, "also show what the queries cost: queries, samples scanned and query time, per SLO and for the fleet")
}

// logger builds the stderr logger from the log flags.
func (g *globalOptions) logger(s *streams) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(g.logLevel)); err != nil {
		return nil, usageErrorf("invalid --log.level %q: use debug, info, warn or error", g.logLevel)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch g.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(s.ErrOut, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(s.ErrOut, opts)), nil
	default:
		return nil, usageErrorf("invalid --log.format %q: use text or json", g.logFormat)
	}
}

// evalTime parses --at; empty means now (time.Now when now is nil).
func (g *globalOptions) evalTime(now func() time.Time) (time.Time, error) {
	if now == nil {
		now = time.Now
	}
	return parseTime(g.at, "--at", now)
}

// start checks --timeout, builds the logger and reads --at: what every
// command that evaluates does first.
func (g *globalOptions) start(s *streams, now func() time.Time) (*slog.Logger, time.Time, error) {
	if g.timeout <= 0 {
		return nil, time.Time{}, usageErrorf("invalid --timeout %s: give a positive duration, such as 60s or 5m", g.timeout)
	}
	log, err := g.logger(s)
	if err != nil {
		return nil, time.Time{}, err
	}
	at, err := g.evalTime(now)
	if err != nil {
		return nil, time.Time{}, err
	}
	return log, at, nil
}

// Unix seconds within the years 0001 to 9999; beyond them a unix time is
// in smaller units.
const (
	minUnixSeconds = -62135596800 // 0001-01-01T00:00:00Z
	maxUnixSeconds = 253402300799 // 9999-12-31T23:59:59Z
)

// parseTime reads RFC 3339 or unix seconds (with an optional fraction). A
// unix time beyond the year 9999 as seconds is rejected, naming the unit
// it looks like (milliseconds, microseconds, nanoseconds) and the seconds
// meant.
func parseTime(v, flag string, now func() time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "now" {
		return now().UTC().Truncate(time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		// Within what RFC 3339 can write in UTC, as output and the audit
		// log do: 0001 to 9999.
		if y := t.UTC().Year(); y < 1 || y > 9999 {
			return time.Time{}, usageErrorf("invalid %s %q: it is in the year %d in UTC; give a time from 0001 to 9999", flag, v, y)
		}
		return t, nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		if f > maxUnixSeconds || f < minUnixSeconds {
			return time.Time{}, unixUnitError(v, flag, f)
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	return time.Time{}, usageErrorf("invalid %s %q: use RFC 3339 (2026-09-30T12:00:00Z) or unix seconds", flag, v)
}

// unixUnitError rejects a unix time f (given as v) that is too large in
// magnitude to be seconds: it names the unit it looks like and the seconds
// meant.
func unixUnitError(v, flag string, f float64) error {
	unit := ""
	for _, u := range []struct {
		name string
		per  float64
	}{{"milliseconds", 1e3}, {"microseconds", 1e6}, {"nanoseconds", 1e9}} {
		if s := f / u.per; s <= maxUnixSeconds && s >= minUnixSeconds {
			unit = fmt.Sprintf("looks like %s: give unix seconds (%s) or RFC 3339", u.name, strconv.FormatFloat(s, 'f', -1, 64))
			break
		}
	}
	if unit == "" {
		unit = "is beyond the year 9999 even as nanoseconds: give unix seconds or RFC 3339"
	}
	return usageErrorf("%s %s %s", flag, v, unit)
}

// source is what commands read metrics from.
type source interface {
	slo.Querier
	slo.RangeQuerier
	Close() error
	// String describes the source for output and audit logs, without secrets.
	String() string
}

// demoSourceName is the --source value of the demo data built into the
// binary.
const demoSourceName = "demo"

// sourceKind is where metrics come from.
type sourceKind int

const (
	sourceNone sourceKind = iota
	sourceServer
	sourceFile
	sourceDemo
)

// chooseSource applies the precedence of flags over environment variables:
// --prometheus.url and --source are exclusive; NINES_PROMETHEUS_URL stands
// in for --prometheus.url when no source flag is given, and yields, with a
// note, to --source. It returns the kind and the server URL.
func (g *globalOptions) chooseSource(s *streams) (sourceKind, string, error) {
	envURL := s.Getenv("NINES_PROMETHEUS_URL")
	switch {
	case g.promURL != "" && g.sourceFile != "":
		return sourceNone, "", usageErrorf("--prometheus.url and --source are exclusive: give one (for the demo: --source %s)", demoSourceName)
	case g.sourceFile != "":
		if envURL != "" {
			fmt.Fprintf(s.ErrOut, "nines: note: NINES_PROMETHEUS_URL is set and --source is given: the flag wins\n")
		}
		if g.sourceFile == demoSourceName {
			return sourceDemo, "", nil
		}
		return sourceFile, "", nil
	case g.promURL != "":
		return sourceServer, g.promURL, nil
	case envURL != "":
		return sourceServer, envURL, nil
	}
	return sourceNone, "", usageErrorf("no metrics source: give --prometheus.url (or NINES_PROMETHEUS_URL) or --source FILE (for the demo: --source %s)", demoSourceName)
}

// openSource connects to the source the flags (or NINES_PROMETHEUS_URL)
// name: a server, an OpenMetrics file or the demo data. Opening a server's
// client never contacts the server and opening a file is local, so every
// error is the configuration's: each names the flag or file at fault.
func (g *globalOptions) openSource(ctx context.Context, s *streams, log *slog.Logger) (source, error) {
	kind, url, err := g.chooseSource(s)
	if err != nil {
		return nil, err
	}
	switch kind {
	case sourceDemo:
		return openDemo(ctx, g.queryTimeout, log)
	case sourceFile:
		src, err := openEmbedded(ctx, g.sourceFile, g.queryTimeout, log)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("could not load --source %s: %w", g.sourceFile, err)
			}
			return nil, fmt.Errorf("could not load --source %s: %w (give an OpenMetrics file, plain or gzip, or --source %s)", g.sourceFile, err, demoSourceName)
		}
		return src, nil
	}
	from := "--prometheus.url"
	if g.promURL == "" {
		from = "NINES_PROMETHEUS_URL"
	}
	if raw := strings.TrimSpace(url); raw != "" && !strings.Contains(raw, "://") {
		shown := raw[strings.LastIndex(raw, "@")+1:] // no userinfo
		return nil, fmt.Errorf("invalid %s %q: no scheme: did you mean http://%s?", from, shown, shown)
	}
	if g.httpConfigFile != "" {
		from += " and --http.config.file"
		if _, err := os.Stat(g.httpConfigFile); err != nil {
			return nil, fmt.Errorf("could not read --http.config.file %q: %w: give the path of a Prometheus http_config file, or leave the flag out", g.httpConfigFile, errors.Unwrap(err))
		}
	}
	h, err := prom.NewHTTP(prom.HTTPOptions{
		URL:            url,
		HTTPConfigFile: g.httpConfigFile,
		Timeout:        g.queryTimeout,
		MaxRetries:     g.retries,
		Concurrency:    g.concurrency,
		Logger:         log,
		Stats:          g.stats,
	})
	if err != nil {
		return nil, fmt.Errorf("could not set up the Prometheus client from %s: %w", from, err)
	}
	return h, nil
}

// timeoutError is the cause of the evaluation context's end when --timeout
// passes; errors.Is tells it as context.DeadlineExceeded.
type timeoutError struct{ d time.Duration }

func (e timeoutError) Error() string { return fmt.Sprintf("the --timeout of %s expired", e.d) }

func (e timeoutError) Unwrap() error { return context.DeadlineExceeded }

// newEnv is what every command that reads specs and metrics does first: it
// starts the --timeout deadline, then builds the logger, reads --at, loads
// the specs (once) and opens the source. Every error fails the command
// (exit 1): a source that cannot be opened is misconfigured, and the gate's
// on_error is for a source that fails to answer.
//
// evalCtx is ctx bounded by --timeout: the command evaluates under it, and
// does what must happen after the deadline (decide, record, report) under
// ctx or none. ctx's own end, a signal, reaches evalCtx. The caller calls
// close when done. sourceLog are attributes of the source's log lines (the
// gate's decision ID).
func (g *globalOptions) newEnv(ctx context.Context, s *streams, now func() time.Time, sourceLog ...any) (evalCtx context.Context, env *app.Env, close func(), err error) {
	log, at, err := g.start(s, now)
	if err != nil {
		return nil, nil, nil, err
	}
	recorded, err := slo.ParseRecordedMode(g.recorded)
	if err != nil {
		return nil, nil, nil, usageErrorf("invalid --recorded %q: use auto, always or never", g.recorded)
	}
	evalCtx, cancel := context.WithTimeoutCause(ctx, g.timeout, timeoutError{g.timeout})
	cat, err := loadCatalog(evalCtx, g)
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	src, err := g.openSource(evalCtx, s, log.With(sourceLog...))
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	env = &app.Env{Catalog: cat, Source: src, At: at, Now: now, Log: log, Getenv: s.Getenv, Stats: g.stats, Recorded: recorded}
	if f, ok := src.(spanned); ok {
		env.At = g.fileTime(s, f, at)
	}
	return evalCtx, env, func() { src.Close(); cancel() }, nil
}

// spanned is a file source, which knows when its data starts and ends.
type spanned interface {
	Span() (first, last time.Time)
}

// fileTime is the evaluation time of a file source: --at when given (with a
// warning when it is after the file's data ends), else the file's last
// sample, said on stderr: the wall clock is after the data, where
// everything is "no data".
func (g *globalOptions) fileTime(s *streams, f spanned, at time.Time) time.Time {
	_, last := f.Span()
	if last.IsZero() {
		return at
	}
	name := g.sourceFile
	if name == demoSourceName {
		name = "the demo data"
	}
	if strings.TrimSpace(g.at) == "" {
		fmt.Fprintf(s.ErrOut, "nines: evaluating at %s, the last sample in %s (give --at to choose)\n", last.UTC().Format(time.RFC3339), name)
		return last
	}
	if at.Sub(last) > prom.DefaultLookbackDelta {
		fmt.Fprintf(s.ErrOut, "nines: warning: --at %s is after the last sample in %s (%s): windows reaching past it see no data there\n",
			at.UTC().Format(time.RFC3339), name, last.UTC().Format(time.RFC3339))
	}
	return at
}
