package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/app"
)

func TestVerifyFlags(t *testing.T) {
	deploy := time.Date(2026, 9, 30, 14, 2, 0, 0, time.UTC)
	tests := []struct {
		name string
		args []string
		env  map[string]string
		err  string
		want func(*testing.T, *verifyOptions)
	}{
		{
			name: "the defaults",
			args: []string{"--service", "checkout", "--since", "2026-09-30T14:02:00Z"},
			env:  map[string]string{"NINES_AUDIT_LOG": "audit.jsonl"},
			want: func(t *testing.T, o *verifyOptions) {
				if o.service != "checkout" || !o.since.Equal(deploy) || o.baseline != app.BaselineBefore || o.confidence != 0.95 ||
					o.minEvents != 0 || o.onInconclusive != app.InconclusiveExit || o.watch != 0 || o.interval != time.Minute ||
					o.auditLog != "audit.jsonl" || o.format != "text" {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "a decision needs no service and no time",
			args: []string{"--decision", "abc", "--baseline", "week", "--confidence", "99%", "--inconclusive", "fail", "--watch", "15m", "--interval", "30s"},
			want: func(t *testing.T, o *verifyOptions) {
				if o.decision != "abc" || !o.since.IsZero() || o.baseline != app.BaselineWeek || o.confidence != 0.99 ||
					o.onInconclusive != app.InconclusiveFail || o.watch != 15*time.Minute || o.interval != 30*time.Second {
					t.Errorf("options %+v", o)
				}
			},
		},
		{name: "neither service nor decision", args: []string{"--since", "2026-09-30T14:02:00Z"},
			err: "missing --service or --decision: name the service deployed, such as --service checkout, or the gate decision"},
		{name: "a service without a time", args: []string{"--service", "checkout"},
			err: "missing --since: give the deploy time (RFC 3339 or unix seconds), or --decision ID"},
		{name: "a bad baseline", args: []string{"--service", "a", "--since", "0", "--baseline", "yesterday"},
			err: `invalid --baseline "yesterday": use before or week`},
		{name: "a confidence out of range", args: []string{"--service", "a", "--since", "0", "--confidence", "0.95"},
			err: `invalid --confidence "0.95": give a percent from 50 to 99.99, such as 95`},
		{name: "a bad inconclusive mode", args: []string{"--service", "a", "--since", "0", "--inconclusive", "warn"},
			err: `invalid --inconclusive "warn": use exit (4), pass (0) or fail (3)`},
		{name: "negative minimum", args: []string{"--service", "a", "--since", "0", "--min-events", "-1"},
			err: "invalid --min-events -1: give a number of events, 0 for the default"},
		{name: "an interval without a watch", args: []string{"--service", "a", "--since", "0", "--interval", "1m"},
			err: "--interval goes with --watch"},
		{name: "a zero interval", args: []string{"--service", "a", "--since", "0", "--watch", "5m", "--interval", "0s"},
			err: "invalid --interval 0s: give a positive duration, such as 1m"},
		{name: "csv is not a verify format", args: []string{"--service", "a", "--since", "0", "-o", "csv"},
			err: `unknown output format "csv": use text, wide, json, markdown`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := testStreams(tt.env)
			var got *verifyOptions
			cmd := newVerifyCmd(&globalOptions{}, s, func(o *verifyOptions) error { got = o; return nil })
			err := executeQuietly(cmd, s, tt.args)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want(t, got)
		})
	}
}

func TestVerifyWatchTakesNoAt(t *testing.T) {
	s, _, errOut := testStreams(nil)
	code := run(context.Background(), []string{"verify", "--source", "demo", "--at", "2026-10-14T12:00:00Z", "--service", "checkout",
		"--since", "2026-10-14T11:00:00Z", "--watch", "5m"}, s)
	if code != exitFailure || !strings.Contains(errOut.String(), "--watch checks at the clock's time: it cannot go with --at") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestVerifyWatchNeedsALiveSource(t *testing.T) {
	s, _, errOut := testStreams(nil)
	code := run(context.Background(), []string{"verify", "--source", "demo", "--service", "checkout",
		"--since", "2026-10-14T11:00:00Z", "--watch", "5m"}, s)
	if code != exitFailure || !strings.Contains(errOut.String(), "--watch needs a live Prometheus: the data of --source demo does not grow") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestVerifyHelp(t *testing.T) {
	s, out, _ := testStreams(nil)
	if code := run(context.Background(), []string{"verify", "--help"}, s); code != exitOK || !strings.Contains(out.String(), "Examples:") {
		t.Fatalf("exit code %d, no examples", code)
	}
	golden(t, "verify/help.txt", out.Bytes())
}

// TestVerifyDemoGolden renders a verification of the embedded demo in every
// format for people: the demo's checkout burns fast before and after an
// hour-old deploy (fail on the page burn), its latency burns as before (pass).
func TestVerifyDemoGolden(t *testing.T) {
	for _, f := range []string{"text", "wide", "markdown"} {
		t.Run(f, func(t *testing.T) {
			s, out, errOut := testStreams(nil)
			code := run(context.Background(), []string{"verify", "--source", "demo", "--at", "2026-10-14T12:00:00Z",
				"--service", "checkout", "--since", "2026-10-14T11:00:00Z", "-o", f}, s)
			if code != exitBlocked {
				t.Fatalf("exit %d, want 3\n%s", code, errOut)
			}
			// The verification ID is random: fixed for the comparison.
			id := out.String()[strings.Index(out.String(), "Verify")+len("Verify"):]
			id = strings.Fields(strings.TrimLeft(id, ": "))[0]
			golden(t, "verify/demo."+f, []byte(strings.ReplaceAll(out.String(), id, "ID")))
		})
	}
}
