package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 9, 30, 12, 0, 0, 500, time.UTC) }
	ok := []struct {
		in   string
		want time.Time
	}{
		{"", time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC)},
		{"now", time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC)},
		{"2026-10-14T12:00:00Z", time.Date(2026, 10, 14, 12, 0, 0, 0, time.UTC)},
		{"1791979200", time.Unix(1791979200, 0).UTC()},
		{"1791979200.5", time.Unix(1791979200, 5e8).UTC()},
		{"0", time.Unix(0, 0).UTC()},
		{"-86400", time.Unix(-86400, 0).UTC()},
		{"253402300799", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)}, // the last second of 9999
		{"-62135596800", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},         // the first of year 1
	}
	for _, tt := range ok {
		got, err := parseTime(tt.in, "--at", now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseTime(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}

	bad := []struct {
		in, flag, want string
	}{
		{"1791979200000", "--at", "--at 1791979200000 looks like milliseconds: give unix seconds (1791979200) or RFC 3339"},
		{"1791979200123", "--at", "--at 1791979200123 looks like milliseconds: give unix seconds (1791979200.123) or RFC 3339"},
		{"1791979200000000", "--from", "--from 1791979200000000 looks like microseconds: give unix seconds (1791979200) or RFC 3339"},
		{"1791979200000000000", "--to", "--to 1791979200000000000 looks like nanoseconds: give unix seconds (1791979200) or RFC 3339"},
		{"-1791979200000", "--at", "--at -1791979200000 looks like milliseconds: give unix seconds (-1791979200) or RFC 3339"},
		{"253402300800", "--at", "--at 253402300800 looks like milliseconds: give unix seconds (253402300.8) or RFC 3339"},
		{"1e30", "--at", "--at 1e30 is beyond the year 9999 even as nanoseconds: give unix seconds or RFC 3339"},
		{"yesterday", "--at", `invalid --at "yesterday": use RFC 3339 (2026-09-30T12:00:00Z) or unix seconds`},
		{"9999-12-31T23:59:59-01:00", "--at", `invalid --at "9999-12-31T23:59:59-01:00": it is in the year 10000 in UTC; give a time from 0001 to 9999`},
		{"0000-01-01T00:00:00+01:00", "--at", `invalid --at "0000-01-01T00:00:00+01:00": it is in the year -1 in UTC; give a time from 0001 to 9999`},
	}
	for _, tt := range bad {
		_, err := parseTime(tt.in, tt.flag, now)
		var ue *usageError
		if !errors.As(err, &ue) || err.Error() != tt.want {
			t.Errorf("parseTime(%q, %s) error = %v, want the usage error %q", tt.in, tt.flag, err, tt.want)
		}
	}
}

// Every command that takes --at rejects milliseconds, before it reads the
// specs or opens the source; --from and --to too.
func TestUnixTimesInMillisecondsAreRejected(t *testing.T) {
	for _, args := range [][]string{
		{"burn", "--source", "demo", "--at", "1791979200000"},
		{"status", "--source", "demo", "--at", "1791979200000"},
		{"gate", "--source", "demo", "--service", "checkout", "--at", "1791979200000"},
		{"cost", "--source", "demo", "--from", "1791979200000", "--to", "2026-10-01T00:00:00Z"},
	} {
		code, out, errOut := runWithEnv(nil, args...)
		if code != exitFailure || out != "" || !strings.Contains(errOut, "1791979200000 looks like milliseconds: give unix seconds (1791979200) or RFC 3339") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 1 and the hint", args, code, out, errOut)
		}
	}
}

func TestTimeoutMustBePositive(t *testing.T) {
	for _, v := range []string{"0", "0s", "-1s"} {
		for _, cmd := range []string{"burn", "gate"} {
			args := []string{cmd, "--source", "demo", "--timeout", v}
			if cmd == "gate" {
				args = append(args, "--service", "checkout")
			}
			code, out, errOut := runWithEnv(nil, args...)
			if code != exitFailure || out != "" || !strings.Contains(errOut, "invalid --timeout") ||
				!strings.Contains(errOut, "give a positive duration") || !strings.Contains(errOut, "--help' for usage") {
				t.Errorf("%s --timeout %s: exit %d, stdout %q, stderr %q; want a usage error", cmd, v, code, out, errOut)
			}
		}
	}
}

// --timeout is on every command's help with its default.
func TestTimeoutIsInTheHelp(t *testing.T) {
	for _, cmd := range []string{"burn", "status", "gate", "cost", "summary", "report"} {
		code, out, errOut := runWithEnv(nil, cmd, "--help")
		if code != exitOK || !strings.Contains(out, "--timeout duration") || !strings.Contains(out, "(default 1m0s)") {
			t.Errorf("%s --help: exit %d, no --timeout with its default:\n%s%s", cmd, code, out, errOut)
		}
	}
}

// Every command that queries a source is bounded by --timeout, and says
// it was the one that passed: against a server that never answers, burn
// and status fail (exit 1) naming it.
func TestTimeoutBoundsEveryCommand(t *testing.T) {
	srv := hangingProm(t)
	specs := stopSpecs(t)
	for _, cmd := range []string{"burn", "status"} {
		code, out, errOut := runWithEnv(nil, cmd, "--specs", specs, "--service", "hang", "--prometheus.url", srv.URL,
			"--at", gateAt.Format(time.RFC3339), "--timeout", "500ms")
		if code != exitFailure || out != "" || !strings.Contains(errOut, "could not evaluate any of 3 SLOs") ||
			!strings.Contains(errOut, "the --timeout of 500ms expired") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 naming the --timeout", cmd, code, out, errOut)
		}
	}
}
