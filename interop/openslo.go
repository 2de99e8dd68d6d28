package interop

// The OpenSLO v1 objects, as the README of github.com/OpenSLO/OpenSLO
// describes them. Strict typed structs of our own (docs/architecture.md says
// why): every field the spec names, nothing more, so a misspelt field is an
// error with its line.

// OpenSLOVersion is the apiVersion this build reads and writes.
const OpenSLOVersion = "openslo/v1"

type osMetadata struct {
	Name        string            `yaml:"name"`
	DisplayName string            `yaml:"displayName,omitempty"`
	Labels      map[string]any    `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

type osHeader struct {
	APIVersion string     `yaml:"apiVersion"`
	Kind       string     `yaml:"kind"`
	Metadata   osMetadata `yaml:"metadata"`
}

type osService struct {
	osHeader `yaml:",inline"`
	Spec     struct {
		Description string `yaml:"description,omitempty"`
	} `yaml:"spec"`
}

type osDataSource struct {
	osHeader `yaml:",inline"`
	Spec     struct {
		Description       string         `yaml:"description,omitempty"`
		Type              string         `yaml:"type"`
		ConnectionDetails map[string]any `yaml:"connectionDetails,omitempty"`
	} `yaml:"spec"`
}

type osMetricSource struct {
	MetricSourceRef string         `yaml:"metricSourceRef,omitempty"`
	Type            string         `yaml:"type,omitempty"`
	Spec            map[string]any `yaml:"spec"`
}

type osMetric struct {
	MetricSource osMetricSource `yaml:"metricSource"`
}

type osRatioMetric struct {
	Counter *bool     `yaml:"counter,omitempty"`
	Good    *osMetric `yaml:"good,omitempty"`
	Bad     *osMetric `yaml:"bad,omitempty"`
	Total   *osMetric `yaml:"total,omitempty"`
	RawType string    `yaml:"rawType,omitempty"`
	Raw     *osMetric `yaml:"raw,omitempty"`
}

type osSLISpec struct {
	Description     string         `yaml:"description,omitempty"`
	ThresholdMetric *osMetric      `yaml:"thresholdMetric,omitempty"`
	RatioMetric     *osRatioMetric `yaml:"ratioMetric,omitempty"`
}

type osSLI struct {
	osHeader `yaml:",inline"`
	Spec     osSLISpec `yaml:"spec"`
}

type osInlineSLI struct {
	Metadata osMetadata `yaml:"metadata"`
	Spec     osSLISpec  `yaml:"spec"`
}

type osCalendar struct {
	StartTime string `yaml:"startTime"`
	TimeZone  string `yaml:"timeZone"`
}

type osTimeWindow struct {
	Duration  string      `yaml:"duration"`
	IsRolling *bool       `yaml:"isRolling,omitempty"`
	Calendar  *osCalendar `yaml:"calendar,omitempty"`
}

type osObjective struct {
	DisplayName     string       `yaml:"displayName,omitempty"`
	Op              string       `yaml:"op,omitempty"`
	Value           *float64     `yaml:"value,omitempty"`
	Target          *float64     `yaml:"target,omitempty"`
	TargetPercent   *float64     `yaml:"targetPercent,omitempty"`
	TimeSliceTarget *float64     `yaml:"timeSliceTarget,omitempty"`
	TimeSliceWindow any          `yaml:"timeSliceWindow,omitempty"`
	Indicator       *osInlineSLI `yaml:"indicator,omitempty"`
	IndicatorRef    string       `yaml:"indicatorRef,omitempty"`
	CompositeWeight *float64     `yaml:"compositeWeight,omitempty"`
}

type osCondition struct {
	Kind           string  `yaml:"kind,omitempty"`
	Op             string  `yaml:"op"`
	Threshold      float64 `yaml:"threshold"`
	LookbackWindow string  `yaml:"lookbackWindow"`
	AlertAfter     string  `yaml:"alertAfter,omitempty"`
}

type osAlertConditionSpec struct {
	Description string      `yaml:"description,omitempty"`
	Severity    string      `yaml:"severity"`
	Condition   osCondition `yaml:"condition"`
}

type osAlertCondition struct {
	osHeader `yaml:",inline"`
	Spec     osAlertConditionSpec `yaml:"spec"`
}

// osConditionItem is an AlertPolicy's condition: inline or a reference.
type osConditionItem struct {
	ConditionRef string                `yaml:"conditionRef,omitempty"`
	Kind         string                `yaml:"kind,omitempty"`
	Metadata     *osMetadata           `yaml:"metadata,omitempty"`
	Spec         *osAlertConditionSpec `yaml:"spec,omitempty"`
}

type osTargetItem struct {
	TargetRef string                    `yaml:"targetRef,omitempty"`
	Kind      string                    `yaml:"kind,omitempty"`
	Metadata  *osMetadata               `yaml:"metadata,omitempty"`
	Spec      *osNotificationTargetSpec `yaml:"spec,omitempty"`
}

type osNotificationTargetSpec struct {
	Target      string `yaml:"target"`
	Description string `yaml:"description,omitempty"`
}

type osNotificationTarget struct {
	osHeader `yaml:",inline"`
	Spec     osNotificationTargetSpec `yaml:"spec"`
}

type osAlertPolicySpec struct {
	Description         string            `yaml:"description,omitempty"`
	AlertWhenNoData     *bool             `yaml:"alertWhenNoData,omitempty"`
	AlertWhenResolved   *bool             `yaml:"alertWhenResolved,omitempty"`
	AlertWhenBreaching  *bool             `yaml:"alertWhenBreaching,omitempty"`
	Conditions          []osConditionItem `yaml:"conditions"`
	NotificationTargets []osTargetItem    `yaml:"notificationTargets"`
}

type osAlertPolicy struct {
	osHeader `yaml:",inline"`
	Spec     osAlertPolicySpec `yaml:"spec"`
}

// osAlertPolicyItem is an SLO's alert policy: inline or a reference.
type osAlertPolicyItem struct {
	AlertPolicyRef string             `yaml:"alertPolicyRef,omitempty"`
	Kind           string             `yaml:"kind,omitempty"`
	Metadata       *osMetadata        `yaml:"metadata,omitempty"`
	Spec           *osAlertPolicySpec `yaml:"spec,omitempty"`
}

type osSLOSpec struct {
	Description     string              `yaml:"description,omitempty"`
	Service         string              `yaml:"service"`
	Indicator       *osInlineSLI        `yaml:"indicator,omitempty"`
	IndicatorRef    string              `yaml:"indicatorRef,omitempty"`
	TimeWindow      []osTimeWindow      `yaml:"timeWindow,omitempty"`
	BudgetingMethod string              `yaml:"budgetingMethod"`
	Objectives      []osObjective       `yaml:"objectives"`
	AlertPolicies   []osAlertPolicyItem `yaml:"alertPolicies,omitempty"`
}

type osSLO struct {
	osHeader `yaml:",inline"`
	Spec     osSLOSpec `yaml:"spec"`
}
