package prom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/config"
	"github.com/prometheus/common/model"

	"github.com/nines-sre/nines/internal/redact"
	"github.com/nines-sre/nines/slo"
)

// Defaults of HTTPOptions.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultMaxRetries    = 3
	DefaultConcurrency   = 8
	DefaultBackoffBase   = 200 * time.Millisecond
	DefaultBackoffMax    = 5 * time.Second
	DefaultRetryAfterMax = 30 * time.Second
)

// HTTPOptions configures an HTTP client of a Prometheus-compatible API.
type HTTPOptions struct {
	// URL is the base URL of the API (Prometheus, Thanos, Mimir, Cortex,
	// VictoriaMetrics), without /api/v1; it may carry a path prefix such as
	// /prometheus. Userinfo (http://user:password@host) is used as basic auth
	// and never shown.
	URL string
	// HTTPConfigFile is an optional HTTP client config file in Prometheus'
	// http_config format: authorization, basic_auth, oauth2, tls_config,
	// proxy_url, http_headers (e.g. X-Scope-OrgID).
	HTTPConfigFile string
	// Timeout bounds each attempt of a query and is sent to the server as the
	// query's timeout parameter; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxRetries is how many times a query is retried after a transient
	// failure; 0 means never, negative means DefaultMaxRetries.
	MaxRetries int
	// Concurrency bounds the requests in flight at once across all queries
	// of the client; <= 0 means DefaultConcurrency.
	Concurrency int
	// Logger receives a warning per retry and a debug line per query; nil
	// discards them.
	Logger *slog.Logger
	// BackoffBase bounds the random delay before the first retry; the bound
	// doubles with each retry up to BackoffMax. 0 means DefaultBackoffBase.
	BackoffBase time.Duration
	// BackoffMax caps the backoff delay; 0 means DefaultBackoffMax.
	BackoffMax time.Duration
	// RetryAfterMax caps the wait a server asks for with Retry-After; 0 means
	// DefaultRetryAfterMax.
	RetryAfterMax time.Duration
	// Stats asks the server for query statistics (stats=all) and returns
	// them with each answer in Result.Stats, with the query's wall time.
	Stats bool
}

// HTTP queries a Prometheus-compatible HTTP API. It satisfies slo.Querier and
// slo.RangeQuerier and is safe for concurrent use.
type HTTP struct {
	PromQL  // rewrites queries for batching (slo.Rewriter)
	api     v1.API
	client  *http.Client
	display string // base URL without userinfo or query, safe to print
	timeout time.Duration
	retries int
	backoff backoff
	sem     chan struct{}
	log     *slog.Logger
	secrets *redact.Secrets // replaced by <secret> in errors and logs
	stats   bool            // ask for stats=all and return QueryStats
}

var (
	_ slo.Querier      = (*HTTP)(nil)
	_ slo.RangeQuerier = (*HTTP)(nil)
)

