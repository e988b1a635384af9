package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Experiment runs one or more ReplicaSets for a while, with analyses
// against them, for example a baseline and a canary side by side. A canary
// experiment step makes one; users can also create them directly.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=experiments,shortName=exp,categories=argoproj
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.phase`,description="Phase of the experiment"
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`,description="Time since the experiment was created"
type Experiment struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the ReplicaSets, duration and analyses.
	Spec ExperimentSpec `json:"spec"`
	// Status is the state of the ReplicaSets and analyses.
	// +optional
	Status ExperimentStatus `json:"status,omitempty"`
}

// ExperimentList is a list of Experiments.
//
// +kubebuilder:object:root=true
type ExperimentList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	// Items are the Experiments.
	Items []Experiment `json:"items"`
}

// Annotations Argo Rollouts puts on an Experiment's ReplicaSets.
const (
	// AnnotationExperimentName names the Experiment.
	AnnotationExperimentName = "experiment.argoproj.io/name"
	// AnnotationExperimentTemplateName names the template in it.
	AnnotationExperimentTemplateName = "experiment.argoproj.io/template-name"
)

// ExperimentSpec is what an Experiment runs.
type ExperimentSpec struct {
	// Templates are the ReplicaSets to run.
	Templates []TemplateSpec `json:"templates"`
	// Duration the experiment runs ("1h"); empty runs until its required
	// analyses finish, or forever without any.
	// +optional
	Duration DurationString `json:"duration,omitempty"`
	// ProgressDeadlineSeconds a ReplicaSet may take to become available (default 600).
	// +optional
	ProgressDeadlineSeconds *int32 `json:"progressDeadlineSeconds,omitempty"`
	// Terminate, set by the owner or a user, ends the experiment now.
	// +optional
	Terminate bool `json:"terminate,omitempty"`
	// Analyses run against the ReplicaSets.
	// +optional
	Analyses []ExperimentAnalysisTemplateRef `json:"analyses,omitempty"`
	// ScaleDownDelaySeconds the ReplicaSets keep running after the end (default 30).
	// +optional
	ScaleDownDelaySeconds *int32 `json:"scaleDownDelaySeconds,omitempty"`
	// DryRun lists metrics whose failure does not fail the experiment.
	// +optional
	DryRun []DryRun `json:"dryRun,omitempty"`
	// MeasurementRetention keeps more or fewer measurements of some metrics.
	// +optional
	MeasurementRetention []MeasurementRetention `json:"measurementRetention,omitempty"`
	// AnalysisRunMetadata is added to the experiment's AnalysisRuns.
	// +optional
	AnalysisRunMetadata AnalysisRunMetadata `json:"analysisRunMetadata,omitempty"`
}

