package report

import "testing"

func TestPathNote(t *testing.T) {
	s := func(svc, path string) SLOStatus { return SLOStatus{Service: svc, SLO: "availability", Path: path} }
	for _, c := range []struct {
		name string
		ss   []SLOStatus
		want string
	}{
		{"none", nil, ""},
		{"raw", []SLOStatus{s("a", "raw"), s("b", "raw")}, "path: raw data for every SLO."},
		{"recorded", []SLOStatus{s("a", "recorded")}, "path: the recorded series (nines rules) for every SLO."},
		{"mixed names the fewer", []SLOStatus{s("a", "recorded"), s("b", "raw"), s("c", "recorded")},
			"path: the recorded series for 2 SLOs, raw data for 1; raw data for b/availability (-o json: path_reason)."},
		{"at most three named", []SLOStatus{s("a", "recorded"), s("b", "recorded"), s("c", "recorded"), s("d", "recorded"),
			s("e", "raw"), s("f", "raw"), s("g", "raw"), s("h", "raw"), s("i", "raw")},
			"path: the recorded series for 4 SLOs, raw data for 5; the recorded series for a/availability, b/availability, c/availability and 1 more (-o json: path_reason)."},
	} {
		if got := PathNote(c.ss); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}