// NewHTTP validates o and builds a client; it does not contact the server.
func NewHTTP(o HTTPOptions) (*HTTP, error) {
	base, user, err := parseURL(o.URL)
	if err != nil {
		return nil, err
	}
	if o.Timeout < 0 {
		return nil, fmt.Errorf("negative query timeout %s: give a positive duration, or 0 for %s", o.Timeout, DefaultTimeout)
	}

	// DefaultHTTPClientConfig, not the zero value, which turns off redirects and HTTP/2.
	cfg := config.DefaultHTTPClientConfig
	source := "default HTTP client config"
	if o.HTTPConfigFile != "" {
		source = fmt.Sprintf("HTTP config file %q", o.HTTPConfigFile)
		c, _, err := config.LoadHTTPConfigFile(o.HTTPConfigFile)
		if err != nil {
			return nil, fmt.Errorf("could not load %s: %s: fix the file (Prometheus http_config format)", source, redactYAML(err))
		}
		cfg = *c
	}
	if user != nil {
		if cfg.BasicAuth != nil || cfg.Authorization != nil || cfg.OAuth2 != nil ||
			cfg.BearerToken != "" || cfg.BearerTokenFile != "" {
			return nil, fmt.Errorf("credentials given both in the Prometheus URL and in %s: keep one", source)
		}
		pw, _ := user.Password()
		cfg.BasicAuth = &config.BasicAuth{Username: user.Username(), Password: config.Secret(pw)}
	}
	secrets := collectSecrets(&cfg, base, user)
	scrub := secrets.Scrub
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid %s: %s", source, scrub(err.Error()))
	}
	rt, err := config.NewRoundTripperFromConfig(cfg, "nines")
	if err != nil {
		return nil, fmt.Errorf("could not set up the HTTP transport from %s: %s", source, oneLine(scrub(err.Error())))
	}
	client := &http.Client{Transport: observer{next: rt}}
	if !cfg.FollowRedirects {
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	apiClient, err := api.NewClient(api.Config{Address: base.String(), Client: client})
	if err != nil {
		return nil, fmt.Errorf("could not set up the Prometheus API client: %s", scrub(err.Error()))
	}

	h := &HTTP{
		api:     v1.NewAPI(apiClient),
		client:  client,
		display: displayURL(base),
		timeout: o.Timeout,
		retries: o.MaxRetries,
		backoff: backoff{base: o.BackoffBase, max: o.BackoffMax, retryAfterMax: o.RetryAfterMax},
		log:     o.Logger,
		secrets: secrets,
		stats:   o.Stats,
	}
	if h.timeout == 0 {
		h.timeout = DefaultTimeout
	}
	if h.retries < 0 {
		h.retries = DefaultMaxRetries
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	h.sem = make(chan struct{}, o.Concurrency)
	if h.backoff.base <= 0 {
		h.backoff.base = DefaultBackoffBase
	}
	if h.backoff.max <= 0 {
		h.backoff.max = DefaultBackoffMax
	}
	if h.backoff.retryAfterMax <= 0 {
		h.backoff.retryAfterMax = DefaultRetryAfterMax
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	return h, nil
}

// Query evaluates an instant query at time at (the server's now if at is
// zero). A vector becomes one sample per series, a scalar one sample without
// labels; NaN and ±Inf pass through unchanged. Warnings and info annotations
// are returned in Result.Warnings; infos start with "PromQL info:".
func (h *HTTP) Query(ctx context.Context, query string, at time.Time) (slo.Result, error) {
	v, warnings, stats, err := h.run(ctx, query, func(ctx context.Context) (model.Value, v1.Warnings, v1.Infos, error) {
		return h.api.Query(ctx, query, at, h.options()...)
	})
	if err != nil {
		return slo.Result{}, err
	}
	var samples []slo.Sample
	switch v := v.(type) {
	case model.Vector:
		samples = make([]slo.Sample, 0, len(v))
		for _, s := range v {
			if s.Histogram != nil {
				return slo.Result{}, h.histogramError(query, s.Metric)
			}
			samples = append(samples, slo.Sample{Labels: labelMap(s.Metric), Value: float64(s.Value), T: s.Timestamp.Time().UTC()})
		}
	case *model.Scalar:
		samples = []slo.Sample{{Labels: map[string]string{}, Value: float64(v.Value), T: v.Timestamp.Time().UTC()}}
	default:
		return slo.Result{}, h.typeError(query, v, "an instant vector or a scalar")
	}
	return slo.Result{Samples: samples, Warnings: warnings, Stats: stats}, nil
}

// QueryRange evaluates a range query from start to end at every step. NaN
// and ±Inf pass through unchanged; warnings are kept as in Query.
func (h *HTTP) QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) (slo.RangeResult, error) {
	if step <= 0 {
		return slo.RangeResult{}, h.errorf(false, nil, "range query %q needs a positive step, not %s", query, step)
	}
	r := v1.Range{Start: start, End: end, Step: step}
	v, warnings, stats, err := h.run(ctx, query, func(ctx context.Context) (model.Value, v1.Warnings, v1.Infos, error) {
		return h.api.QueryRange(ctx, query, r, h.options()...)
	})
	if err != nil {
		return slo.RangeResult{}, err
	}
	m, ok := v.(model.Matrix)
	if !ok {
		return slo.RangeResult{}, h.typeError(query, v, "a range vector (matrix)")
	}
	series := make([]slo.Series, 0, len(m))
	for _, ss := range m {
		if len(ss.Histograms) > 0 {
			return slo.RangeResult{}, h.histogramError(query, ss.Metric)
		}
		points := make([]slo.Point, len(ss.Values))
		for i, p := range ss.Values {
			points[i] = slo.Point{T: p.Timestamp.Time().UTC(), V: float64(p.Value)}
		}
		series = append(series, slo.Series{Labels: labelMap(ss.Metric), Points: points})
	}
	return slo.RangeResult{Series: series, Warnings: warnings, Stats: stats}, nil
}

// Close releases idle connections. The client stays usable.
func (h *HTTP) Close() error {
	h.client.CloseIdleConnections()
	return nil
}

// String describes the source as "prometheus <url>", without credentials.
func (h *HTTP) String() string { return "prometheus " + h.display }

// IsTransient reports whether err is a failure of the server to answer that
// may go away by itself: unreachable, overloaded (429, 502, 503, 504) or a
// query timeout. It is false for a rejected query, a bad response, a
// configuration problem and the caller's own cancellation.
func IsTransient(err error) bool {
	var qe *queryError
	return errors.As(err, &qe) && qe.transient
}

// queryError is the error of Query and QueryRange. Its text is free of
// secrets; it wraps only context errors, so nothing unwrapped can leak them.
type queryError struct {
	msg       string
	transient bool
	err       error
}

func (e *queryError) Error() string { return e.msg }
func (e *queryError) Unwrap() error { return e.err }

// errorf builds a queryError prefixed with what could not be done.
func (h *HTTP) errorf(transient bool, wrapped error, format string, args ...any) error {
	msg := "could not query Prometheus at " + h.display + ": " + fmt.Sprintf(format, args...)
	return &queryError{msg: h.scrub(msg), transient: transient, err: wrapped}
}

// apiCall is one attempt of a v1.API query.
type apiCall func(ctx context.Context) (model.Value, v1.Warnings, v1.Infos, error)

// run makes attempts of call until one succeeds, a failure is not worth
// retrying, retries are used up, or ctx ends. With stats on, it returns the
// query's stats (see slo.QueryStats), else nil.
func (h *HTTP) run(ctx context.Context, query string, call apiCall) (model.Value, []string, *slo.QueryStats, error) {
	start := time.Now()
	var inFlight time.Duration
	for attempt := 1; ; attempt++ {
		v, warnings, infos, ex, err := h.attempt(ctx, call)
		inFlight += ex.elapsed
		if err == nil {
			h.log.Debug("prometheus query done", "url", h.display, "query", query,
				"attempts", attempt, "duration", time.Since(start),
				"warnings", len(warnings), "infos", len(infos))
			return v, h.annotations(warnings, infos), h.queryStats(ex, inFlight), nil
		}
		f := h.classify(ctx, err, ex)
		if f.kind == kindCanceled && !ex.sent && attempt > 1 {
			f.cause = stopped(ctx, "before the retry was sent")
		}
		if !f.kind.retryable() || attempt > h.retries {
			return nil, nil, nil, h.fail(query, f, attempt, "")
		}
		delay := h.backoff.delay(attempt, f)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			return nil, nil, nil, h.fail(query, f, attempt, fmt.Sprintf("not retried: waiting %s would pass the deadline", delay))
		}
		attrs := []any{"url", h.display, "attempt", attempt, "max_attempts", h.retries + 1}
		if f.status != 0 {
			attrs = append(attrs, "status", f.status)
		}
		attrs = append(attrs, "error", f.cause, "delay", delay)
		if f.hasRA {
			attrs = append(attrs, "retry_after", f.retryAfter)
		}
		h.log.Info("prometheus query failed, retrying", attrs...)
		if err := sleep(ctx, delay); err != nil {
			return nil, nil, nil, h.fail(query, failure{kind: kindCanceled, cause: stopped(ctx, "while waiting to retry"), ctxErr: err}, attempt, "")
		}
	}
}

