package app_test

import (
	"testing"
	"time"

	"github.com/nines-sre/nines/app"
	"github.com/nines-sre/nines/slo"
)

func TestLikeForLikeMeasuresTheSameElapsedPart(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	q := func(name string) slo.Period {
		p, err := slo.ParsePeriod(name, time.Time{}, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name      string
		cur, prev slo.Period
		at, want  string
	}{
		{"a quarter to date: the same 13.5 days of the one before", q("2026-Q4"), q("2026-Q3"), "2026-10-14T12:00:00Z", "2026-07-14T12:00:00Z"},
		{"a closed quarter: the one before whole (measured to at, after its end)", q("2026-Q3"), q("2026-Q2"), "2026-10-14T12:00:00Z", "2026-10-14T12:00:00Z"},
		{"a long month to date against a short one: at most all of it", q("2026-03"), q("2026-02"), "2026-03-30T00:00:00Z", "2026-03-01T00:00:00Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := app.LikeForLike(c.cur, c.prev, utc(c.at)); !got.Equal(utc(c.want)) {
				t.Errorf("LikeForLike = %s, want %s", got.UTC().Format(time.RFC3339), c.want)
			}
		})
	}
}
