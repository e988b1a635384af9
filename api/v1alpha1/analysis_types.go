package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// AnalysisTemplate is a reusable set of metrics, with arguments, that a
// Rollout or Experiment turns into an AnalysisRun.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:path=analysistemplates,shortName=at,categories=argoproj
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`,description="Time since the template was created"
type AnalysisTemplate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the metrics and arguments.
	Spec AnalysisTemplateSpec `json:"spec"`
}

// AnalysisTemplateList is a list of AnalysisTemplates.
//
// +kubebuilder:object:root=true
type AnalysisTemplateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	// Items are the AnalysisTemplates.
	Items []AnalysisTemplate `json:"items"`
}

// ClusterAnalysisTemplate is an AnalysisTemplate every namespace can use.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:path=clusteranalysistemplates,shortName=cat,scope=Cluster,categories=argoproj
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`,description="Time since the template was created"
type ClusterAnalysisTemplate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the metrics and arguments.
	Spec AnalysisTemplateSpec `json:"spec"`
}

// ClusterAnalysisTemplateList is a list of ClusterAnalysisTemplates.
//
// +kubebuilder:object:root=true
type ClusterAnalysisTemplateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	// Items are the ClusterAnalysisTemplates.
	Items []ClusterAnalysisTemplate `json:"items"`
}

// AnalysisTemplateSpec is the content of an analysis template.
type AnalysisTemplateSpec struct {
	// Metrics to measure; names are unique. (A list keyed by name, unlike
	// Argo's CRD: Kubernetes 1.37's JobSpec carries validation rules that
	// compare with the old object, which the API server accepts only under
	// lists it can match item to item.)
	// +optional
	// +listType=map
	// +listMapKey=name
	Metrics []Metric `json:"metrics,omitempty"`
	// Args are the arguments the metrics use as {{args.NAME}}.
	// +optional
	Args []Argument `json:"args,omitempty"`
	// DryRun lists metrics whose failure does not fail the run.
	// +optional
	DryRun []DryRun `json:"dryRun,omitempty"`
	// MeasurementRetention keeps more or fewer measurements of some metrics.
	// +optional
	MeasurementRetention []MeasurementRetention `json:"measurementRetention,omitempty"`
	// Templates are other templates whose metrics and arguments are merged in.
	// +optional
	Templates []AnalysisTemplateRef `json:"templates,omitempty"`
}

// AnalysisRun measures metrics until they succeed, fail or run out; a
// Rollout made from templates waits on it.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=analysisruns,shortName=ar,categories=argoproj
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.phase`,description="Phase of the run"
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`,description="Time since the run was created"
type AnalysisRun struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the metrics and resolved arguments.
	Spec AnalysisRunSpec `json:"spec"`
	// Status is the measurements and results.
	// +optional
	Status AnalysisRunStatus `json:"status,omitempty"`
}

// AnalysisRunList is a list of AnalysisRuns.
//
// +kubebuilder:object:root=true
type AnalysisRunList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	// Items are the AnalysisRuns.
	Items []AnalysisRun `json:"items"`
}

// AnalysisRunSpec is what an AnalysisRun measures.
type AnalysisRunSpec struct {
	// Metrics to measure; names are unique (a list keyed by name, as in
	// AnalysisTemplateSpec).
	// +listType=map
	// +listMapKey=name
	Metrics []Metric `json:"metrics"`
	// Args are the arguments with their values.
	// +optional
	Args []Argument `json:"args,omitempty"`
	// Terminate, set by the owner or a user, stops the run; its result
	// is what was measured so far.
	// +optional
	Terminate bool `json:"terminate,omitempty"`
	// DryRun lists metrics whose failure does not fail the run.
	// +optional
	DryRun []DryRun `json:"dryRun,omitempty"`
	// MeasurementRetention keeps more or fewer measurements of some metrics.
	// +optional
	MeasurementRetention []MeasurementRetention `json:"measurementRetention,omitempty"`
	// TTLStrategy deletes the run some time after it ends.
	// +optional
	TTLStrategy *TTLStrategy `json:"ttlStrategy,omitempty"`
}

// DurationString is a duration written as a number and a unit: "30s", "5m", "1h".
type DurationString string