// attempt waits for a concurrency slot, then makes one call under its own
// deadline, which counts from then: time spent waiting for a slot is not
// taken from the query's timeout. ex records what the transport saw.
func (h *HTTP) attempt(ctx context.Context, call apiCall) (v model.Value, w v1.Warnings, i v1.Infos, ex *exchange, err error) {
	ex = &exchange{capture: h.stats}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, ex, err
	}
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, nil, ex, ctx.Err()
	}
	defer func() { <-h.sem }()
	ex.sent = true

	errAttemptTimeout := errors.New("attempt timed out")
	actx, cancel := context.WithTimeoutCause(ctx, h.timeout, errAttemptTimeout)
	defer cancel()
	sent := time.Now()
	v, w, i, err = call(context.WithValue(actx, exchangeKey{}, ex))
	ex.elapsed = time.Since(sent)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(actx), errAttemptTimeout) {
		ex.timedOut = true
	}
	return v, w, i, ex, err
}

// fail turns the last failure of a query into its error. note, if given,
// says why a retryable failure was not retried.
func (h *HTTP) fail(query string, f failure, attempts int, note string) error {
	after := ""
	switch {
	case note != "":
		after = " (" + note + ")"
	case attempts == 2:
		after = " (1 retry)"
	case attempts > 2:
		after = fmt.Sprintf(" (%d retries)", attempts-1)
	}
	server := statusText(f.status)
	if f.cause != "" {
		server += ": " + f.cause
	}
	t := f.kind.transient()
	switch f.kind {
	case kindCanceled:
		hint := ""
		if errors.Is(f.ctxErr, context.DeadlineExceeded) {
			hint = ": check that the server answers, or allow more time"
		}
		return h.errorf(false, f.ctxErr, "%s%s%s", f.cause, after, hint)
	case kindTimeout:
		return h.errorf(t, f.ctxErr, "%s%s: simplify the query or raise --query.timeout", f.cause, after)
	case kindServerTimeout:
		return h.errorf(t, nil, "query timed out on the server (%s)%s: simplify the query or raise --query.timeout", server, after)
	case kindConnection:
		return h.errorf(t, nil, "%s%s: check --prometheus.url and that the server is up", f.cause, after)
	case kindUnavailable:
		hint := "the server or a proxy in front of it is unavailable; try again later"
		if f.status == http.StatusTooManyRequests {
			hint = "the server is rate limiting; try again later or lower --query.concurrency"
		}
		return h.errorf(t, nil, "server answered %s%s: %s", server, after, hint)
	case kindRejected:
		how := f.errType
		if f.status != 0 && f.status/100 != 2 {
			how = fmt.Sprintf("%d %s", f.status, f.errType)
		}
		hint := "check the query and the server's query limits"
		if f.errType == string(v1.ErrBadData) {
			hint = "fix the query in the spec"
		}
		return h.errorf(t, nil, "query %q rejected (%s): %s%s: %s", query, how, f.cause, after, hint)
	case kindStatus:
		return h.errorf(t, nil, "server answered %s%s: %s", server, after, statusHint(f.status))
	case kindResultType:
		got := "result type " + f.cause
		if f.cause == `"string"` {
			got = "a string"
		}
		return h.errorf(t, nil, "query %q returned %s, not a vector or a scalar: fix the query in the spec", query, got)
	case kindBadResponse:
		return h.errorf(t, nil, "could not decode the response (%s)%s: check that --prometheus.url points at a Prometheus-compatible API", f.cause, after)
	default:
		return h.errorf(t, nil, "%s%s: check --prometheus.url and --http.config.file", f.cause, after)
	}
}