// TemplateSpec is a ReplicaSet an Experiment runs.
type TemplateSpec struct {
	// Name of the template, unique in the experiment.
	Name string `json:"name"`
	// Replicas of the ReplicaSet (default 1).
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`
	// MinReadySeconds a pod must be ready to count as available.
	// +optional
	MinReadySeconds int32 `json:"minReadySeconds,omitempty"`
	// Selector of the pods.
	Selector *metav1.LabelSelector `json:"selector"`
	// Template of the pods.
	Template corev1.PodTemplateSpec `json:"template"`
	// Service, when set, is created for the ReplicaSet.
	// +optional
	Service *TemplateService `json:"service,omitempty"`
}

// TemplateService is a Service made for an experiment ReplicaSet.
type TemplateService struct {
	// Name of the Service (default: the ReplicaSet's).
	// +optional
	Name string `json:"name,omitempty"`
}

// ExperimentAnalysisTemplateRef is an analysis of an Experiment.
type ExperimentAnalysisTemplateRef struct {
	// Name of the analysis in the experiment.
	Name string `json:"name"`
	// TemplateName is the AnalysisTemplate (or ClusterAnalysisTemplate) to run.
	TemplateName string `json:"templateName"`
	// ClusterScope says TemplateName is a ClusterAnalysisTemplate's.
	// +optional
	ClusterScope *bool `json:"clusterScope,omitempty"`
	// Args are the values of the template's arguments.
	// +optional
	Args []Argument `json:"args,omitempty"`
	// RequiredForCompletion ends the experiment when this analysis finishes.
	// +optional
	RequiredForCompletion bool `json:"requiredForCompletion,omitempty"`
}

// ExperimentStatus is the state of an Experiment.
type ExperimentStatus struct {
	// Phase of the experiment.
	// +optional
	Phase AnalysisPhase `json:"phase,omitempty"`
	// Message explains the phase.
	// +optional
	Message string `json:"message,omitempty"`
	// TemplateStatuses are the states of the ReplicaSets.
	// +optional
	TemplateStatuses []TemplateStatus `json:"templateStatuses,omitempty"`
	// AvailableAt is when every ReplicaSet became available; the duration counts from it.
	// +optional
	AvailableAt *metav1.Time `json:"availableAt,omitempty"`
	// Conditions are the latest observations of the experiment's state.
	// +optional
	Conditions []ExperimentCondition `json:"conditions,omitempty"`
	// AnalysisRuns are the experiment's AnalysisRuns.
	// +optional
	AnalysisRuns []ExperimentAnalysisRunStatus `json:"analysisRuns,omitempty"`
}

// TemplateStatusCode is the state of an experiment ReplicaSet.
type TemplateStatusCode string

// The states of an experiment ReplicaSet.
const (
	// TemplateStatusProgressing: coming up.
	TemplateStatusProgressing TemplateStatusCode = "Progressing"
	// TemplateStatusRunning: available.
	TemplateStatusRunning TemplateStatusCode = "Running"
	// TemplateStatusSuccessful: ran to the end.
	TemplateStatusSuccessful TemplateStatusCode = "Successful"
	// TemplateStatusFailed: did not become available in time.
	TemplateStatusFailed TemplateStatusCode = "Failed"
	// TemplateStatusError: could not be created.
	TemplateStatusError TemplateStatusCode = "Error"
)

// TemplateStatus is the state of an experiment ReplicaSet.
type TemplateStatus struct {
	// Name of the template.
	Name string `json:"name"`
	// Replicas is the number of pods.
	Replicas int32 `json:"replicas"`
	// UpdatedReplicas is the number of pods of the template.
	UpdatedReplicas int32 `json:"updatedReplicas"`
	// ReadyReplicas is the number of ready pods.
	ReadyReplicas int32 `json:"readyReplicas"`
	// AvailableReplicas is the number of available pods.
	AvailableReplicas int32 `json:"availableReplicas"`
	// CollisionCount counts hash collisions, as in RolloutStatus.
	// +optional
	CollisionCount *int32 `json:"collisionCount,omitempty"`
	// Status of the ReplicaSet.
	// +optional
	Status TemplateStatusCode `json:"status,omitempty"`
	// Message explains the status.
	// +optional
	Message string `json:"message,omitempty"`
	// LastTransitionTime is when Status last changed.
	// +optional
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
	// ServiceName of the Service made for it.
	// +optional
	ServiceName string `json:"serviceName,omitempty"`
	// PodTemplateHash of its pods.
	// +optional
	PodTemplateHash string `json:"podTemplateHash,omitempty"`
}

// ExperimentConditionType is the type of an Experiment condition.
type ExperimentConditionType string

// The condition types of an Experiment.
const (
	// ExperimentConditionInvalidSpec: the spec cannot be acted on.
	ExperimentConditionInvalidSpec ExperimentConditionType = "InvalidSpec"
	// ExperimentConditionCompleted: the experiment ended.
	ExperimentConditionCompleted ExperimentConditionType = "Completed"
	// ExperimentConditionProgressing: the ReplicaSets are coming up.
	ExperimentConditionProgressing ExperimentConditionType = "Progressing"
	// ExperimentConditionRunning: the ReplicaSets are available.
	ExperimentConditionRunning ExperimentConditionType = "Running"
	// ExperimentConditionReplicaFailure: a pod could not be created.
	ExperimentConditionReplicaFailure ExperimentConditionType = "ReplicaFailure"
)

// ExperimentCondition is an observation of an Experiment's state.
type ExperimentCondition struct {
	// Type of the condition.
	Type ExperimentConditionType `json:"type"`
	// Status is True, False or Unknown.
	Status corev1.ConditionStatus `json:"status"`
	// LastUpdateTime is when the condition was last written.
	LastUpdateTime metav1.Time `json:"lastUpdateTime"`
	// LastTransitionTime is when Status last changed.
	LastTransitionTime metav1.Time `json:"lastTransitionTime"`
	// Reason is a one-word CamelCase cause.
	Reason string `json:"reason"`
	// Message is a sentence for people.
	Message string `json:"message"`
}

// ExperimentAnalysisRunStatus is an AnalysisRun of an Experiment.
type ExperimentAnalysisRunStatus struct {
	// Name of the analysis in the experiment.
	Name string `json:"name"`
	// AnalysisRun is the run's name.
	AnalysisRun string `json:"analysisRun"`
	// Phase of the run.
	Phase AnalysisPhase `json:"phase"`
	// Message of the run.
	// +optional
	Message string `json:"message,omitempty"`
}