// Metric is one measurement repeated at an interval and judged by conditions.
type Metric struct {
	// Name of the metric, unique in the run.
	Name string `json:"name"`
	// Interval between measurements ("5m"); without it the metric is measured once.
	// +optional
	Interval DurationString `json:"interval,omitempty"`
	// InitialDelay before the first measurement.
	// +optional
	InitialDelay DurationString `json:"initialDelay,omitempty"`
	// Count is how many measurements to take; 0 with an interval measures
	// until the run is terminated. A number or an argument reference.
	// +optional
	Count *intstr.IntOrString `json:"count,omitempty"`
	// SuccessCondition is an expression on result that a successful measurement satisfies.
	// +optional
	SuccessCondition string `json:"successCondition,omitempty"`
	// FailureCondition is an expression on result that a failed measurement satisfies.
	// +optional
	FailureCondition string `json:"failureCondition,omitempty"`
	// FailureLimit is how many failed measurements are tolerated (default 0:
	// the metric fails when more than this many fail).
	// +optional
	FailureLimit *intstr.IntOrString `json:"failureLimit,omitempty"`
	// InconclusiveLimit is how many inconclusive measurements are tolerated (default 0).
	// +optional
	InconclusiveLimit *intstr.IntOrString `json:"inconclusiveLimit,omitempty"`
	// ConsecutiveErrorLimit is how many measurement errors in a row are
	// tolerated (default 4).
	// +optional
	ConsecutiveErrorLimit *intstr.IntOrString `json:"consecutiveErrorLimit,omitempty"`
	// Provider is where the measurement comes from.
	Provider MetricProvider `json:"provider"`
	// ConsecutiveSuccessLimit ends the metric successfully after this many
	// successes in a row (default 0: not used).
	// +optional
	ConsecutiveSuccessLimit *intstr.IntOrString `json:"consecutiveSuccessLimit,omitempty"`
}

// DryRun names metrics (a regular expression, ".*" for all) whose failure does not count.
type DryRun struct {
	// MetricName is the metric name or pattern.
	MetricName string `json:"metricName"`
}

// MeasurementRetention is how many measurements of a metric the status keeps.
type MeasurementRetention struct {
	// MetricName is the metric name or pattern.
	MetricName string `json:"metricName"`
	// Limit is the number of measurements kept (default 10).
	Limit int32 `json:"limit"`
}

// TTLStrategy is when a finished AnalysisRun is deleted.
type TTLStrategy struct {
	// SecondsAfterCompletion deletes the run this long after it ends, whatever its result.
	// +optional
	SecondsAfterCompletion *int32 `json:"secondsAfterCompletion,omitempty"`
	// SecondsAfterFailure deletes a failed run this long after it ends.
	// +optional
	SecondsAfterFailure *int32 `json:"secondsAfterFailure,omitempty"`
	// SecondsAfterSuccess deletes a successful run this long after it ends.
	// +optional
	SecondsAfterSuccess *int32 `json:"secondsAfterSuccess,omitempty"`
}

// Argument is an argument of a template or run.
type Argument struct {
	// Name of the argument.
	Name string `json:"name"`
	// Value of the argument; in a template, its default.
	// +optional
	Value *string `json:"value,omitempty"`
	// ValueFrom takes the value from a Secret or a field.
	// +optional
	ValueFrom *ValueFrom `json:"valueFrom,omitempty"`
}

// ValueFrom is where an argument's value comes from; one field is set.
type ValueFrom struct {
	// SecretKeyRef is a key of a Secret in the run's namespace.
	// +optional
	SecretKeyRef *SecretKeyRef `json:"secretKeyRef,omitempty"`
	// FieldRef is a field of the owning object.
	// +optional
	FieldRef *FieldRef `json:"fieldRef,omitempty"`
}

// SecretKeyRef is a key of a Secret.
type SecretKeyRef struct {
	// Name of the Secret.
	Name string `json:"name"`
	// Key in the Secret.
	Key string `json:"key"`
}

// AnalysisPhase is the phase of a measurement, metric, run or experiment.
type AnalysisPhase string

