package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/report"
)

// gateFaultData is the healthy service the fault matrix starts from: 90% of its
// budget left, nothing burning.
var gateFaultData = gateRatios{"api_availability": gateFlat(0.0001)}

// gateFaults are the ways a Prometheus-compatible API fails, in the order of the
// matrix in docs/gate.md.
var gateFaults = []string{"connection refused", "timeout", "500", "503", "429 with Retry-After", "422",
	"invalid JSON", "empty result", "NaN", "warnings"}

// gateFaultURL starts a server that fails as fault says and returns its URL.
func gateFaultURL(t *testing.T, fault string) string {
	t.Helper()
	if fault == "connection refused" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}
	promError := func(w http.ResponseWriter, code int, errType, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"status":"error","errorType":%q,"error":%q}`, errType, msg)
	}
	var h http.HandlerFunc
	switch fault {
	case "timeout":
		h = func(w http.ResponseWriter, r *http.Request) {
			// Reading the body lets the server notice the client going
			// away, which ends the request's context.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
		}
	case "500":
		h = func(w http.ResponseWriter, r *http.Request) {
			promError(w, http.StatusInternalServerError, "internal", "unexpected error in the query engine")
		}
	case "503":
		h = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "upstream connect error or disconnect/reset before headers")
		}
	case "429 with Retry-After":
		h = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			promError(w, http.StatusTooManyRequests, "too_many_requests", "the query rate limit of the tenant is exceeded")
		}
	case "422":
		h = func(w http.ResponseWriter, r *http.Request) {
			promError(w, http.StatusUnprocessableEntity, "execution", "query processing would load too many samples into memory in query execution")
		}
	case "invalid JSON":
		h = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"val`)
		}
	case "empty result":
		h = func(w http.ResponseWriter, r *http.Request) { gatePromAnswer(w, r, nil) }
	case "NaN":
		h = func(w http.ResponseWriter, r *http.Request) { gatePromAnswer(w, r, []string{"NaN"}) }
	case "warnings":
		h = func(w http.ResponseWriter, r *http.Request) {
			if err := r.ParseForm(); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			v, _, err := gateFakeAnswer(gateFaultData, r.Form.Get("query"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			gatePromAnswer(w, r, []string{fmt.Sprint(v)}, "PromQL warning: partial response: store gateway eu-1 unreachable")
		}
	default:
		t.Fatalf("unknown fault %q", fault)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// gateMatrixColumn is an evaluation-error policy of the matrix, with how its
// cache is primed: a healthy evaluation cacheAge before the failing one.
type gateMatrixColumn struct {
	name     string
	onError  string
	cacheAge time.Duration // 0: no priming run
}

var gateMatrixColumns = []gateMatrixColumn{
	{"fail_closed", "fail_closed", 0},
	{"fail_open", "fail_open", 0},
	{"last_known_good, fresh cache (10m old)", "last_known_good", 10 * time.Minute},
	{"last_known_good, stale cache (3h old)", "last_known_good", 3 * time.Hour},
}

// gateMatrixCell is the documented outcome of one fault under one policy.
type gateMatrixCell struct {
	verdict string
	code    int
	path    string // the fallback path taken
}

func (c gateMatrixCell) String() string {
	return fmt.Sprintf("%s, exit %d (%s)", c.verdict, c.code, strings.ReplaceAll(c.path, "_", " "))
}

var (
	cellClosed = gateMatrixCell{"block", exitBlocked, "fail_closed"}
	cellOpen   = gateMatrixCell{"warn", exitOK, "fail_open"}
	cellLKG    = gateMatrixCell{"warn", exitOK, "last_known_good"}
	cellNoData = gateMatrixCell{"block", exitBlocked, "none"}
	cellWarned = gateMatrixCell{"warn", exitOK, "none"}
	// cellFailure is the row of every fault that makes the evaluation fail.
	cellFailure = [4]gateMatrixCell{cellClosed, cellOpen, cellLKG, cellClosed}
)

// gateFaultMatrix is the documented decision per fault (rows) and policy
// (columns) for a critical-tier service (no_data: block) with 90% of its
// budget left before the fault.
var gateFaultMatrix = map[string][4]gateMatrixCell{
	"connection refused":   cellFailure,
	"timeout":              cellFailure,
	"500":                  cellFailure,
	"503":                  cellFailure,
	"429 with Retry-After": cellFailure,
	"422":                  cellFailure,
	"invalid JSON":         cellFailure,
	// No series is no data, not an error: the no-data policy decides.
	"empty result": {cellNoData, cellNoData, cellNoData, cellNoData},
	// NaN from an events SLI is a broken answer: an evaluation error.
	"NaN": cellFailure,
	// The numbers are used, but a warning from the source makes the
	// decision a warning.
	"warnings": {cellWarned, cellWarned, cellWarned, cellWarned},
}

// gateFaultMatrixMarkdown renders gateFaultMatrix as the table in docs/gate.md.
func gateFaultMatrixMarkdown() string {
	var b strings.Builder
	b.WriteString("| fault |")
	for _, c := range gateMatrixColumns {
		b.WriteString(" " + c.name + " |")
	}
	b.WriteString("\n|---|")
	for range gateMatrixColumns {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, f := range gateFaults {
		b.WriteString("| " + f + " |")
		for _, c := range gateFaultMatrix[f] {
			b.WriteString(" " + c.String() + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// gateMatrixTiers is the critical tier of the matrices (no_data: block),
// with the evaluation-error policy onError.
func gateMatrixTiers(onError string) string {
	return `version: nines/v1
tiers:
  critical:
    objective: 99.9
    window: 30d
    no_data: block
    gate:
      on_error: ` + onError + `
      max_staleness: 1h
      fallback: closed
`
}

func gateMatrixSpecs(t *testing.T, onError string) string {
	return gateWriteSpecs(t, map[string]string{
		"tiers.yaml": gateMatrixTiers(onError),
		"api.yaml":   gateServiceSpec("api", "critical", "owner: {team: platform}\n", "availability"),
	})
}

// Every fault under every evaluation-error policy gives the documented
// decision, exit code and fallback path, through the real command.
func TestGateFaultMatrix(t *testing.T) {
	if len(gateFaultMatrix) != len(gateFaults) {
		t.Fatalf("the matrix has %d rows for %d faults", len(gateFaultMatrix), len(gateFaults))
	}
	healthy := gateFakeProm(t, gateFaultData)
	for _, fault := range gateFaults {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			url := gateFaultURL(t, fault)
			for i, col := range gateMatrixColumns {
				want := gateFaultMatrix[fault][i]
				t.Run(col.name, func(t *testing.T) {
					specs, cache := gateMatrixSpecs(t, col.onError), t.TempDir()
					common := []string{"gate", "--service", "api", "--specs", specs, "--cache-dir", cache,
						"--query.retries", "1", "--query.timeout", "1s", "-o", "json"}
					if col.cacheAge > 0 {
						s, _, errOut := testStreams(nil)
						// A priming run must succeed, even on a loaded machine:
						// its own query timeout is generous (the last flag wins).
						args := append(common, "--query.timeout", "30s", "--prometheus.url", healthy.URL, "--at", gateAt.Add(-col.cacheAge).Format(time.RFC3339))
						if code := run(context.Background(), args, s); code != exitOK {
							t.Fatalf("priming run: exit %d\n%s", code, errOut)
						}
					}
					s, out, errOut := testStreams(nil)
					code := run(context.Background(), append(common, "--prometheus.url", url, "--at", gateAt.Format(time.RFC3339)), s)
					var d report.GateDecision
					if err := json.Unmarshal(out.Bytes(), &d); err != nil {
						t.Fatalf("exit %d, output is not a decision: %v\nstdout:\n%s\nstderr:\n%s", code, err, out, errOut)
					}
					got := gateMatrixCell{d.Verdict, code, d.Fallback.Path}
					if got != want {
						t.Errorf("got %s, want %s\nreasons: %+v", got, want, d.Reasons)
					}
					if d.ExitCode != code {
						t.Errorf("the output says exit code %d, the process exits %d", d.ExitCode, code)
					}
					if want.path != "none" && (d.Fallback.Error == nil || len(d.Reasons) == 0 || d.Reasons[0].SLO != "availability") {
						t.Errorf("a fallback without its error or reason: %+v", d.Fallback)
					}
					switch {
					case col.onError != "last_known_good" || want.path == "none":
						if d.Fallback.Cache != nil {
							t.Errorf("cache %q consulted, want not", *d.Fallback.Cache)
						}
					case col.cacheAge > time.Hour:
						if d.Fallback.Cache == nil || *d.Fallback.Cache != "stale" || d.Fallback.CacheAgeSeconds == nil || *d.Fallback.CacheAgeSeconds != 3*3600 {
							t.Errorf("cache %v age %v, want stale and 3h old", d.Fallback.Cache, d.Fallback.CacheAgeSeconds)
						}
					default:
						if d.Fallback.Cache == nil || *d.Fallback.Cache != "fresh" || d.SLOs[0].Evaluation != "cache" ||
							d.SLOs[0].BudgetLeft == nil || *d.SLOs[0].BudgetLeft < 0.9-1e-9 || *d.SLOs[0].BudgetLeft > 0.9+1e-9 {
							t.Errorf("cache %v, SLO %+v: want the fresh cached evaluation with 90%% left", d.Fallback.Cache, d.SLOs[0])
						}
					}
				})
			}
		})
	}
}

// docs/gate.md shows the matrix that TestGateFaultMatrix checks.
func TestGateFaultMatrixIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/gate.md")
	if err != nil {
		t.Fatal(err)
	}
	if table := gateFaultMatrixMarkdown(); !strings.Contains(string(doc), table) {
		t.Errorf("docs/gate.md does not show the fault matrix; it should contain:\n\n%s", table)
	}
}
