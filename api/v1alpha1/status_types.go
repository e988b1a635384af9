package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SyncStatusCode says whether live state matches the desired state.
type SyncStatusCode string

// Sync status codes.
const (
	SyncStatusCodeUnknown   SyncStatusCode = "Unknown"
	SyncStatusCodeSynced    SyncStatusCode = "Synced"
	SyncStatusCodeOutOfSync SyncStatusCode = "OutOfSync"
)

// HealthStatusCode is the health of a resource or an application.
type HealthStatusCode string

// Health status codes, in Argo CD's order from best to worst.
const (
	HealthStatusUnknown     HealthStatusCode = "Unknown"
	HealthStatusProgressing HealthStatusCode = "Progressing"
	HealthStatusHealthy     HealthStatusCode = "Healthy"
	HealthStatusSuspended   HealthStatusCode = "Suspended"
	HealthStatusDegraded    HealthStatusCode = "Degraded"
	HealthStatusMissing     HealthStatusCode = "Missing"
)

// ApplicationStatus is what the controller observed of an Application.
type ApplicationStatus struct {
	// Resources are the application's resources with their sync and health status.
	// +optional
	Resources []ResourceStatus `json:"resources,omitempty"`
	// Sync is the comparison result.
	// +optional
	Sync SyncStatus `json:"sync,omitempty"`
	// Health is the aggregated health.
	// +optional
	Health AppHealthStatus `json:"health,omitempty"`
	// History holds the last syncs, newest last.
	// +optional
	History RevisionHistories `json:"history,omitempty"`
	// Conditions are errors and warnings.
	// +optional
	Conditions []ApplicationCondition `json:"conditions,omitempty"`
	// ReconciledAt is when the application was last compared.
	// +optional
	ReconciledAt *metav1.Time `json:"reconciledAt,omitempty"`
	// OperationState is the state of the current or last operation.
	// +optional
	OperationState *OperationState `json:"operationState,omitempty"`
	// ObservedAt is deprecated and kept for compatibility.
	// +optional
	ObservedAt *metav1.Time `json:"observedAt,omitempty"`
	// SourceType is the rendering tool of the (first) source.
	// +optional
	SourceType ApplicationSourceType `json:"sourceType,omitempty"`
	// Summary lists images and external URLs.
	// +optional
	Summary ApplicationSummary `json:"summary,omitempty"`
	// ResourceHealthSource is where resource health is kept: "" (inline) or "appTree".
	// +optional
	ResourceHealthSource ResourceHealthLocation `json:"resourceHealthSource,omitempty"`
	// SourceTypes are the rendering tools of each source.
	// +optional
	SourceTypes []ApplicationSourceType `json:"sourceTypes,omitempty"`
	// ControllerNamespace is the namespace of the controller that reconciles the application.
	// +optional
	ControllerNamespace string `json:"controllerNamespace,omitempty"`
	// SourceHydrator is the state of the source hydrator.
	// +optional
	SourceHydrator SourceHydratorStatus `json:"sourceHydrator,omitempty"`
}

// ResourceHealthLocation is where resource health is stored.
type ResourceHealthLocation string

// AppHealthStatus is the health of an application.
type AppHealthStatus struct {
	// Status code.
	// +optional
	Status HealthStatusCode `json:"status,omitempty"`
	// Message is deprecated in Argo CD v3 and kept for compatibility.
	// +optional
	Message string `json:"message,omitempty"`
	// LastTransitionTime is when Status last changed.
	// +optional
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
}

// HealthStatus is the health of one resource.
type HealthStatus struct {
	// Status code.
	// +optional
	Status HealthStatusCode `json:"status,omitempty"`
	// Message explains the status.
	// +optional
	Message string `json:"message,omitempty"`
	// LastTransitionTime is when Status last changed.
	// +optional
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
}

// ResourceStatus is the sync and health status of one resource.
type ResourceStatus struct {
	// Group of the resource.
	// +optional
	Group string `json:"group,omitempty"`
	// Version of the resource.
	// +optional
	Version string `json:"version,omitempty"`
	// Kind of the resource.
	// +optional
	Kind string `json:"kind,omitempty"`
	// Namespace of the resource.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// Name of the resource.
	// +optional
	Name string `json:"name,omitempty"`
	// Status is the resource's sync status.
	// +optional
	Status SyncStatusCode `json:"status,omitempty"`
	// Health of the resource.
	// +optional
	Health *HealthStatus `json:"health,omitempty"`
	// Hook is true for hook resources.
	// +optional
	Hook bool `json:"hook,omitempty"`
	// RequiresPruning is true for live resources that are no longer desired.
	// +optional
	RequiresPruning bool `json:"requiresPruning,omitempty"`
	// SyncWave of the resource.
	// +optional
	SyncWave int64 `json:"syncWave,omitempty"`
	// RequiresDeletionConfirmation is true when deleting it waits for a confirmation.
	// +optional
	RequiresDeletionConfirmation bool `json:"requiresDeletionConfirmation,omitempty"`
}

// SyncStatus is the result of comparing desired and live state.
type SyncStatus struct {
	// Status of the comparison.
	Status SyncStatusCode `json:"status"`
	// ComparedTo is the spec the comparison used.
	// +optional
	ComparedTo ComparedTo `json:"comparedTo,omitempty"`
	// Revision is the resolved revision of a single source.
	// +optional
	Revision string `json:"revision,omitempty"`
	// Revisions are the resolved revisions of each source.
	// +optional
	Revisions []string `json:"revisions,omitempty"`
}

