package scenario

import (
	"bytes"
	"fmt"

	"github.com/nines-sre/nines/internal/omtext"
)

// Regions is a grouped SLO's data (docs/groups.md): checkout serves from
// two regions, two instances each, 600 requests a minute per region, with
// outages that differ. eu has an outage of 40% errors from 3h to 2h before
// At (it burns its budget and pages); us a 1% error rate over the last 30
// minutes and one error every 97 minutes before. A third region, "ap", has
// no error series at all.
//
// The truth is per region, keyed "checkout/availability{region=\"eu\"}"
// as nines names the groups, in the layout of Events (one entry a minute).
func Regions() ([]byte, map[string]Events, error) {
	n := minutes()
	truth := map[string]Events{}
	fam := omtext.Family{Name: "checkout_requests", Type: omtext.Counter}
	type region struct {
		name      string
		bad       func(i int) float64 // errors in minute i of the region
		from      int                 // the first minute with data
		errSeries bool
	}
	regions := []region{
		{name: "eu", from: -history, errSeries: true, bad: func(i int) float64 {
			switch {
			case in(i, -180, -120):
				return 240
			case i%61 == 0:
				return 1
			}
			return 0
		}},
		{name: "us", from: -history, errSeries: true, bad: func(i int) float64 {
			switch {
			case in(i, -29, 1):
				return 6
			case i%97 == 0:
				return 1
			}
			return 0
		}},
		{name: "ap", from: -history, bad: func(int) float64 { return 0 }},
	}
	const perMinute = 600.0
	for _, r := range regions {
		e := Events{Good: make([]float64, n), Bad: make([]float64, n)}
		ok := [2]omtext.Series{}
		bad := [2]omtext.Series{}
		var vOK, vBad [2]float64
		for inst := range 2 {
			labels := func(code string) map[string]string {
				return map[string]string{"region": r.name, "instance": fmt.Sprintf("%s-%d", r.name, inst), "code": code}
			}
			ok[inst].Labels, bad[inst].Labels = labels("200"), labels("500")
		}
		for k := range n {
			i := k - history
			if i < r.from {
				continue
			}
			if i > r.from {
				b := r.bad(i)
				e.Good[k], e.Bad[k] = perMinute-b, b
				// The instances split the minute's events: the first
				// takes the odd one.
				for inst := range 2 {
					share := func(v float64) float64 {
						h := float64(int(v) / 2)
						if inst == 0 {
							return v - h
						}
						return h
					}
					vOK[inst] += share(perMinute - b)
					vBad[inst] += share(b)
				}
			}
			for inst := range 2 {
				ok[inst].Samples = append(ok[inst].Samples, omtext.Sample{T: ts(i), V: vOK[inst]})
				bad[inst].Samples = append(bad[inst].Samples, omtext.Sample{T: ts(i), V: vBad[inst]})
			}
		}
		for inst := range 2 {
			fam.Series = append(fam.Series, ok[inst])
			if r.errSeries {
				fam.Series = append(fam.Series, bad[inst])
			}
		}
		truth[`checkout/availability{region="`+r.name+`"}`] = e
	}
	var b bytes.Buffer
	if err := omtext.Write(&b, []omtext.Family{fam}); err != nil {
		return nil, nil, fmt.Errorf("scenario: regions: %w", err)
	}
	return b.Bytes(), truth, nil
}

// RegionsSpecs are the specs of Regions: checkout's availability, grouped
// by region.
var RegionsSpecs = map[string]string{
	"tiers.yaml": `version: nines/v1
tiers:
  gold:
    objective: 99.9
    window: 7d
    no_data: block
`,
	"checkout.yaml": `version: nines/v1
service: checkout
tier: gold
owner: {team: shop}
slos:
  - name: availability
    group_by: [region]
    sli:
      events:
        bad: sum(increase(checkout_requests_total{code=~"5.."}[{{.window}}]))
        total: sum(increase(checkout_requests_total[{{.window}}]))
`,
}
