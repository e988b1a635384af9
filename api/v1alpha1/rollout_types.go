package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Rollout replaces a Deployment with a progressive update: each new pod
// template becomes a ReplicaSet that takes over from the stable one step by
// step (canary) or all at once after a preview (blue-green), gated by
// pauses and analysis. The JSON is Argo Rollouts' own.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:subresource:scale:specpath=.spec.replicas,statuspath=.status.HPAReplicas,selectorpath=.status.selector
// +kubebuilder:resource:path=rollouts,shortName=ro,categories=argoproj
// +kubebuilder:printcolumn:name="Desired",type=integer,JSONPath=`.spec.replicas`,description="Pods wanted"
// +kubebuilder:printcolumn:name="Current",type=integer,JSONPath=`.status.replicas`,description="Pods that exist, every revision counted"
// +kubebuilder:printcolumn:name="Up-to-date",type=integer,JSONPath=`.status.updatedReplicas`,description="Pods of the current revision"
// +kubebuilder:printcolumn:name="Available",type=integer,JSONPath=`.status.availableReplicas`,description="Pods ready for at least minReadySeconds"
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`,description="Time since the Rollout was created"
type Rollout struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the workload and how a new revision replaces the old.
	Spec RolloutSpec `json:"spec"`
	// Status is what the controller last observed and decided.
	// +optional
	Status RolloutStatus `json:"status,omitempty"`
}

// RolloutList is a list of Rollouts.
//
// +kubebuilder:object:root=true
type RolloutList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	// Items are the Rollouts.
	Items []Rollout `json:"items"`
}

// RolloutSpec is the desired workload and update strategy of a Rollout.
type RolloutSpec struct {
	// Replicas is the number of pods wanted (default 1). The /scale
	// subresource writes it, so an HPA can drive a Rollout.
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`
	// Selector matches the pods of every revision; it cannot change after
	// creation. Optional when WorkloadRef supplies it.
	// +optional
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.selector cannot change"
	Selector *metav1.LabelSelector `json:"selector"`
	// Template is the pod template; each distinct template is a revision,
	// named by its pod-template hash. Optional when WorkloadRef supplies it.
	// +optional
	Template corev1.PodTemplateSpec `json:"template"`
	// WorkloadRef takes the pod template (and selector) from another
	// object, a Deployment for instance, instead of Template.
	// +optional
	WorkloadRef *ObjectRef `json:"workloadRef,omitempty"`
	// MinReadySeconds a new pod must be ready, without a container
	// crashing, to count as available (default 0).
	// +optional
	MinReadySeconds int32 `json:"minReadySeconds,omitempty"`
	// RollbackWindow lets a return to one of the last revisions skip the
	// steps and analysis.
	// +optional
	RollbackWindow *RollbackWindowSpec `json:"rollbackWindow,omitempty"`
	// Strategy is how a new revision replaces the stable one: canary or blueGreen.
	// +optional
	Strategy RolloutStrategy `json:"strategy"`
	// RevisionHistoryLimit is how many old ReplicaSets are kept for
	// rollbacks (default 10).
	// +optional
	RevisionHistoryLimit *int32 `json:"revisionHistoryLimit,omitempty"`
	// Paused stops the update where it is until it is cleared.
	// +optional
	Paused bool `json:"paused,omitempty"`
	// ProgressDeadlineSeconds is how long an update may go without
	// progress before the Rollout is reported as failing (default 600).
	// Time spent paused does not count.
	// +optional
	ProgressDeadlineSeconds *int32 `json:"progressDeadlineSeconds,omitempty"`
	// ProgressDeadlineAbort aborts the update, not only reports it, when
	// the progress deadline passes (default false).
	// +optional
	ProgressDeadlineAbort bool `json:"progressDeadlineAbort,omitempty"`
	// RestartAt asks for every pod created before this time to be
	// replaced, a few at a time.
	// +optional
	RestartAt *metav1.Time `json:"restartAt,omitempty"`
	// Analysis bounds how many finished AnalysisRuns and Experiments are kept.
	// +optional
	Analysis *AnalysisRunStrategy `json:"analysis,omitempty"`
}

