package slo

import (
	"io/fs"
	"time"

	"github.com/nines-sre/nines/budget"
)

// Catalog is everything the specs declare: tiers and services.
type Catalog struct {
	Tiers    map[string]Tier
	Services []Service
	// IncidentFiles are the incidents files the tiers files name
	// (incident_files:), resolved and sorted: the default of cost, report
	// and summary. They are read from FS (see DefaultIncidents).
	IncidentFiles []string
	// FS is where the specs were read (nil: the operating system's files).
	FS fs.FS
	// Warnings are findings that do not stop the specs from loading, each
	// with file, line and field: an objective above its ceiling
	// (docs/composites.md). nines validate reports them and fails.
	Warnings []Problem
}

// Tier holds the defaults a service of the tier inherits.
type Tier struct {
	Name        string
	Description string
	Objective   float64 // ratio, 0.999
	Window      Window
	NoData      NoDataPolicy
	// MissingErrors says what an absent error series means.
	MissingErrors MissingErrorsPolicy
	MinEvents     float64
	Alerts        []budget.AlertWindow
	Gate          GatePolicy
	Cost          CostModel
	// Incidents decides which intervals are incidents.
	Incidents IncidentPolicy
	// Adjustments are the tier's budget adjustments.
	Adjustments []Adjustment
	// ReliabilityCost is what running a service of the tier costs per
	// objective (docs/advise.md).
	ReliabilityCost ReliabilityCost
	File            string
}

// Service is one service and its SLOs.
type Service struct {
	Name        string
	Tier        string
	Description string
	Owner       Owner
	Labels      map[string]string
	SLOs        []SLO
	Gate        GatePolicy
	Cost        CostModel
	// Incidents is the incident policy, merged over the tier's.
	Incidents IncidentPolicy
	// Adjustments are the tier's and the service's budget adjustments.
	Adjustments []Adjustment
	// ReliabilityCost is the service's curve, or its tier's.
	ReliabilityCost ReliabilityCost
	// Dependencies are what the service needs to work, in order; their
	// ceiling (DependencyCeiling) bounds every SLO of the service.
	Dependencies []Dependency
	File         string
}

// Owner is who answers for a service.
type Owner struct {
	Team    string
	Contact string
}

// String is "team (contact)", or whichever is set.
func (o Owner) String() string {
	switch {
	case o.Team != "" && o.Contact != "":
		return o.Team + " (" + o.Contact + ")"
	case o.Team != "":
		return o.Team
	default:
		return o.Contact
	}
}

// NoDataPolicy says what a missing measurement means for a deploy.
type NoDataPolicy string

// No-data policies.
const (
	NoDataBlock NoDataPolicy = "block"
	NoDataWarn  NoDataPolicy = "warn"
	NoDataAllow NoDataPolicy = "allow"
)

// MissingErrorsPolicy says what an error (bad) query that returns no series,
// while the total has data, means. From the answer alone it cannot be told
// from a broken error query, so every policy says what it assumed.
type MissingErrorsPolicy string

// Missing-errors policies.
const (
	// MissingErrorsZero counts the absent series as 0 errors and states the
	// assumption with the result; an error series seen over a longer window
	// but absent over a shorter one still warns. The default: a healthy
	// service without a single 5xx series stays quiet.
	MissingErrorsZero MissingErrorsPolicy = "zero"
	// MissingErrorsWarn counts it as 0 errors with a warning.
	MissingErrorsWarn MissingErrorsPolicy = "warn"
	// MissingErrorsNoData makes the window no data.
	MissingErrorsNoData MissingErrorsPolicy = "no_data"
)

// SLO is one objective of a service, with the tier's defaults merged in.
type SLO struct {
	Service     string
	Tier        string
	Owner       Owner
	Name        string
	Description string
	Objective   float64 // ratio, 0.999
	Window      Window
	NoData      NoDataPolicy
	// MissingErrors says what an absent error series means.
	MissingErrors MissingErrorsPolicy
	MinEvents     float64
	Alerts        []budget.AlertWindow
	SLI           SLI
	// Gate and Cost are the service's, merged over its tier's.
	Gate GatePolicy
	Cost CostModel
	// Incidents is the service's incident policy.
	Incidents IncidentPolicy
	// Adjustments are the tier's, the service's and the SLO's budget
	// adjustments (docs/adjustments.md).
	Adjustments []Adjustment
	// Ceiling is the best availability the SLO's members and its
	// service's dependencies allow; nil when nothing bounds it.
	Ceiling *Ceiling
	File    string
	Line    int

	// GroupBy are the labels a grouped SLO is evaluated per value of
	// (group_by, docs/groups.md), at most MaxGroups groups (0: the
	// default). Group is, for one group, its labels' values; Name then
	// carries them (availability{region="eu"}) and Base is the SLO's own
	// name.
	GroupBy   []string
	MaxGroups int
	Group     map[string]string
	Base      string
}

// ID is "service/slo".
func (s SLO) ID() string { return s.Service + "/" + s.Name }

// Calendar names a calendar SLO window.
type Calendar string

// Calendar windows.
const (
	Month   Calendar = "month"
	Quarter Calendar = "quarter"
)

// Window is an SLO window: rolling (a duration) or calendar (month or quarter
// in a time zone).
type Window struct {
	Rolling  time.Duration
	Calendar Calendar
	Location *time.Location
}

// String is "30d", "month (Europe/Berlin)" or "quarter (UTC)".
func (w Window) String() string {
	if w.Calendar == "" {
		return formatDuration(w.Rolling)
	}
	return string(w.Calendar) + " (" + w.Location.String() + ")"
}

// Bounds is the window that ends at at: for a rolling window [at-length, at];
// for a calendar window the period containing at, from its start, with the
// length of the whole period.
func (w Window) Bounds(at time.Time) (start time.Time, length time.Duration) {
	if w.Calendar == "" {
		return at.Add(-w.Rolling), w.Rolling
	}
	p := CalendarPeriod(w.Calendar, at, w.Location)
	return p.Start, p.End.Sub(p.Start)
}

// SLIKind is the kind of an SLI.
type SLIKind string

// SLI kinds.
const (
	Events  SLIKind = "events"
	Latency SLIKind = "latency"
	Probe   SLIKind = "probe"
	Raw     SLIKind = "raw"
	// Composite combines other SLOs (SLI.Composite); it has no queries.
	Composite SLIKind = "composite"
)

// SLI is how an SLO is measured. Query templates carry the {{.window}}
// placeholder.
type SLI struct {
	Kind SLIKind
	// Events: exactly one of Good and Bad, and Total.
	Good, Bad, Total string
	// Latency and probe: a metric and equality label matchers.
	Metric    string
	Labels    map[string]string
	Threshold float64
	// Raw: a query returning the error ratio.
	ErrorRatio string
	// Composite: the members and how they combine.
	Composite *CompositeSLI
}
