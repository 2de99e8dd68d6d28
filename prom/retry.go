package prom

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
)

// Why retries live above client_golang rather than in a retrying
// http.RoundTripper: an attempt is the whole v1.API call (request, the
// 403/405/501 GET fallback, reading the body, decoding the JSON), so one
// context deadline per attempt covers all of it; the form body never needs
// rewinding; and the caller's context governs the backoff sleeps directly.
// What a retry decision needs from the wire (status code, Retry-After) is
// recorded by observer, a pass-through RoundTripper, into the attempt's
// exchange.

// exchange records what the transport saw during one attempt.
type exchange struct {
	status     int           // HTTP status of the last response; 0 if none arrived
	retryAfter string        // its Retry-After header
	html       bool          // its body is an HTML page (a proxy's error page)
	timedOut   bool          // the attempt's own deadline, not the caller's, ended it
	sent       bool          // the attempt got a concurrency slot and made its call
	elapsed    time.Duration // the call's wall time, from the slot on
	capture    bool          // keep the response body (for its stats)
	body       bytes.Buffer  // the last response's body, when capture
}

type exchangeKey struct{}

// observer is the outermost RoundTripper: it records the response status and
// Retry-After header of each request into the exchange in the request context.
type observer struct{ next http.RoundTripper }

func (o observer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := o.next.RoundTrip(req)
	if ex, ok := req.Context().Value(exchangeKey{}).(*exchange); ok && resp != nil {
		ex.status = resp.StatusCode
		ex.retryAfter = resp.Header.Get("Retry-After")
		ex.html = strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html")
		if ex.capture && resp.Body != nil {
			ex.body.Reset()
			resp.Body = teeBody{resp.Body, &ex.body}
		}
	}
	return resp, err
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the transport.
func (o observer) CloseIdleConnections() {
	if c, ok := o.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// kind is what went wrong with an attempt.
type kind int

const (
	kindCanceled      kind = iota // the caller's context ended
	kindTimeout                   // the attempt's own deadline passed
	kindServerTimeout             // the server gave up evaluating (503 errorType timeout)
	kindConnection                // no answer: refused, reset, DNS, EOF
	kindUnavailable               // 429, 502, 503, 504
	kindRejected                  // 400/422 or an error body: the query is at fault
	kindStatus                    // any other HTTP status
	kindBadResponse               // the body could not be decoded
	kindResultType                // a result type client_golang does not decode (string)
	kindTransport                 // TLS, proxy, credentials files: configuration
)

// retryable reports whether a failure of kind k is worth another attempt.
// Timeouts are not: a query that ran out of time on a struggling server would
// only multiply its load when sent again.
func (k kind) retryable() bool { return k == kindConnection || k == kindUnavailable }

// transient reports whether a failure of kind k may go away by itself.
func (k kind) transient() bool {
	switch k {
	case kindTimeout, kindServerTimeout, kindConnection, kindUnavailable:
		return true
	}
	return false
}

// failure is a classified attempt error. cause and detail are already free
// of secrets.
type failure struct {
	kind       kind
	status     int
	errType    string        // Prometheus errorType, if the body had one
	cause      string        // what went wrong, for messages and logs
	retryAfter time.Duration // server's Retry-After, if hasRetryAfter
	hasRA      bool
	ctxErr     error // for kindCanceled and kindTimeout
}

// stopped says why the caller's context ended and what the query was
// doing then: the context's cause when the caller gave one ("the --timeout
// of 60s expired", "interrupted by SIGTERM"), else its error.
func stopped(ctx context.Context, where string) string {
	return context.Cause(ctx).Error() + " " + where
}

// classify turns the error of one attempt into a failure. A context that
// ended is the caller's doing (its deadline or a cancellation), told apart
// from the attempt's own timeout (--query.timeout).
func (h *HTTP) classify(ctx context.Context, err error, ex *exchange) failure {
	if ctxErr := ctx.Err(); ctxErr != nil {
		where := "before the query was sent"
		if ex.sent {
			where = "while waiting for Prometheus"
		}
		return failure{kind: kindCanceled, cause: stopped(ctx, where), ctxErr: ctxErr}
	}
	if ex.timedOut {
		return failure{kind: kindTimeout, cause: "query timed out after " + h.timeout.String() + " (--query.timeout)", ctxErr: context.DeadlineExceeded}
	}
	var apiErr *v1.Error
	if errors.As(err, &apiErr) {
		return h.classifyAPI(apiErr, ex)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its URL is ours to print, redacted
	}
	f := failure{kind: kindTransport, cause: oneLine(h.scrub(err.Error()))}
	if isConnectionError(err) {
		f.kind = kindConnection
	}
	return f
}

func (h *HTTP) classifyAPI(e *v1.Error, ex *exchange) failure {
	f := failure{status: ex.status, errType: string(e.Type), cause: oneLine(h.scrub(e.Msg))}
	if e.Detail != "" {
		// client_golang could not read an API error from the body and kept
		// the body itself: take the message from it.
		f.errType, f.cause = h.serverMessage(e.Detail, ex.html)
	}
	switch {
	case e.Type == v1.ErrBadResponse && strings.HasPrefix(e.Msg, unexpectedType):
		// client_golang decodes scalar, vector and matrix results only, and
		// reports any other type (string) this way.
		f.kind, f.cause = kindResultType, strings.TrimPrefix(e.Msg, unexpectedType)
	case e.Type == v1.ErrBadResponse:
		f.kind = kindBadResponse
	case ex.status == http.StatusServiceUnavailable && f.errType == string(v1.ErrTimeout):
		f.kind = kindServerTimeout
	case ex.status == http.StatusTooManyRequests, ex.status == http.StatusBadGateway,
		ex.status == http.StatusServiceUnavailable, ex.status == http.StatusGatewayTimeout:
		f.kind = kindUnavailable
		f.retryAfter, f.hasRA = parseRetryAfter(ex.retryAfter, time.Now())
	case ex.status == 0 || ex.status/100 == 2 || ex.status == http.StatusBadRequest || ex.status == http.StatusUnprocessableEntity:
		// Prometheus answers a query it cannot run with 400 or 422 and a JSON
		// error; client_golang decoded errorType and error from it.
		f.kind = kindRejected
	default:
		f.kind = kindStatus
	}
	return f
}

// unexpectedType starts client_golang's error for a result type it does not decode.
const unexpectedType = "unexpected value type "

// serverMessage reads an error body: the error field of a Prometheus API
// error, else the text itself, unless it is an HTML page.
func (h *HTTP) serverMessage(body string, html bool) (errType, msg string) {
	var apiBody struct {
		ErrorType string `json:"errorType"`
		Error     string `json:"error"`
	}
	if json.Unmarshal([]byte(body), &apiBody) == nil && apiBody.Error != "" {
		return apiBody.ErrorType, oneLine(h.scrub(apiBody.Error))
	}
	if body = strings.TrimSpace(body); html || strings.HasPrefix(body, "<") {
		return "", ""
	}
	return "", oneLine(h.scrub(body))
}

// isConnectionError reports whether err means no usable answer arrived:
// refused, reset, unreachable, DNS failures, EOF before or while reading a
// response. Certificate and TLS alert errors are configuration, not luck.
func isConnectionError(err error) bool {
	var (
		certErr  *tls.CertificateVerificationError
		alertErr tls.AlertError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	if errors.As(err, &certErr) || errors.As(err, &alertErr) || errors.As(err, &unknown) ||
		errors.As(err, &hostErr) || errors.As(err, &invalid) {
		return false
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr), errors.As(err, &opErr):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true // e.g. the TLS handshake timed out
	}
	// net/http's unexported error for a connection the server closed before
	// answering; there is no other way to recognise it.
	return strings.Contains(err.Error(), "server closed idle connection")
}

// backoff chooses the delay before a retry.
type backoff struct {
	base, max, retryAfterMax time.Duration
}

// delay returns how long to wait before retry number n (1 for the first):
// the server's Retry-After when it gave one, capped at retryAfterMax;
// otherwise exponential backoff with full jitter, uniform in
// [0, min(max, base·2^(n-1))], which spreads out clients retrying together.
func (b backoff) delay(n int, f failure) time.Duration {
	if f.hasRA {
		return min(f.retryAfter, b.retryAfterMax)
	}
	ceil := b.base
	for i := 1; i < n && ceil < b.max; i++ {
		ceil *= 2
	}
	ceil = min(ceil, b.max)
	if ceil <= 0 {
		return 0
	}
	return rand.N(ceil + 1)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP-date,
// relative to now. A date in the past means no wait. ok is false when the
// header is absent or unreadable.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(s) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// sleep waits for d or until ctx ends, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// oneLine collapses whitespace and truncates s for use inside one error line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const maxLen = 300
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