// ObjectRef names the object a Rollout takes its pod template from.
type ObjectRef struct {
	// APIVersion of the object, for example apps/v1.
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`
	// Kind of the object: Deployment, ReplicaSet or PodTemplate.
	// +optional
	Kind string `json:"kind,omitempty"`
	// Name of the object, in the Rollout's namespace.
	// +optional
	Name string `json:"name,omitempty"`
	// ScaleDown says what happens to a referenced Deployment once the
	// Rollout runs: never (default), onsuccess or progressively.
	// +optional
	ScaleDown string `json:"scaleDown,omitempty"`
}

// The values of ObjectRef.ScaleDown.
const (
	// ScaleDownNever leaves the referenced Deployment's replicas alone.
	ScaleDownNever = "never"
	// ScaleDownOnSuccess scales the Deployment to zero once the Rollout is healthy.
	ScaleDownOnSuccess = "onsuccess"
	// ScaleDownProgressively scales the Deployment down as the Rollout scales up.
	ScaleDownProgressively = "progressively"
)

// Labels and annotations Argo Rollouts puts on the objects it manages.
const (
	// LabelPodTemplateHash is the label on a revision's ReplicaSet, its pods
	// and the Services pointed at it; its value is the pod-template hash.
	LabelPodTemplateHash = "rollouts-pod-template-hash"
	// AnnotationManagedByRollouts marks Services and Ingresses a Rollout
	// changed, naming the Rollout, so they can be restored when it goes.
	AnnotationManagedByRollouts = "argo-rollouts.argoproj.io/managed-by-rollouts"
	// LabelControllerInstanceID assigns an object to one controller instance.
	LabelControllerInstanceID = "argo-rollouts.argoproj.io/controller-instance-id"
	// AnnotationScaleDownDeadline is on an old ReplicaSet: the time
	// (RFC 3339) after which it may be scaled down.
	AnnotationScaleDownDeadline = "argo-rollouts.argoproj.io/scale-down-deadline"
	// AnnotationRestartedAfter marks pods that a restart already replaced.
	AnnotationRestartedAfter = "argo-rollouts.argoproj.io/restarted-after"
)

// RollbackWindowSpec is how far back a rollback skips steps and analysis.
type RollbackWindowSpec struct {
	// Revisions is how many of the latest revisions count as a fast rollback.
	// +optional
	Revisions int32 `json:"revisions,omitempty"`
}

// AnalysisRunStrategy bounds the history of AnalysisRuns and Experiments.
type AnalysisRunStrategy struct {
	// SuccessfulRunHistoryLimit is how many successful runs are kept (default 5).
	// +optional
	SuccessfulRunHistoryLimit *int32 `json:"successfulRunHistoryLimit,omitempty"`
	// UnsuccessfulRunHistoryLimit is how many failed, errored or
	// inconclusive runs are kept (default 5).
	// +optional
	UnsuccessfulRunHistoryLimit *int32 `json:"unsuccessfulRunHistoryLimit,omitempty"`
}

// RolloutStrategy holds exactly one update strategy.
type RolloutStrategy struct {
	// BlueGreen runs the new revision beside the old one and switches the
	// active Service to it at once.
	// +optional
	BlueGreen *BlueGreenStrategy `json:"blueGreen,omitempty"`
	// Canary moves traffic or replicas to the new revision in steps.
	// +optional
	Canary *CanaryStrategy `json:"canary,omitempty"`
}

// BlueGreenStrategy brings up the new revision behind a preview Service,
// then points the active Service at it.
type BlueGreenStrategy struct {
	// ActiveService is the Service that carries production traffic; its
	// selector is switched to the new revision on promotion.
	ActiveService string `json:"activeService"`
	// PreviewService, when set, always selects the newest revision.
	// +optional
	PreviewService string `json:"previewService,omitempty"`
	// PreviewReplicaCount is how many pods the new revision runs before
	// promotion (default: all of spec.replicas).
	// +optional
	PreviewReplicaCount *int32 `json:"previewReplicaCount,omitempty"`
	// AutoPromotionEnabled promotes as soon as the new revision is ready
	// (default true); false pauses before the switch.
	// +optional
	AutoPromotionEnabled *bool `json:"autoPromotionEnabled,omitempty"`
	// AutoPromotionSeconds promotes this many seconds after the pause
	// before the switch began (default 0: wait for a promote).
	// +optional
	AutoPromotionSeconds int32 `json:"autoPromotionSeconds,omitempty"`
	// MaxUnavailable is how many pods, a number or a percentage, may be
	// unavailable during a restart.
	// +optional
	MaxUnavailable *intstr.IntOrString `json:"maxUnavailable,omitempty"`
	// ScaleDownDelaySeconds is how long the old revision keeps running
	// after the switch (default 30), for a fast rollback.
	// +optional
	ScaleDownDelaySeconds *int32 `json:"scaleDownDelaySeconds,omitempty"`
	// ScaleDownDelayRevisionLimit is how many old revisions may keep
	// running during their scale-down delay.
	// +optional
	ScaleDownDelayRevisionLimit *int32 `json:"scaleDownDelayRevisionLimit,omitempty"`
	// PrePromotionAnalysis must succeed before the active Service switches.
	// +optional
	PrePromotionAnalysis *RolloutAnalysis `json:"prePromotionAnalysis,omitempty"`
	// AntiAffinity keeps new pods off the nodes of the previous revision.
	// +optional
	AntiAffinity *AntiAffinity `json:"antiAffinity,omitempty"`
	// PostPromotionAnalysis runs after the switch; its failure switches back.
	// +optional
	PostPromotionAnalysis *RolloutAnalysis `json:"postPromotionAnalysis,omitempty"`
	// PreviewMetadata is added to the new revision's pods while they are the preview.
	// +optional
	PreviewMetadata *PodTemplateMetadata `json:"previewMetadata,omitempty"`
	// ActiveMetadata is added to the pods the active Service selects.
	// +optional
	ActiveMetadata *PodTemplateMetadata `json:"activeMetadata,omitempty"`
	// AbortScaleDownDelaySeconds is how long the preview revision keeps
	// running after an abort (default 30; 0 keeps it).
	// +optional
	AbortScaleDownDelaySeconds *int32 `json:"abortScaleDownDelaySeconds,omitempty"`
}

// AntiAffinity asks that new pods avoid nodes running the previous revision.
type AntiAffinity struct {
	// PreferredDuringSchedulingIgnoredDuringExecution makes it a weighted preference.
	// +optional
	PreferredDuringSchedulingIgnoredDuringExecution *PreferredDuringSchedulingIgnoredDuringExecution `json:"preferredDuringSchedulingIgnoredDuringExecution,omitempty"`
	// RequiredDuringSchedulingIgnoredDuringExecution makes it a hard rule.
	// +optional
	RequiredDuringSchedulingIgnoredDuringExecution *RequiredDuringSchedulingIgnoredDuringExecution `json:"requiredDuringSchedulingIgnoredDuringExecution,omitempty"`
}

// PreferredDuringSchedulingIgnoredDuringExecution is a soft anti-affinity.
type PreferredDuringSchedulingIgnoredDuringExecution struct {
	// Weight of the preference, 1 to 100.
	Weight int32 `json:"weight"`
}

// RequiredDuringSchedulingIgnoredDuringExecution is a hard anti-affinity; it has no settings.
type RequiredDuringSchedulingIgnoredDuringExecution struct{}

// PodTemplateMetadata is labels and annotations added to pods in a role.
type PodTemplateMetadata struct {
	// Labels to add.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations to add.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// CanaryStrategy moves the new revision in through a list of steps.
type CanaryStrategy struct {
	// CanaryService is a Service the controller points at the new revision.
	// Required with traffic routing.
	// +optional
	CanaryService string `json:"canaryService,omitempty"`
	// StableService is a Service the controller points at the stable
	// revision. Required with traffic routing.
	// +optional
	StableService string `json:"stableService,omitempty"`
	// Steps are run in order; without steps an update behaves like a
	// Deployment's rolling update.
	// +optional
	Steps []CanaryStep `json:"steps,omitempty"`
	// TrafficRouting splits traffic through a mesh or ingress instead of
	// by replica counts.
	// +optional
	TrafficRouting *RolloutTrafficRouting `json:"trafficRouting,omitempty"`
	// MaxUnavailable is how many pods, a number or a percentage, may be
	// unavailable during the update (default 25%).
	// +optional
	MaxUnavailable *intstr.IntOrString `json:"maxUnavailable,omitempty"`
	// MaxSurge is how many pods, a number or a percentage, may run above
	// spec.replicas during the update (default 25%).
	// +optional
	MaxSurge *intstr.IntOrString `json:"maxSurge,omitempty"`
	// Analysis runs in the background for the whole update; its failure aborts.
	// +optional
	Analysis *RolloutAnalysisBackground `json:"analysis,omitempty"`
	// AntiAffinity keeps new pods off the nodes of the previous revision.
	// +optional
	AntiAffinity *AntiAffinity `json:"antiAffinity,omitempty"`
	// CanaryMetadata is added to the new revision's pods while they are the canary.
	// +optional
	CanaryMetadata *PodTemplateMetadata `json:"canaryMetadata,omitempty"`
	// StableMetadata is added to the stable revision's pods.
	// +optional
	StableMetadata *PodTemplateMetadata `json:"stableMetadata,omitempty"`
	// ScaleDownDelaySeconds is how long the old revision keeps running after
	// the stable Service switches (default 30, with traffic routing only).
	// +optional
	ScaleDownDelaySeconds *int32 `json:"scaleDownDelaySeconds,omitempty"`
	// ScaleDownDelayRevisionLimit is how many old revisions may keep
	// running during their scale-down delay.
	// +optional
	ScaleDownDelayRevisionLimit *int32 `json:"scaleDownDelayRevisionLimit,omitempty"`
	// AbortScaleDownDelaySeconds is how long the canary keeps running after
	// an abort (default 30, with traffic routing; 0 keeps it).
	// +optional
	AbortScaleDownDelaySeconds *int32 `json:"abortScaleDownDelaySeconds,omitempty"`
	// DynamicStableScale scales the stable revision down as the canary's
	// traffic weight rises (traffic routing only; default false).
	// +optional
	DynamicStableScale bool `json:"dynamicStableScale,omitempty"`
	// PingPong alternates two Services between stable and canary instead
	// of changing selectors.
	// +optional
	PingPong *PingPongSpec `json:"pingPong,omitempty"`
	// MinPodsPerReplicaSet is the fewest pods the canary and the stable
	// revision each run under traffic routing.
	// +optional
	MinPodsPerReplicaSet *int32 `json:"minPodsPerReplicaSet,omitempty"`
	// ReplicaProgressThreshold is how many new pods must be available
	// before the next step (default: all).
	// +optional
	ReplicaProgressThreshold *ReplicaProgressThreshold `json:"replicaProgressThreshold,omitempty"`
}

// PingPongSpec names the two Services that take turns as stable and canary.
type PingPongSpec struct {
	// PingService is one of the two Services.
	PingService string `json:"pingService"`
	// PongService is the other.
	PongService string `json:"pongService"`
}

// ProgressType is the unit of a ReplicaProgressThreshold.
type ProgressType string

// The units of a ReplicaProgressThreshold.
const (
	// ProgressTypePercent counts a percentage of the desired pods.
	ProgressTypePercent ProgressType = "Percent"
	// ProgressTypePods counts pods.
	ProgressTypePods ProgressType = "Pods"
)

// ReplicaProgressThreshold is the availability a step needs before the next.
type ReplicaProgressThreshold struct {
	// Type is Percent or Pods.
	Type ProgressType `json:"type"`
	// Value is the percentage or the number of pods.
	Value int32 `json:"value"`
}