// statusText is "503 Service Unavailable".
func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprintf("HTTP %d", code)
}

// statusHint says what to do about a status that is not retried.
func statusHint(code int) string {
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return "check the credentials (and tenant header) in --http.config.file"
	case code == http.StatusNotFound:
		return "check --prometheus.url, including any path prefix such as /prometheus"
	case code/100 == 3:
		return "give the final URL in --prometheus.url, or set follow_redirects in --http.config.file"
	case code/100 == 5:
		return "see the server's logs"
	}
	return "check --prometheus.url and --http.config.file"
}

func (h *HTTP) typeError(query string, v model.Value, want string) error {
	got := "no result"
	if v != nil {
		got = map[model.ValueType]string{
			model.ValScalar: "a scalar", model.ValVector: "an instant vector",
			model.ValMatrix: "a range vector (matrix)", model.ValString: "a string",
		}[v.Type()]
		if got == "" {
			got = fmt.Sprintf("result type %q", v.Type())
		}
	}
	return h.errorf(false, nil, "query %q returned %s, not %s: fix the query in the spec", query, got, want)
}

func (h *HTTP) histogramError(query string, m model.Metric) error {
	return h.errorf(false, nil, "query %q returned native histograms (%s), not numbers: wrap it in histogram_count(), histogram_sum() or histogram_fraction()", query, m)
}

// annotations merges warnings and info annotations; infos carry the
// "PromQL info:" prefix Prometheus gives them, added if missing.
func (h *HTTP) annotations(warnings v1.Warnings, infos v1.Infos) []string {
	if len(warnings)+len(infos) == 0 {
		return nil
	}
	out := make([]string, 0, len(warnings)+len(infos))
	for _, w := range warnings {
		out = append(out, h.scrub(w))
	}
	for _, i := range infos {
		if !strings.HasPrefix(i, "PromQL info:") {
			i = "PromQL info: " + i
		}
		out = append(out, h.scrub(i))
	}
	return out
}

func labelMap(m model.Metric) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[string(k)] = string(v)
	}
	return out
}

