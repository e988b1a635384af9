package v1alpha1

import (
	"encoding/json"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RolloutStatus is what the controller observed and where the update stands.
// Users and tools also write a few fields through the status subresource:
// abort, pauseConditions, promoteFull and currentStepIndex.
type RolloutStatus struct {
	// Abort, set by a user, stops the update and returns all traffic to the stable revision.
	// +optional
	Abort bool `json:"abort,omitempty"`
	// PauseConditions are the reasons the update is paused, with when each began.
	// +optional
	PauseConditions []PauseCondition `json:"pauseConditions,omitempty"`
	// ControllerPause says the controller, not a user, paused the update.
	// +optional
	ControllerPause bool `json:"controllerPause,omitempty"`
	// AbortedAt is when the update was aborted.
	// +optional
	AbortedAt *metav1.Time `json:"abortedAt,omitempty"`
	// CurrentPodHash is the pod-template hash of the newest revision.
	// +optional
	CurrentPodHash string `json:"currentPodHash,omitempty"`
	// CurrentStepHash is a hash of the canary steps; a change restarts them.
	// +optional
	CurrentStepHash string `json:"currentStepHash,omitempty"`
	// Replicas is the number of pods, every revision counted.
	// +optional
	Replicas int32 `json:"replicas,omitempty"`
	// UpdatedReplicas is the number of pods of the newest revision.
	// +optional
	UpdatedReplicas int32 `json:"updatedReplicas,omitempty"`
	// ReadyReplicas is the number of ready pods.
	// +optional
	ReadyReplicas int32 `json:"readyReplicas,omitempty"`
	// AvailableReplicas is the number of pods ready for at least minReadySeconds.
	// +optional
	AvailableReplicas int32 `json:"availableReplicas,omitempty"`
	// CurrentStepIndex is the index of the canary step being run; it
	// equals the number of steps when all are done.
	// +optional
	CurrentStepIndex *int32 `json:"currentStepIndex,omitempty"`
	// CollisionCount counts hash collisions between revisions; it is mixed
	// into the pod-template hash to make a new name.
	// +optional
	CollisionCount *int32 `json:"collisionCount,omitempty"`
	// ObservedGeneration is the metadata.generation last acted on, as a
	// string (Argo Rollouts' choice).
	// +optional
	ObservedGeneration string `json:"observedGeneration,omitempty"`
	// Conditions are the latest observations of the Rollout's state.
	// +optional
	Conditions []RolloutCondition `json:"conditions,omitempty"`
	// Canary is the canary strategy's state.
	// +optional
	Canary CanaryStatus `json:"canary,omitempty"`
	// BlueGreen is the blue-green strategy's state.
	// +optional
	BlueGreen BlueGreenStatus `json:"blueGreen,omitempty"`
	// HPAReplicas is the number of pods of the newest revision, as the
	// /scale subresource reports it to an HPA.
	// +optional
	HPAReplicas int32 `json:"HPAReplicas,omitempty"`
	// Selector is spec.selector as a string, for the /scale subresource.
	// +optional
	Selector string `json:"selector,omitempty"`
	// StableRS is the pod-template hash of the stable revision.
	// +optional
	StableRS string `json:"stableRS,omitempty"`
	// RestartedAt is when the last restart finished.
	// +optional
	RestartedAt *metav1.Time `json:"restartedAt,omitempty"`
	// PromoteFull, set by a user, skips the remaining steps, pauses and analyses.
	// +optional
	PromoteFull bool `json:"promoteFull,omitempty"`
	// Phase sums the state up: Healthy, Progressing, Paused or Degraded.
	// Trust it only when observedGeneration matches metadata.generation.
	// +optional
	Phase RolloutPhase `json:"phase,omitempty"`
	// Message explains the phase.
	// +optional
	Message string `json:"message,omitempty"`
	// WorkloadObservedGeneration is the generation of spec.workloadRef's object last read.
	// +optional
	WorkloadObservedGeneration string `json:"workloadObservedGeneration,omitempty"`
	// ALB is the load balancer and target groups of ALB traffic routing.
	// +optional
	ALB *ALBStatus `json:"alb,omitempty"`
	// ALBs is the same for each of several Ingresses.
	// +optional
	ALBs []ALBStatus `json:"albs,omitempty"`
	// Duration times the current or last update.
	// +optional
	Duration *RolloutDurationStatus `json:"duration,omitempty"`
}

// RolloutPhase sums up a Rollout's state.
type RolloutPhase string

// The phases of a Rollout.
const (
	// RolloutPhaseHealthy means the newest revision is fully promoted and available.
	RolloutPhaseHealthy RolloutPhase = "Healthy"
	// RolloutPhaseDegraded means the update was aborted, failed its
	// deadline, or the spec is invalid.
	RolloutPhaseDegraded RolloutPhase = "Degraded"
	// RolloutPhaseProgressing means the update is under way.
	RolloutPhaseProgressing RolloutPhase = "Progressing"
	// RolloutPhasePaused means a step, a user or an analysis paused the update.
	RolloutPhasePaused RolloutPhase = "Paused"
)

// PauseReason is why an update paused.
type PauseReason string

// The reasons an update pauses.
const (
	// PauseReasonInconclusiveAnalysis: an AnalysisRun ended Inconclusive.
	PauseReasonInconclusiveAnalysis PauseReason = "InconclusiveAnalysisRun"
	// PauseReasonInconclusiveExperiment: an Experiment ended Inconclusive.
	PauseReasonInconclusiveExperiment PauseReason = "InconclusiveExperiment"
	// PauseReasonCanaryPauseStep: a pause step.
	PauseReasonCanaryPauseStep PauseReason = "CanaryPauseStep"
	// PauseReasonBlueGreenPause: a blue-green update waiting for promotion.
	PauseReasonBlueGreenPause PauseReason = "BlueGreenPause"
)

// PauseCondition is one reason for a pause.
type PauseCondition struct {
	// Reason of the pause.
	Reason PauseReason `json:"reason"`
	// StartTime is when the pause began.
	StartTime metav1.Time `json:"startTime"`
}

// RolloutConditionType is the type of a Rollout condition.
type RolloutConditionType string

// The condition types of a Rollout.
const (
	// RolloutConditionInvalidSpec: the spec cannot be acted on.
	RolloutConditionInvalidSpec RolloutConditionType = "InvalidSpec"
	// RolloutConditionAvailable: enough pods are available.
	RolloutConditionAvailable RolloutConditionType = "Available"
	// RolloutConditionProgressing: the update is making progress, or failed its deadline.
	RolloutConditionProgressing RolloutConditionType = "Progressing"
	// RolloutConditionReplicaFailure: a pod could not be created.
	RolloutConditionReplicaFailure RolloutConditionType = "ReplicaFailure"
	// RolloutConditionPaused: the update is paused.
	RolloutConditionPaused RolloutConditionType = "Paused"
	// RolloutConditionCompleted: the newest revision is fully promoted.
	RolloutConditionCompleted RolloutConditionType = "Completed"
	// RolloutConditionHealthy: the Rollout is Healthy.
	RolloutConditionHealthy RolloutConditionType = "Healthy"
)

// RolloutCondition is an observation of a Rollout's state.
type RolloutCondition struct {
	// Type of the condition.
	Type RolloutConditionType `json:"type"`
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

// RolloutDurationStatus times an update.
type RolloutDurationStatus struct {
	// RolloutStartedAt is when the update began.
	// +optional
	RolloutStartedAt *metav1.Time `json:"rolloutStartedAt,omitempty"`
	// ManualPauseStartedAt is when the current manual pause began.
	// +optional
	ManualPauseStartedAt *metav1.Time `json:"manualPauseStartedAt,omitempty"`
	// TotalManualPauseDurationSeconds is the time spent in manual pauses.
	// +optional
	TotalManualPauseDurationSeconds *int64 `json:"totalManualPauseDurationSeconds,omitempty"`
	// FinishedAt is when the update ended.
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`
	// CompletionStatus is how it ended.
	// +optional
	CompletionStatus *CompletionStatus `json:"completionStatus,omitempty"`
}

// CompletionStatus is how an update ended.
type CompletionStatus string

// The ways an update ends.
const (
	// CompletionStatusPromoted: every step ran and the revision became stable.
	CompletionStatusPromoted CompletionStatus = "Promoted"
	// CompletionStatusFastPromoted: a full promotion skipped the remaining steps.
	CompletionStatusFastPromoted CompletionStatus = "FastPromoted"
	// CompletionStatusAborted: the update was aborted.
	CompletionStatusAborted CompletionStatus = "Aborted"
	// CompletionStatusSuperseded: a newer revision replaced it mid-way.
	CompletionStatusSuperseded CompletionStatus = "Superseded"
	// CompletionStatusRolledBack: the template returned to an older revision.
	CompletionStatusRolledBack CompletionStatus = "RolledBack"
	// CompletionStatusFastRolledBack: a rollback within the rollback window.
	CompletionStatusFastRolledBack CompletionStatus = "FastRolledBack"
)

// BlueGreenStatus is the state of a blue-green update.
type BlueGreenStatus struct {
	// PreviewSelector is the hash the preview Service selects.
	// +optional
	PreviewSelector string `json:"previewSelector,omitempty"`
	// ActiveSelector is the hash the active Service selects.
	// +optional
	ActiveSelector string `json:"activeSelector,omitempty"`
	// ScaleUpPreviewCheckPoint says the preview was scaled to full size before promotion.
	// +optional
	ScaleUpPreviewCheckPoint bool `json:"scaleUpPreviewCheckPoint,omitempty"`
	// PrePromotionAnalysisRunStatus is the pre-promotion AnalysisRun.
	// +optional
	PrePromotionAnalysisRunStatus *RolloutAnalysisRunStatus `json:"prePromotionAnalysisRunStatus,omitempty"`
	// PostPromotionAnalysisRunStatus is the post-promotion AnalysisRun.
	// +optional
	PostPromotionAnalysisRunStatus *RolloutAnalysisRunStatus `json:"postPromotionAnalysisRunStatus,omitempty"`
}

// CanaryStatus is the state of a canary update.
type CanaryStatus struct {
	// CurrentStepAnalysisRunStatus is the current analysis step's AnalysisRun.
	// +optional
	CurrentStepAnalysisRunStatus *RolloutAnalysisRunStatus `json:"currentStepAnalysisRunStatus,omitempty"`
	// CurrentBackgroundAnalysisRunStatus is the background AnalysisRun.
	// +optional
	CurrentBackgroundAnalysisRunStatus *RolloutAnalysisRunStatus `json:"currentBackgroundAnalysisRunStatus,omitempty"`
	// CurrentExperiment is the name of the current step's Experiment.
	// +optional
	CurrentExperiment string `json:"currentExperiment,omitempty"`
	// Weights are the traffic weights last written to the router.
	// +optional
	Weights *TrafficWeights `json:"weights,omitempty"`
	// StablePingPong is which ping-pong Service is stable: ping or pong.
	// +optional
	StablePingPong PingPongType `json:"stablePingPong,omitempty"`
	// StepPluginStatuses are the states of plugin steps.
	// +optional
	StepPluginStatuses []StepPluginStatus `json:"stepPluginStatuses,omitempty"`
}

// PingPongType names one of the two ping-pong Services.
type PingPongType string

// The ping-pong Services.
const (
	// PingPongPing is the ping Service.
	PingPongPing PingPongType = "ping"
	// PingPongPong is the pong Service.
	PingPongPong PingPongType = "pong"
)

// TrafficWeights are the weights of the canary, the stable revision and
// experiments, as written to the traffic router.
type TrafficWeights struct {
	// Canary is the canary's weight.
	Canary WeightDestination `json:"canary"`
	// Stable is the stable revision's weight.
	Stable WeightDestination `json:"stable"`
	// Additional are the weights of experiment ReplicaSets.
	// +optional
	Additional []WeightDestination `json:"additional,omitempty"`
	// Verified says the load balancer was seen to apply the weights (ALB only).
	// +optional
	Verified *bool `json:"verified,omitempty"`
}

// WeightDestination is where a share of traffic goes.
type WeightDestination struct {
	// Weight is the share, out of maxTrafficWeight.
	Weight int32 `json:"weight"`
	// ServiceName of the Service receiving it.
	// +optional
	ServiceName string `json:"serviceName,omitempty"`
	// PodTemplateHash of the revision receiving it.
	// +optional
	PodTemplateHash string `json:"podTemplateHash,omitempty"`
}

// RolloutAnalysisRunStatus is an AnalysisRun a Rollout made and its phase.
type RolloutAnalysisRunStatus struct {
	// Name of the AnalysisRun.
	Name string `json:"name"`
	// Status is its phase.
	Status AnalysisPhase `json:"status"`
	// Message is its message.
	// +optional
	Message string `json:"message,omitempty"`
}

// StepPluginStatus is the state of one operation of a plugin step.
type StepPluginStatus struct {
	// Index of the step.
	Index int32 `json:"index"`
	// Name of the plugin.
	Name string `json:"name"`
	// Operation is Run, Terminate or Abort.
	Operation StepPluginOperation `json:"operation"`
	// Phase is Running, Successful, Failed or Error.
	// +optional
	Phase StepPluginPhase `json:"phase,omitempty"`
	// Message from the plugin.
	// +optional
	Message string `json:"message,omitempty"`
	// StartedAt is when the operation began.
	// +optional
	StartedAt *metav1.Time `json:"startedAt,omitempty"`
	// UpdatedAt is when the plugin last reported.
	// +optional
	UpdatedAt *metav1.Time `json:"updatedAt,omitempty"`
	// FinishedAt is when the operation ended.
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`
	// Backoff is the wait before the plugin is called again ("30s").
	// +optional
	Backoff DurationString `json:"backoff,omitempty"`
	// Executions counts the calls made.
	// +optional
	Executions int32 `json:"executions,omitempty"`
	// Disabled says the plugin is no longer configured.
	// +optional
	Disabled bool `json:"disabled,omitempty"`
	// Status is the plugin's own state, kept as it wrote it.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	Status json.RawMessage `json:"status,omitempty"`
}

// StepPluginPhase is the phase of a plugin step operation.
type StepPluginPhase string

// The phases of a plugin step operation.
const (
	// StepPluginPhaseRunning: the plugin is working.
	StepPluginPhaseRunning StepPluginPhase = "Running"
	// StepPluginPhaseSuccessful: it succeeded.
	StepPluginPhaseSuccessful StepPluginPhase = "Successful"
	// StepPluginPhaseFailed: it failed.
	StepPluginPhaseFailed StepPluginPhase = "Failed"
	// StepPluginPhaseError: it could not be run.
	StepPluginPhaseError StepPluginPhase = "Error"
)

// StepPluginOperation is what a plugin step was asked to do.
type StepPluginOperation string

// The operations of a plugin step.
const (
	// StepPluginOperationRun runs the step.
	StepPluginOperationRun StepPluginOperation = "Run"
	// StepPluginOperationTerminate stops it.
	StepPluginOperationTerminate StepPluginOperation = "Terminate"
	// StepPluginOperationAbort undoes it after an abort.
	StepPluginOperationAbort StepPluginOperation = "Abort"
)

// ALBStatus is the AWS load balancer and target groups of an ALB Ingress.
type ALBStatus struct {
	// LoadBalancer behind the Ingress.
	// +optional
	LoadBalancer AwsResourceRef `json:"loadBalancer,omitempty"`
	// CanaryTargetGroup is the canary Service's target group.
	// +optional
	CanaryTargetGroup AwsResourceRef `json:"canaryTargetGroup,omitempty"`
	// StableTargetGroup is the stable Service's target group.
	// +optional
	StableTargetGroup AwsResourceRef `json:"stableTargetGroup,omitempty"`
	// Ingress is the Ingress's name.
	// +optional
	Ingress string `json:"ingress,omitempty"`
}

// AwsResourceRef names an AWS resource.
type AwsResourceRef struct {
	// Name of the resource.
	Name string `json:"name"`
	// ARN of the resource.
	ARN string `json:"arn"`
	// FullName is the name with its load balancer prefix.
	// +optional
	FullName string `json:"fullName"`
}