// The phases of analysis, from best to worst result.
const (
	// AnalysisPhasePending: not started.
	AnalysisPhasePending AnalysisPhase = "Pending"
	// AnalysisPhaseRunning: measuring.
	AnalysisPhaseRunning AnalysisPhase = "Running"
	// AnalysisPhaseSuccessful: passed.
	AnalysisPhaseSuccessful AnalysisPhase = "Successful"
	// AnalysisPhaseFailed: failed.
	AnalysisPhaseFailed AnalysisPhase = "Failed"
	// AnalysisPhaseError: could not measure.
	AnalysisPhaseError AnalysisPhase = "Error"
	// AnalysisPhaseInconclusive: neither passed nor failed.
	AnalysisPhaseInconclusive AnalysisPhase = "Inconclusive"
)

// AnalysisRunStatus is the state and results of an AnalysisRun.
type AnalysisRunStatus struct {
	// Phase of the run: the worst of its metrics' phases.
	Phase AnalysisPhase `json:"phase"`
	// Message explains the phase.
	// +optional
	Message string `json:"message,omitempty"`
	// MetricResults are the results per metric.
	// +optional
	MetricResults []MetricResult `json:"metricResults,omitempty"`
	// StartedAt is when the run began.
	// +optional
	StartedAt *metav1.Time `json:"startedAt,omitempty"`
	// RunSummary counts the metrics by phase.
	// +optional
	RunSummary RunSummary `json:"runSummary,omitempty"`
	// DryRunSummary counts the dry-run metrics by phase.
	// +optional
	DryRunSummary *RunSummary `json:"dryRunSummary,omitempty"`
	// CompletedAt is when the run ended.
	// +optional
	CompletedAt *metav1.Time `json:"completedAt,omitempty"`
}

// RunSummary counts metrics by phase.
type RunSummary struct {
	// Count of metrics.
	// +optional
	Count int32 `json:"count,omitempty"`
	// Successful metrics.
	// +optional
	Successful int32 `json:"successful,omitempty"`
	// Failed metrics.
	// +optional
	Failed int32 `json:"failed,omitempty"`
	// Inconclusive metrics.
	// +optional
	Inconclusive int32 `json:"inconclusive,omitempty"`
	// Error metrics.
	// +optional
	Error int32 `json:"error,omitempty"`
}

// MetricResult is the measurements of one metric and their tallies.
type MetricResult struct {
	// Name of the metric.
	Name string `json:"name"`
	// Phase of the metric.
	Phase AnalysisPhase `json:"phase"`
	// Measurements are the latest measurements (measurementRetention of them, default 10).
	// +optional
	Measurements []Measurement `json:"measurements,omitempty"`
	// Message explains the phase.
	// +optional
	Message string `json:"message,omitempty"`
	// Count of measurements taken.
	// +optional
	Count int32 `json:"count,omitempty"`
	// Successful measurements.
	// +optional
	Successful int32 `json:"successful,omitempty"`
	// Failed measurements.
	// +optional
	Failed int32 `json:"failed,omitempty"`
	// Inconclusive measurements.
	// +optional
	Inconclusive int32 `json:"inconclusive,omitempty"`
	// Error measurements.
	// +optional
	Error int32 `json:"error,omitempty"`
	// ConsecutiveError counts errors since the last measurement without one.
	// +optional
	ConsecutiveError int32 `json:"consecutiveError,omitempty"`
	// DryRun says the metric's failure does not count.
	// +optional
	DryRun bool `json:"dryRun,omitempty"`
	// Metadata the provider reports, such as the resolved query.
	// +optional
	Metadata map[string]string `json:"metadata,omitempty"`
	// ConsecutiveSuccess counts successes since the last measurement without one.
	// +optional
	ConsecutiveSuccess int32 `json:"consecutiveSuccess,omitempty"`
}

// Measurement is one measurement of a metric.
type Measurement struct {
	// Phase of the measurement.
	Phase AnalysisPhase `json:"phase"`
	// Message explains an error.
	// +optional
	Message string `json:"message,omitempty"`
	// StartedAt is when it began.
	// +optional
	StartedAt *metav1.Time `json:"startedAt,omitempty"`
	// FinishedAt is when it ended.
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`
	// Value measured, as text.
	// +optional
	Value string `json:"value,omitempty"`
	// Metadata the provider reports, such as a Job's name.
	// +optional
	Metadata map[string]string `json:"metadata,omitempty"`
	// ResumeAt is when a measurement still running is checked again.
	// +optional
	ResumeAt *metav1.Time `json:"resumeAt,omitempty"`
}