const urlExample = "give the base URL of the API, e.g. http://prometheus:9090 or https://mimir.example.com/prometheus"

// displayURL is the base URL as String shows it: redacted (redact.URL),
// without a trailing slash.
func displayURL(base *url.URL) string {
	d := *base
	d.Path, d.RawPath = strings.TrimRight(d.Path, "/"), ""
	return redact.URL(d.String())
}

// parseURL validates a base URL and splits off its userinfo. Its errors show
// the URL redacted (redact.URL).
func parseURL(raw string) (base *url.URL, user *url.Userinfo, err error) {
	raw = strings.TrimSpace(raw)
	shown := redact.URL(raw)
	if raw == "" {
		return nil, nil, errors.New("no Prometheus URL: " + urlExample)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // ue.URL is the raw URL, userinfo and all
		}
		detail := err.Error()
		if leaksURLParts(detail, raw, shown) {
			detail = "it does not parse (percent-encode special characters in the user name, password and query)"
		}
		return nil, nil, fmt.Errorf("invalid Prometheus URL %q: %s: %s", shown, detail, urlExample)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		hint := urlExample
		if !strings.Contains(raw, "://") {
			hint = "did you mean http://" + shown + "?"
		}
		return nil, nil, fmt.Errorf("invalid Prometheus URL %q: the scheme must be http or https: %s", shown, hint)
	case u.Host == "":
		return nil, nil, fmt.Errorf("invalid Prometheus URL %q: no host: %s", shown, urlExample)
	case strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/api/v1"):
		return nil, nil, fmt.Errorf("invalid Prometheus URL %q: leave out /api/v1: %s", shown, urlExample)
	}
	user, u.User, u.Fragment, u.RawFragment = u.User, nil, "", ""
	return u, user, nil
}

// leaksURLParts reports whether a parser's message about raw quotes a piece
// of it that its redacted form (shown) leaves out: a piece of its userinfo,
// query or fragment. Such a message is not shown.
func leaksURLParts(msg, raw, shown string) bool {
	if raw == shown {
		return false
	}
	for _, piece := range strings.FieldsFunc(raw, func(r rune) bool { return strings.ContainsRune(":/@?&=#[]", r) }) {
		if !strings.Contains(shown, piece) && strings.Contains(msg, piece) {
			return true
		}
	}
	return false
}

// backticked matches the values YAML errors quote, which may be secrets.
var backticked = regexp.MustCompile("`[^`]*`")

func redactYAML(err error) string {
	return oneLine(backticked.ReplaceAllString(err.Error(), "`…`"))
}

// collectSecrets lists the credentials cfg and the URL carry, inline or in
// files: the URL's userinfo and query values, and the base64 basic-auth
// form, so that scrub can remove them from anything a server or library
// echoes back. Secrets shorter than redact.MinSecretLen are not kept.
func collectSecrets(cfg *config.HTTPClientConfig, base *url.URL, user *url.Userinfo) *redact.Secrets {
	out := &redact.Secrets{}
	read := func(inline config.Secret, file string) string {
		if file == "" {
			return string(inline)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	if base != nil {
		out.AddURL(&url.URL{User: user, RawQuery: base.RawQuery})
	}
	if b := cfg.BasicAuth; b != nil {
		out.AddBasicAuth(read(config.Secret(b.Username), b.UsernameFile), read(b.Password, b.PasswordFile))
	}
	if a := cfg.Authorization; a != nil {
		out.Add(read(a.Credentials, a.CredentialsFile))
	}
	out.Add(read(cfg.BearerToken, cfg.BearerTokenFile))
	if o := cfg.OAuth2; o != nil {
		out.Add(read(o.ClientSecret, o.ClientSecretFile))
	}
	if hs := cfg.HTTPHeaders; hs != nil {
		for _, hd := range hs.Headers {
			for _, s := range hd.Secrets {
				out.Add(string(s))
			}
			for _, f := range hd.Files {
				out.Add(read("", f))
			}
		}
	}
	if p := cfg.ProxyURL.URL; p != nil {
		out.AddURL(p)
	}
	for _, vs := range cfg.ProxyConnectHeader {
		for _, s := range vs {
			out.Add(string(s))
		}
	}
	return out
}

// scrub removes credentials from a message for errors and logs: URLs by
// their structure, known secrets where they stand as whole tokens (see
// redact.Secrets.Scrub), never by plain substring.
func (h *HTTP) scrub(s string) string { return h.secrets.Scrub(s) }
