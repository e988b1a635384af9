package v1alpha1

import (
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// CanaryStep is one step of a canary update; exactly one field is set.
type CanaryStep struct {
	// SetWeight is the percentage of traffic (with traffic routing) or of
	// replicas (without) the canary gets.
	// +optional
	SetWeight *int32 `json:"setWeight,omitempty"`
	// Pause waits for a duration, or for a promote when it has none.
	// +optional
	Pause *RolloutPause `json:"pause,omitempty"`
	// Experiment runs an Experiment and waits for it.
	// +optional
	Experiment *RolloutExperimentStep `json:"experiment,omitempty"`
	// Analysis runs an AnalysisRun and waits for its result.
	// +optional
	Analysis *RolloutAnalysis `json:"analysis,omitempty"`
	// SetCanaryScale sizes the canary apart from its traffic weight.
	// +optional
	SetCanaryScale *SetCanaryScale `json:"setCanaryScale,omitempty"`
	// SetHeaderRoute sends requests matching headers to the canary.
	// +optional
	SetHeaderRoute *SetHeaderRoute `json:"setHeaderRoute,omitempty"`
	// SetMirrorRoute copies a share of matching requests to the canary.
	// +optional
	SetMirrorRoute *SetMirrorRoute `json:"setMirrorRoute,omitempty"`
	// Plugin runs a step plugin.
	// +optional
	Plugin *PluginStep `json:"plugin,omitempty"`
}

// RolloutPause is a pause step.
type RolloutPause struct {
	// Duration of the pause: seconds as a number, or a string with an s,
	// m or h suffix ("30s", "5m"). Without it the pause lasts until a promote.
	// +optional
	Duration *intstr.IntOrString `json:"duration,omitempty"`
}

// SetCanaryScale sizes the canary; one field is set.
type SetCanaryScale struct {
	// Weight is the canary's size as a percentage of spec.replicas.
	// +optional
	Weight *int32 `json:"weight,omitempty"`
	// Replicas is the canary's size in pods.
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`
	// MatchTrafficWeight sizes the canary to its traffic weight again.
	// +optional
	MatchTrafficWeight bool `json:"matchTrafficWeight,omitempty"`
}

// SetHeaderRoute is a named route sending requests that match headers to the canary.
type SetHeaderRoute struct {
	// Name of the route; it must be listed in trafficRouting.managedRoutes.
	// +optional
	Name string `json:"name,omitempty"`
	// Match is the headers to match; all must match. Empty removes the route.
	// +optional
	Match []HeaderRoutingMatch `json:"match,omitempty"`
}

// HeaderRoutingMatch matches one request header.
type HeaderRoutingMatch struct {
	// HeaderName is the header's name.
	HeaderName string `json:"headerName"`
	// HeaderValue is how its value must match.
	HeaderValue *StringMatch `json:"headerValue"`
}

// StringMatch matches a string in one way; one field is set.
type StringMatch struct {
	// Exact matches the whole string.
	// +optional
	Exact string `json:"exact,omitempty"`
	// Prefix matches its start.
	// +optional
	Prefix string `json:"prefix,omitempty"`
	// Regex matches a regular expression.
	// +optional
	Regex string `json:"regex,omitempty"`
}

// SetMirrorRoute is a named route copying matching requests to the canary.
type SetMirrorRoute struct {
	// Name of the route; it must be listed in trafficRouting.managedRoutes.
	Name string `json:"name"`
	// Match selects the requests: a request matches when any entry matches,
	// and an entry matches when all its fields do. Empty removes the route.
	// +optional
	Match []RouteMatch `json:"match,omitempty"`
	// Percentage of the matching requests to copy (default 100).
	// +optional
	Percentage *int32 `json:"percentage,omitempty"`
}

// RouteMatch matches requests by method, path and headers.
type RouteMatch struct {
	// Method of the request.
	// +optional
	Method *StringMatch `json:"method,omitempty"`
	// Path of the request.
	// +optional
	Path *StringMatch `json:"path,omitempty"`
	// Headers by name.
	// +optional
	Headers map[string]StringMatch `json:"headers,omitempty"`
}

// PluginStep runs a step plugin with its own configuration.
type PluginStep struct {
	// Name of the plugin as configured in the controller.
	Name string `json:"name"`
	// Config is passed to the plugin as it is.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	Config json.RawMessage `json:"config,omitempty"`
}

// RolloutAnalysis is the analysis a step, or a blue-green promotion, runs:
// one AnalysisRun made from the templates and arguments.
type RolloutAnalysis struct {
	// Templates are merged into the run's metrics.
	// +optional
	Templates []AnalysisTemplateRef `json:"templates,omitempty"`
	// Args are the values of the templates' arguments.
	// +optional
	Args []AnalysisRunArgument `json:"args,omitempty"`
	// DryRun lists metrics whose failure does not fail the run.
	// +optional
	DryRun []DryRun `json:"dryRun,omitempty"`
	// MeasurementRetention keeps more or fewer measurements of some metrics.
	// +optional
	MeasurementRetention []MeasurementRetention `json:"measurementRetention,omitempty"`
	// AnalysisRunMetadata is added to the AnalysisRun made.
	// +optional
	AnalysisRunMetadata *AnalysisRunMetadata `json:"analysisRunMetadata,omitempty"`
}

// RolloutAnalysisBackground is a canary's background analysis.
type RolloutAnalysisBackground struct {
	// RolloutAnalysis is the run's templates and arguments, inline.
	RolloutAnalysis `json:",inline"`
	// StartingStep is the index of the step at which the run starts (default 0).
	// +optional
	StartingStep *int32 `json:"startingStep,omitempty"`
}

// AnalysisTemplateRef names an AnalysisTemplate or ClusterAnalysisTemplate.
type AnalysisTemplateRef struct {
	// TemplateName is the template's name.
	// +optional
	TemplateName string `json:"templateName"`
	// ClusterScope says the name is a ClusterAnalysisTemplate's.
	// +optional
	ClusterScope *bool `json:"clusterScope,omitempty"`
}

// AnalysisRunArgument is the value a Rollout gives a template argument.
type AnalysisRunArgument struct {
	// Name of the argument.
	Name string `json:"name"`
	// Value, when it is a literal.
	// +optional
	Value string `json:"value,omitempty"`
	// ValueFrom takes the value from the Rollout.
	// +optional
	ValueFrom *ArgumentValueFrom `json:"valueFrom,omitempty"`
}

// ArgumentValueFrom is where a Rollout argument's value comes from; one field is set.
type ArgumentValueFrom struct {
	// PodTemplateHashValue is the hash of the Stable or the Latest revision.
	// +optional
	PodTemplateHashValue *ValueFromPodTemplateHash `json:"podTemplateHashValue,omitempty"`
	// FieldRef is a field of the Rollout, such as metadata.labels['app'].
	// +optional
	FieldRef *FieldRef `json:"fieldRef,omitempty"`
}

// FieldRef is a path to a field of the owning object.
type FieldRef struct {
	// FieldPath is the path, for example metadata.name.
	FieldPath string `json:"fieldPath"`
}

// ValueFromPodTemplateHash is which revision's hash an argument takes.
type ValueFromPodTemplateHash string

// The revisions an argument can take the hash of.
const (
	// ValueFromStable is the stable revision's hash.
	ValueFromStable ValueFromPodTemplateHash = "Stable"
	// ValueFromLatest is the newest revision's hash.
	ValueFromLatest ValueFromPodTemplateHash = "Latest"
)

// AnalysisRunMetadata is labels and annotations added to AnalysisRuns a Rollout makes.
type AnalysisRunMetadata struct {
	// Labels to add.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations to add.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Labels Argo Rollouts puts on the AnalysisRuns a Rollout makes.
const (
	// LabelRolloutType says why the run exists: Step, Background,
	// PrePromotion or PostPromotion.
	LabelRolloutType = "rollout-type"
	// LabelStepIndex is the index of the step that made the run.
	LabelStepIndex = "step-index"
)

// RolloutExperimentStep is a step that runs an Experiment.
type RolloutExperimentStep struct {
	// Templates are the ReplicaSets the experiment runs.
	Templates []RolloutExperimentTemplate `json:"templates"`
	// Duration the experiment runs (a number with s, m or h); empty runs
	// until its analyses finish.
	// +optional
	Duration DurationString `json:"duration,omitempty"`
	// Analyses run against the experiment.
	// +optional
	Analyses []RolloutExperimentStepAnalysisTemplateRef `json:"analyses,omitempty"`
	// DryRun lists metrics whose failure does not fail the experiment.
	// +optional
	DryRun []DryRun `json:"dryRun,omitempty"`
	// AnalysisRunMetadata is added to the experiment's AnalysisRuns.
	// +optional
	AnalysisRunMetadata AnalysisRunMetadata `json:"analysisRunMetadata,omitempty"`
	// ScaleDownDelaySeconds is how long the experiment's ReplicaSets keep
	// running after it ends.
	// +optional
	ScaleDownDelaySeconds *int32 `json:"scaleDownDelaySeconds,omitempty"`
}

// RolloutExperimentTemplate is a ReplicaSet an experiment step runs, built
// from the canary or the stable pod template.
type RolloutExperimentTemplate struct {
	// Name of the template, unique in the step.
	Name string `json:"name"`
	// SpecRef is the pod template to use: canary or stable.
	SpecRef ReplicaSetSpecRef `json:"specRef"`
	// Replicas of the ReplicaSet (default 1).
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`
	// Metadata is added to the pods.
	// +optional
	Metadata PodTemplateMetadata `json:"metadata,omitempty"`
	// Selector of the pods, when it must differ from the Rollout's.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
	// Weight is the percentage of traffic the ReplicaSet gets (traffic routing only).
	// +optional
	Weight *int32 `json:"weight,omitempty"`
	// Service, when set, is created for the ReplicaSet.
	// +optional
	Service *TemplateService `json:"service,omitempty"`
}

// ReplicaSetSpecRef is the Rollout pod template an experiment template copies.
type ReplicaSetSpecRef string

// The pod templates an experiment template can copy.
const (
	// SpecRefCanary is the new revision's template.
	SpecRefCanary ReplicaSetSpecRef = "canary"
	// SpecRefStable is the stable revision's template.
	SpecRefStable ReplicaSetSpecRef = "stable"
)

// RolloutExperimentStepAnalysisTemplateRef is an analysis of an experiment step.
type RolloutExperimentStepAnalysisTemplateRef struct {
	// Name of the analysis in the experiment.
	Name string `json:"name"`
	// TemplateName is the AnalysisTemplate (or ClusterAnalysisTemplate) to run.
	TemplateName string `json:"templateName"`
	// ClusterScope says TemplateName is a ClusterAnalysisTemplate's.
	// +optional
	ClusterScope *bool `json:"clusterScope,omitempty"`
	// Args are the values of the template's arguments.
	// +optional
	Args []AnalysisRunArgument `json:"args,omitempty"`
	// RequiredForCompletion ends the experiment when this analysis finishes.
	// +optional
	RequiredForCompletion bool `json:"requiredForCompletion,omitempty"`
}
