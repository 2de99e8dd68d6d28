package fleet

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nines-sre/nines/slo"
)

// The fleet's data: per SLO, four one-minute counters (instances a and b,
// codes 200 and 500) over the SLO window of 7 days and an hour before it,
// and its recorded series every 5m, on the same grid as the samples: what
// the recording rules of slo/recorded.go write on this data (the test
// slo/recorded_prom_test.go checks that on a real Prometheus with rules
// backfilled by promtool; here they are written directly, since promtool
// would evaluate 4,000 rules 2,000 times each).
const (
	fleetMax  = 2000
	history   = 7*24*time.Hour + time.Hour
	dataVer   = "v1" // change when the data changes, to rebuild the cache
	instances = "ab"
)

// at is the evaluation time: the last sample, on the records' grid.
var at = time.Date(2026, 9, 8, 0, 0, 0, 0, time.UTC)

func serviceName(s int) string { return fmt.Sprintf("svc%04d", s) }

// counters returns the values of service s's four counters at each minute
// of the history: 200 and 500 for instance a, then for instance b.
func counters(s int) [4][]float64 {
	n := int(history/time.Minute) + 1
	var out [4][]float64
	for k := range out {
		out[k] = make([]float64, n)
	}
	var v [4]float64
	for m := range n {
		for i := range 2 {
			v[2*i] += float64(50 + (m*31+s*7+i)%37)
			switch {
			case s%10 == 0 && m >= n/2 && m < n/2+20:
				v[2*i+1] += 30 // an outage
			case (m+s+i)%17 == 0:
				v[2*i+1]++
			}
			out[2*i][m], out[2*i+1][m] = v[2*i], v[2*i+1]
		}
	}
	return out
}

// writeFleet writes the OpenMetrics files of services [from, to): the
// counters to raw, the recorded series to rec.
func writeFleet(raw, rec string, from, to int) error {
	start := at.Add(-history).Unix()
	rf, err := os.Create(raw)
	if err != nil {
		return err
	}
	defer rf.Close()
	w := bufio.NewWriterSize(rf, 1<<20)
	var recTotal, recBad [][]float64
	buf := make([]byte, 0, 128)
	fmt.Fprintln(w, "# TYPE r counter")
	for s := from; s < to; s++ {
		cs := counters(s)
		for k, series := range cs {
			prefix := fmt.Sprintf(`r_total{s=%q,i="%c",c="%s"} `, serviceName(s), instances[k/2], map[int]string{0: "200", 1: "500"}[k%2])
			for m, v := range series {
				buf = append(buf[:0], prefix...)
				buf = strconv.AppendFloat(buf, v, 'f', -1, 64)
				buf = append(buf, ' ')
				buf = strconv.AppendInt(buf, start+int64(m)*60, 10)
				buf = append(buf, '\n')
				w.Write(buf)
			}
		}
		var tot, bad []float64
		for m := 5; m < len(cs[0]); m += 5 {
			var t, b float64
			for k := range cs {
				d := cs[k][m] - cs[k][m-5]
				t += d
				if k%2 == 1 {
					b += d
				}
			}
			tot, bad = append(tot, t), append(bad, b)
		}
		recTotal, recBad = append(recTotal, tot), append(recBad, bad)
	}
	fmt.Fprintln(w, "# EOF")
	if err := errors.Join(w.Flush(), rf.Close()); err != nil {
		return err
	}

	ef, err := os.Create(rec)
	if err != nil {
		return err
	}
	defer ef.Close()
	w = bufio.NewWriterSize(ef, 1<<20)
	for _, fam := range []struct {
		name string
		vals [][]float64
	}{{slo.RecordedTotal, recTotal}, {slo.RecordedBad, recBad}} {
		fmt.Fprintf(w, "# TYPE %s gauge\n", fam.name)
		for j, vals := range fam.vals {
			prefix := fmt.Sprintf(`%s{service=%q,slo="availability",tier="bench"} `, fam.name, serviceName(from+j))
			for r, v := range vals {
				buf = append(buf[:0], prefix...)
				buf = strconv.AppendFloat(buf, v, 'f', -1, 64)
				buf = append(buf, ' ')
				buf = strconv.AppendInt(buf, start+int64(r+1)*300, 10)
				buf = append(buf, '\n')
				w.Write(buf)
			}
		}
	}
	fmt.Fprintln(w, "# EOF")
	return errors.Join(w.Flush(), ef.Close())
}

// fleetData returns a TSDB directory with the fleet's data, built once
// (promtool backfills the files, two at a time) and kept in
// $NINES_BENCH_FLEET_DIR or the temporary directory for the next runs.
func fleetData(b *testing.B) string {
	dir := os.Getenv("NINES_BENCH_FLEET_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "nines-bench-fleet-"+dataVer)
	}
	data := filepath.Join(dir, "data")
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err == nil {
		b.Logf("fleet data from %s", data)
		return data
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		b.Skipf("promtool is not installed: %v", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	begin := time.Now()
	const parts = 2
	var wg sync.WaitGroup
	errs := make([]error, parts)
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			raw := filepath.Join(dir, fmt.Sprintf("raw%d.om", p))
			rec := filepath.Join(dir, fmt.Sprintf("rec%d.om", p))
			if err := writeFleet(raw, rec, p*fleetMax/parts, (p+1)*fleetMax/parts); err != nil {
				errs[p] = err
				return
			}
			for _, f := range []string{raw, rec} {
				cmd := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", "--quiet",
					"--max-block-duration=100000h", f, data)
				if out, err := cmd.CombinedOutput(); err != nil {
					errs[p] = fmt.Errorf("%s: %v\n%s", cmd, err, out)
					return
				}
				os.Remove(f)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("fleet data built in %s in %s", data, time.Since(begin).Round(time.Second))
	return data
}
