package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakePrometheus answers every query with status and body: faults a real
// server will not produce on demand.
func fakePrometheus(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestBurnFaultsAsAUserSeesThem(t *testing.T) {
	vector := func(v string) string {
		return `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1788825600,"` + v + `"]}]}}`
	}
	cases := []struct {
		name       string
		status     int
		body       string
		wantCode   int
		wantOut    string // in stdout
		wantErrOut string // in stderr
	}{
		{"an empty result is no data, exit 0", 200, `{"status":"success","data":{"resultType":"vector","result":[]}}`,
			exitOK, "no data", ""},
		{"NaN counts are a broken answer, exit 1", 200, vector("NaN"),
			exitFailure, "", `returned NaN over 30d: an events SLI counts events, so a value that is not a number is a broken answer`},
		{"an answer for another time is not used, exit 1", 200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1788822000,"1000"]}]}}`,
			exitFailure, "", `stale answer: sample at 2026-09-07T23:00:00Z, asked for 2026-09-08T00:00:00Z`},
		{"Prometheus warnings reach stderr", 200, `{"status":"success","warnings":["partial response: store 3 down"],"data":{"resultType":"vector","result":[{"metric":{},"value":[1788825600,"1000"]}]}}`,
			exitOK, "checkout", "warning: partial response: store 3 down"},
		{"a 500 fails with exit 1 and the server's message", 500, `{"status":"error","errorType":"internal","error":"out of memory"}`,
			exitFailure, "", "out of memory"},
		{"a 422 names the rejected query", 422, `{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}`,
			exitFailure, "", "many-to-many matching not allowed"},
		{"invalid JSON fails with exit 1", 200, `<html>proxy error</html>`,
			exitFailure, "", "could not query Prometheus"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := fakePrometheus(t, c.status, c.body)
			code, out, errOut := runCLI(t, "", "burn", "--specs", "../../specs", "--service", "checkout",
				"--prometheus.url", url, "--query.retries", "0", "--at", "2026-09-08T00:00:00Z")
			if code != c.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.wantCode, errOut)
			}
			if !strings.Contains(out, c.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", c.wantOut, out)
			}
			if !strings.Contains(errOut, c.wantErrOut) {
				t.Errorf("stderr lacks %q:\n%s", c.wantErrOut, errOut)
			}
			if c.wantOut == "no data" && strings.Contains(out, "100.000%") {
				t.Errorf("no data must never show as 100%%:\n%s", out)
			}
		})
	}
}
