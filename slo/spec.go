package slo

// The versioned spec, as written in YAML. It is decoded strictly and mapped into
// the tag-free model in model.go; nothing outside this package sees it.

// SpecVersion is the only spec version this build reads.
const SpecVersion = "nines/v1"

type tiersFileSpec struct {
	Version string              `yaml:"version"`
	Tiers   map[string]tierSpec `yaml:"tiers"`
	// IncidentFiles are the default incidents files (paths or globs
	// relative to the tiers file) of cost, report and summary.
	IncidentFiles []string `yaml:"incident_files"`
}

type tierSpec struct {
	Description string      `yaml:"description"`
	Objective   *float64    `yaml:"objective"`
	Window      string      `yaml:"window"`
	Timezone    string      `yaml:"timezone"`
	NoData      string      `yaml:"no_data"`
	MissingErrs string      `yaml:"missing_errors"`
	MinEvents   *float64    `yaml:"min_events"`
	Alerts      []alertSpec `yaml:"alerts"`
	Gate        *gateSpec   `yaml:"gate"`
	Cost        *costSpec   `yaml:"cost"`

	Incidents *incidentPolicySpec `yaml:"incidents"`
	// Adjustments are budget adjustments (slo/adjust.go).
	Adjustments []adjustmentSpec `yaml:"adjustments"`
}

type alertSpec struct {
	Long     string  `yaml:"long"`
	Short    string  `yaml:"short"`
	Factor   float64 `yaml:"factor"`
	Severity string  `yaml:"severity"`
	For      string  `yaml:"for"`
}

type serviceFileSpec struct {
	Version     string            `yaml:"version"`
	Service     string            `yaml:"service"`
	Tier        string            `yaml:"tier"`
	Description string            `yaml:"description"`
	Owner       ownerSpec         `yaml:"owner"`
	Labels      map[string]string `yaml:"labels"`
	SLOs        []sloSpec         `yaml:"slos"`
	Gate        *gateSpec         `yaml:"gate"`
	Cost        *costSpec         `yaml:"cost"`

	Incidents *incidentPolicySpec `yaml:"incidents"`
	// Adjustments are budget adjustments (slo/adjust.go).
	Adjustments []adjustmentSpec `yaml:"adjustments"`
}

type ownerSpec struct {
	Team    string `yaml:"team"`
	Contact string `yaml:"contact"`
}

type sloSpec struct {
	Name        string      `yaml:"name"`
	Description string      `yaml:"description"`
	Objective   *float64    `yaml:"objective"`
	Window      string      `yaml:"window"`
	Timezone    string      `yaml:"timezone"`
	NoData      string      `yaml:"no_data"`
	MissingErrs string      `yaml:"missing_errors"`
	MinEvents   *float64    `yaml:"min_events"`
	Alerts      []alertSpec `yaml:"alerts"`
	SLI         sliSpec     `yaml:"sli"`
	// Adjustments are budget adjustments (slo/adjust.go).
	Adjustments []adjustmentSpec `yaml:"adjustments"`
}

type sliSpec struct {
	Events  *eventsSpec  `yaml:"events"`
	Latency *latencySpec `yaml:"latency"`
	Probe   *probeSpec   `yaml:"probe"`
	Raw     *rawSpec     `yaml:"raw"`
}

type eventsSpec struct {
	Good  string `yaml:"good"`
	Bad   string `yaml:"bad"`
	Total string `yaml:"total"`
}

type latencySpec struct {
	Metric    string            `yaml:"metric"`
	Labels    map[string]string `yaml:"labels"`
	Threshold float64           `yaml:"threshold"`
}

type probeSpec struct {
	Metric string            `yaml:"metric"`
	Labels map[string]string `yaml:"labels"`
}

type rawSpec struct {
	ErrorRatio string `yaml:"error_ratio"`
}
