package report

import (
	"os"
	"strings"
	"testing"
)

// TestAdviceColumnsAreDocumented: docs/csv.md gives advise's header exactly,
// and an empty advice has that header.
func TestAdviceColumnsAreDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/csv.md")
	if err != nil {
		t.Fatal(err)
	}
	if line := "\n" + strings.Join(adviceColumns, ",") + "\n"; !strings.Contains(string(b), line) {
		t.Errorf("docs/csv.md lacks advise's header%s", line)
	}
	m, err := (&Advice{}).Records()
	if err != nil || strings.Join(m.Columns, ",") != strings.Join(adviceColumns, ",") || len(m.Rows) != 0 {
		t.Errorf("empty advice: %v, columns %v, %d rows", err, m, len(m.Rows))
	}
}

// TestAdviceLinkLine: the summary's sentence counts changes and says
// which SLOs could not be priced.
func TestAdviceLinkLine(t *testing.T) {
	for _, c := range []struct {
		l    AdviceLink
		want string
	}{
		{AdviceLink{Command: "nines advise", Changes: 1, Advised: 5, SLOs: 5}, "Objectives: 1 change recommended for 5 SLOs (see `nines advise`, docs/advise.md)."},
		{AdviceLink{Command: "nines advise", Changes: 0, Advised: 1, SLOs: 4}, "Objectives: 0 changes recommended for 1 SLO (see `nines advise`, docs/advise.md); 3 SLOs not advised: no reliability_cost or cost model to price them."},
	} {
		if got := c.l.Line(); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}
