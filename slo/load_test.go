package slo_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nines-sre/nines/budget"
	"github.com/nines-sre/nines/prom"
	"github.com/nines-sre/nines/slo"
)

var update = flag.Bool("update", false, "rewrite the .err files of the bad fixtures")

func load(paths ...string) (*slo.Catalog, error) {
	return slo.Load(paths, slo.LoadOptions{CheckQuery: prom.CheckQuery, Rewriter: prom.PromQL{}})
}

// Each testdata/*.bad.yaml is loaded (after the good tiers file, unless it is
// a tiers file itself) and must give exactly the problems in its .bad.err.
func TestBadSpecsGiveTheirErrors(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.bad.yaml")
	if len(files) == 0 {
		t.Fatal("no bad fixtures")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			paths := []string{"testdata/tiers.good.yaml", f}
			if strings.HasPrefix(filepath.Base(f), "tiers") {
				paths = []string{f}
			}
			_, err := load(paths...)
			var verr *slo.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("got error %v, want a *slo.ValidationError", err)
			}
			var got strings.Builder
			for _, p := range verr.Problems {
				got.WriteString(p.String() + "\n")
			}
			errFile := strings.TrimSuffix(f, ".yaml") + ".err"
			if *update {
				if err := os.WriteFile(errFile, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(errFile)
			if err != nil {
				t.Fatalf("every bad fixture needs its .err file: %v", err)
			}
			if got.String() != string(want) {
				t.Errorf("problems differ\n got:\n%s\nwant:\n%s", got.String(), want)
			}
		})
	}
}

func TestGoodSpecsLoadIntoTheModel(t *testing.T) {
	cat, err := load("testdata/tiers.good.yaml", "testdata/events.good.yaml", "testdata/kinds.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Services) != 2 || cat.Services[0].Name != "checkout" || cat.Services[1].Name != "search" {
		t.Fatalf("services %+v, want checkout and search", cat.Services)
	}
	checkout := cat.Services[0].SLOs[0]
	if checkout.Objective != 0.9995 || checkout.Window.Rolling != 30*budget.Day || checkout.NoData != slo.NoDataBlock || checkout.MinEvents != 1000 {
		t.Errorf("checkout did not inherit its tier: %+v", checkout)
	}
	if len(checkout.Alerts) != 4 || checkout.Alerts[0].Factor != 14.4 {
		t.Errorf("checkout alerts %+v, want the SRE Workbook defaults", checkout.Alerts)
	}
	if checkout.Owner.String() != "payments (#payments)" {
		t.Errorf("owner %q", checkout.Owner.String())
	}
	q := checkout.SLI.Queries(time.Hour)
	if q.Bad != `sum(increase(http_requests_total{code=~"5.."}[1h]))` || q.Total != `sum(increase(http_requests_total[1h]))` {
		t.Errorf("events queries %+v", q)
	}

	s := cat.Services[1].SLOs
	if s[0].Objective != 0.995 || s[0].Window.Calendar != slo.Month || s[0].Window.Location.String() != "Europe/Berlin" {
		t.Errorf("good-events SLO %+v", s[0])
	}
	if s[0].Window.Rolling != 0 || s[0].Window.String() != "month (Europe/Berlin)" {
		t.Errorf("calendar window %q", s[0].Window.String())
	}
	// Label values are quoted with PromQL escaping: no way out of the string.
	lq := s[1].SLI.Queries(5 * time.Minute)
	if lq.Good != `sum(increase(http_request_duration_seconds_bucket{service="se\"arch",le="0.25"}[5m]))` ||
		lq.Total != `sum(increase(http_request_duration_seconds_count{service="se\"arch"}[5m]))` {
		t.Errorf("latency queries %+v", lq)
	}
	whole := slo.SLI{Kind: slo.Latency, Metric: "d_seconds", Threshold: 1}.Queries(time.Hour)
	if whole.Good != `sum(increase(d_seconds_bucket{le=~"1|1\\.0"}[1h]))` {
		t.Errorf("an integral bound must match both spellings, \"1\" and Prometheus 3's \"1.0\": %s", whole.Good)
	}
	if err := prom.CheckQuery(whole.Good); err != nil {
		t.Errorf("integral bound query does not parse: %v", err)
	}
	if err := prom.CheckQuery(lq.Good); err != nil {
		t.Errorf("escaped latency query does not parse: %v", err)
	}
	pq := s[2].SLI.Queries(30 * 24 * time.Hour)
	if pq.Good != `sum(sum_over_time(probe_success{instance="https://x.example.com"}[30d]))` || s[2].NoData != slo.NoDataAllow || s[2].MinEvents != 5 {
		t.Errorf("probe SLO %+v queries %+v", s[2], pq)
	}
	if s[2].Window.Rolling != 28*budget.Day || len(s[2].Alerts) != 1 || s[2].Alerts[0].Factor != 6 {
		t.Errorf("probe SLO did not inherit the standard tier: %+v", s[2])
	}
	rq := s[3].SLI.Queries(90 * time.Minute)
	if rq.ErrorRatio != `1 - avg_over_time(up{job="search"}[1h30m])` || s[3].Alerts[0].Factor != 14.4 {
		t.Errorf("raw SLO %+v queries %+v", s[3], rq)
	}
}

func TestTheExampleSpecsAreValid(t *testing.T) {
	cat, err := load("../specs")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[slo.SLIKind]bool{}
	for _, s := range cat.Services {
		for _, o := range s.SLOs {
			kinds[o.SLI.Kind] = true
		}
	}
	if len(cat.Services) < 4 || len(kinds) != 4 {
		t.Errorf("specs/ has %d services covering %d SLI kinds, want at least 4 covering all 4", len(cat.Services), len(kinds))
	}
}

func TestLoadNamesMissingPaths(t *testing.T) {
	_, err := load("testdata/nope")
	if err == nil || err.Error() != `spec path "testdata/nope" does not exist: give spec files or directories with --specs` {
		t.Errorf("got %v", err)
	}
}
