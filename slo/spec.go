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

	ReliabilityCost *reliabilityCostSpec `yaml:"reliability_cost"`
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

	ReliabilityCost *reliabilityCostSpec `yaml:"reliability_cost"`
	// Dependencies are what the service needs to work (dependency.go).
	Dependencies []dependencySpec `yaml:"dependencies"`
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
	// Composite, instead of SLI, combines other SLOs (composite.go).
	Composite *compositeSpec `yaml:"composite"`
	// GroupBy makes the SLO one per value of these labels (docs/groups.md).
	GroupBy   []string `yaml:"group_by"`
	MaxGroups *int     `yaml:"max_groups"`
	// Adjustments are budget adjustments (slo/adjust.go).
	Adjustments []adjustmentSpec `yaml:"adjustments"`
}

// compositeSpec is a composite SLO: members named "slo" (the service's own)
// or "service/slo", combined by method.
type compositeSpec struct {
	Method string   `yaml:"method"`
	SLOs   []string `yaml:"slos"`
}

// dependencySpec is one item of a service's dependencies: another SLO
// (its objective), an external figure, or a redundant group.
type dependencySpec struct {
	SLO          string           `yaml:"slo"`
	Name         string           `yaml:"name"`
	Availability *float64         `yaml:"availability"`
	AnyOf        []dependencySpec `yaml:"any_of"`
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