// ComparedTo is the part of the spec a comparison was made with.
type ComparedTo struct {
	// Source compared with.
	// +optional
	Source ApplicationSource `json:"source,omitempty"`
	// Destination compared with.
	Destination ApplicationDestination `json:"destination"`
	// Sources compared with.
	// +optional
	Sources ApplicationSources `json:"sources,omitempty"`
	// IgnoreDifferences in force.
	// +optional
	IgnoreDifferences IgnoreDifferences `json:"ignoreDifferences,omitempty"`
}

// RevisionHistories are past syncs.
type RevisionHistories []RevisionHistory

// RevisionHistory is one past sync.
type RevisionHistory struct {
	// Revision synced (single source).
	// +optional
	Revision string `json:"revision,omitempty"`
	// DeployedAt is when the sync finished.
	DeployedAt metav1.Time `json:"deployedAt"`
	// ID identifies the entry for rollback.
	ID int64 `json:"id"`
	// Source synced (single source).
	// +optional
	Source ApplicationSource `json:"source,omitempty"`
	// DeployStartedAt is when the sync started.
	// +optional
	DeployStartedAt *metav1.Time `json:"deployStartedAt,omitempty"`
	// Sources synced.
	// +optional
	Sources ApplicationSources `json:"sources,omitempty"`
	// Revisions synced.
	// +optional
	Revisions []string `json:"revisions,omitempty"`
	// InitiatedBy is who started the sync.
	// +optional
	InitiatedBy OperationInitiator `json:"initiatedBy,omitempty"`
}

// ApplicationConditionType is the type of an application condition.
type ApplicationConditionType = string

// Condition types Argo CD sets on applications.
const (
	ApplicationConditionDeletionError           ApplicationConditionType = "DeletionError"
	ApplicationConditionInvalidSpecError        ApplicationConditionType = "InvalidSpecError"
	ApplicationConditionComparisonError         ApplicationConditionType = "ComparisonError"
	ApplicationConditionSyncError               ApplicationConditionType = "SyncError"
	ApplicationConditionUnknownError            ApplicationConditionType = "UnknownError"
	ApplicationConditionSharedResourceWarning   ApplicationConditionType = "SharedResourceWarning"
	ApplicationConditionRepeatedResourceWarning ApplicationConditionType = "RepeatedResourceWarning"
	ApplicationConditionExcludedResourceWarning ApplicationConditionType = "ExcludedResourceWarning"
	ApplicationConditionOrphanedResourceWarning ApplicationConditionType = "OrphanedResourceWarning"
)

// ApplicationCondition is an error or warning on an application.
type ApplicationCondition struct {
	// Type of the condition.
	Type ApplicationConditionType `json:"type"`
	// Message says what is wrong.
	Message string `json:"message"`
	// LastTransitionTime is when the condition was first seen.
	// +optional
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
}

// ApplicationSummary lists what an application exposes and runs.
type ApplicationSummary struct {
	// ExternalURLs of Ingresses and annotated resources.
	// +optional
	ExternalURLs []string `json:"externalURLs,omitempty"`
	// Images run by the application's workloads.
	// +optional
	Images []string `json:"images,omitempty"`
}

// SourceHydratorStatus is the state of the source hydrator.
type SourceHydratorStatus struct {
	// LastSuccessfulOperation is the last hydration that succeeded.
	// +optional
	LastSuccessfulOperation *SuccessfulHydrateOperation `json:"lastSuccessfulOperation,omitempty"`
	// CurrentOperation is the hydration in progress or last run.
	// +optional
	CurrentOperation *HydrateOperation `json:"currentOperation,omitempty"`
}

// HydrateOperationPhase is the phase of a hydration.
// +kubebuilder:validation:Enum=Hydrating;Failed;Hydrated
type HydrateOperationPhase string

// HydrateOperation is one hydration.
type HydrateOperation struct {
	// StartedAt is when it started.
	// +optional
	StartedAt metav1.Time `json:"startedAt,omitempty"`
	// FinishedAt is when it finished.
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`
	// Phase of the hydration.
	Phase HydrateOperationPhase `json:"phase"`
	// Message about the hydration.
	Message string `json:"message"`
	// DrySHA is the dry commit hydrated.
	// +optional
	DrySHA string `json:"drySHA,omitempty"`
	// HydratedSHA is the commit written.
	// +optional
	HydratedSHA string `json:"hydratedSHA,omitempty"`
	// SourceHydrator is the configuration used.
	// +optional
	SourceHydrator SourceHydrator `json:"sourceHydrator,omitempty"`
}

// SuccessfulHydrateOperation is a hydration that succeeded.
type SuccessfulHydrateOperation struct {
	// DrySHA is the dry commit hydrated.
	// +optional
	DrySHA string `json:"drySHA,omitempty"`
	// HydratedSHA is the commit written.
	// +optional
	HydratedSHA string `json:"hydratedSHA,omitempty"`
	// SourceHydrator is the configuration used.
	// +optional
	SourceHydrator SourceHydrator `json:"sourceHydrator,omitempty"`
}
