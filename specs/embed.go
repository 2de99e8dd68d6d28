// Package specs holds the example specs (a tiers file and four services),
// the example incidents file and the demo data, built into the binary so
// that the quick start runs anywhere: `nines burn --source demo`.
package specs

import "embed"

// FS holds the example specs (*.yaml), the incidents file
// (incidents/2026-q3.yaml) and the demo data (demo/metrics.om.gz).
//
//go:embed *.yaml incidents/*.yaml demo/metrics.om.gz
var FS embed.FS

// Paths in FS.
const (
	// Dir is the directory of the example specs.
	Dir = "."
	// DemoData is the demo's OpenMetrics file, gzip-compressed.
	DemoData = "demo/metrics.om.gz"
)
