package slo_test

import (
	"maps"
	"testing"

	"github.com/nines-sre/nines/slo"
)

// ParseGroupSuffix reads back exactly what GroupSuffix writes, and nothing
// else: the gate's cache names groups with it.
func TestParseGroupSuffixReadsBackGroupSuffix(t *testing.T) {
	for _, g := range []map[string]string{
		{"region": "eu"},
		{"region": "eu", "zone": `a "b",c}`},
		{"customer": ""},
	} {
		s := slo.GroupSuffix(g)
		got, ok := slo.ParseGroupSuffix(s)
		if !ok || !maps.Equal(got, g) {
			t.Errorf("%s: read %v (%v), want %v", s, got, ok, g)
		}
	}
	for _, s := range []string{"", "{}", "region=\"eu\"", "{region=eu}", `{region="eu"`, `{region="eu"}x`,
		`{region="eu"zone="a"}`, `{zone="a",region="eu"}`, `{="eu"}`, `{region="eu",}`} {
		if g, ok := slo.ParseGroupSuffix(s); ok {
			t.Errorf("%q read as %v, want refused", s, g)
		}
	}
}
