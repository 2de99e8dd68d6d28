// Package prom adapts Prometheus-compatible sources to the small interfaces
// package slo consumes, slo.Querier and slo.RangeQuerier.
//
// HTTP talks to the HTTP API of Prometheus, Thanos, Mimir, Cortex or
// VictoriaMetrics through client_golang's api/prometheus/v1, with the HTTP
// client built by prometheus/common's config from the same http_config YAML
// that Prometheus and promtool read (authorization, basic_auth, oauth2, TLS,
// proxy, http_headers such as X-Scope-OrgID).
//
// Every attempt of a query has its own deadline, also sent to the server as
// the query's timeout. Transient failures, and only those (no connection,
// 429, 502, 503, 504), are retried a bounded number of times with
// exponential backoff and full jitter, honouring Retry-After. A timed out
// query is not retried. Requests in flight are bounded per client. Errors
// say what could not be done and what to do next, and never contain
// credentials: URL userinfo, passwords and tokens are left out or replaced
// by <secret>. IsTransient tells a server that could not answer from a
// query that is wrong.
//
// Embedded runs the real PromQL engine over samples loaded from an
// OpenMetrics file, with the same query semantics and no server. The samples
// are held in memory in XOR-compressed chunks (tsdb/chunkenc), as a
// Prometheus head holds them, without the rest of the TSDB.
//
// The adapters convert values only: NaN, ±Inf, empty results and warnings
// are passed on unchanged for package slo to judge.
package prom
