package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

// demoSource is the OpenMetrics file of the embedded quick start.
const demoSource = "specs/demo/metrics.om.gz"

// globalOptions holds the flags every command shares.
type globalOptions struct {
	specs          []string
	promURL        string
	httpConfigFile string
	sourceFile     string
	at             string
	queryTimeout   time.Duration
	retries        int
	concurrency    int
	logFormat      string
	logLevel       string
}

func (g *globalOptions) addFlags(root *cobra.Command) {
	f := root.PersistentFlags()
	f.StringArrayVar(&g.specs, "specs", []string{"specs"}, "spec file or directory (tiers file and service files); repeat for more")
	f.StringVar(&g.promURL, "prometheus.url", "", "Prometheus-compatible API base URL (env NINES_PROMETHEUS_URL)")
	f.StringVar(&g.httpConfigFile, "http.config.file", "", "HTTP client config file (Prometheus format: auth, TLS, proxy, headers)")
	f.StringVar(&g.sourceFile, "source", "", "OpenMetrics file (plain or .gz) to query with the embedded engine instead of a server")
	f.StringVar(&g.at, "at", "", "evaluation time, RFC 3339 or unix seconds (default now)")
	f.DurationVar(&g.queryTimeout, "query.timeout", 30*time.Second, "timeout of each query")
	f.IntVar(&g.retries, "query.retries", 3, "retries of a query on transient failures (connection errors, 429, 502, 503, 504)")
	f.IntVar(&g.concurrency, "query.concurrency", 8, "queries in flight at once")
	f.StringVar(&g.logFormat, "log.format", "text", "log format on stderr: text or json")
	f.StringVar(&g.logLevel, "log.level", "warn", "log level: debug, info, warn or error")
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

// start builds the logger and reads --at: what every command that evaluates
// does first.
func (g *globalOptions) start(s *streams, now func() time.Time) (*slog.Logger, time.Time, error) {
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

// parseTime reads RFC 3339 or unix seconds (with an optional fraction).
func parseTime(v, flag string, now func() time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "now" {
		return now().UTC().Truncate(time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	return time.Time{}, usageErrorf("invalid %s %q: use RFC 3339 (2026-09-30T12:00:00Z) or unix seconds", flag, v)
}

// source is what commands read metrics from.
type source interface {
	slo.Querier
	slo.RangeQuerier
	Close() error
	// String describes the source for output and audit logs, without secrets.
	String() string
}

// openSource connects to the source the flags name: --prometheus.url (or env
// NINES_PROMETHEUS_URL) or --source. Exactly one must be given.
func (g *globalOptions) openSource(ctx context.Context, s *streams, log *slog.Logger) (source, error) {
	url := g.promURL
	if url == "" {
		url = s.Getenv("NINES_PROMETHEUS_URL")
	}
	switch {
	case url != "" && g.sourceFile != "":
		return nil, usageErrorf("--prometheus.url and --source are exclusive: give one (for the demo: --source %s)", demoSource)
	case url == "" && g.sourceFile == "":
		return nil, usageErrorf("no metrics source: give --prometheus.url (or NINES_PROMETHEUS_URL) or --source FILE (for the demo: --source %s)", demoSource)
	case g.sourceFile != "":
		return openEmbedded(ctx, g.sourceFile, g.queryTimeout, log)
	}
	h, err := prom.NewHTTP(prom.HTTPOptions{
		URL:            url,
		HTTPConfigFile: g.httpConfigFile,
		Timeout:        g.queryTimeout,
		MaxRetries:     g.retries,
		Concurrency:    g.concurrency,
		Logger:         log,
	})
	if err != nil {
		return nil, fmt.Errorf("could not set up Prometheus client: %w", err)
	}
	return h, nil
}

// newEnv is what every command that reads specs and metrics does first: the
// logger, --at, the specs (read once) and the source. With keepSourceErr a
// source that cannot be opened is left to the use case (the gate decides
// on it) instead of failing the command; usage errors always fail. The
// caller calls close when done.
func (g *globalOptions) newEnv(ctx context.Context, s *streams, now func() time.Time, keepSourceErr bool) (env *app.Env, close func(), err error) {
	log, at, err := g.start(s, now)
	if err != nil {
		return nil, nil, err
	}
	cat, err := loadCatalog(g)
	if err != nil {
		return nil, nil, err
	}
	env = &app.Env{Catalog: cat, At: at, Now: now, Log: log, Getenv: s.Getenv}
	src, err := g.openSource(ctx, s, log)
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		return nil, nil, err
	case err != nil && !keepSourceErr:
		return nil, nil, err
	case err != nil:
		env.SourceErr, env.SourceName = err, g.describeSource(s)
		log.Warn("could not open the source", "error", err)
		return env, func() {}, nil
	}
	env.Source = src
	return env, func() { src.Close() }, nil
}

// describeSource names the source the flags give, without credentials, for
// a decision whose source could not be opened.
func (g *globalOptions) describeSource(s *streams) string {
	if g.sourceFile != "" {
		return "file " + g.sourceFile
	}
	u := g.promURL
	if u == "" {
		u = s.Getenv("NINES_PROMETHEUS_URL")
	}
	return "prometheus " + redactURL(u)
}
