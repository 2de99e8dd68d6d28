package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzParseTime reads --at as the commands do and requires a usage error
// naming the flag, or a time that prints in RFC 3339 (as reports and the
// audit log write it) and reads back as itself.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"", "now", " now ", "2026-09-30T12:00:00Z", "2026-09-30T12:00:00.123456789+02:00",
		"1790000000", "1790000000.25", "-1", "1e9", "0x10", "NaN", "+Inf", "2026-09-30", "253402300799", "253402300800",
		"9999-12-31T23:59:59-01:00", "0000-01-01T00:00:00+01:00", "1e19", "-62135596801"} {
		f.Add(s)
	}
	now := func() time.Time { return time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC) }
	f.Fuzz(func(t *testing.T, v string) {
		at, err := parseTime(v, "--at", now)
		if err != nil {
			var ue *usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--at") {
				t.Fatalf("%q: error %v, want a usage error naming --at", v, err)
			}
			return
		}
		if y := at.UTC().Year(); y < 1 || y > 9999 {
			t.Fatalf("%q is read as %s, which RFC 3339 cannot write in UTC", v, at)
		}
		text := at.UTC().Format(time.RFC3339Nano)
		back, err := parseTime(text, "--at", now)
		if err != nil || !back.Equal(at) {
			t.Fatalf("%q is %s, written %q, read back as %s, %v", v, at, text, back, err)
		}
	})
}

// FuzzParseCalcDuration reads a duration as nines calc does: never
// negative.
func FuzzParseCalcDuration(f *testing.F) {
	for _, s := range []string{"43m", "1h30m", "2d", "1.5h", "8.64s", "-1h", "0", "1y", "292y", "1e3h", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseCalcDuration(s)
		if err == nil && d < 0 {
			t.Fatalf("%q is %s", s, d)
		}
	})
}
