package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Operation is a request to the controller, today always a sync.
type Operation struct {
	// Sync asks for a sync.
	// +optional
	Sync *SyncOperation `json:"sync,omitempty"`
	// InitiatedBy is who asked.
	// +optional
	InitiatedBy OperationInitiator `json:"initiatedBy,omitempty"`
	// Info is free-form information about the operation.
	// +optional
	Info []*Info `json:"info,omitempty"`
	// Retry controls retries of a failed operation.
	// +optional
	Retry RetryStrategy `json:"retry,omitempty"`
}

// OperationInitiator is who started an operation.
type OperationInitiator struct {
	// Username of a person.
	// +optional
	Username string `json:"username,omitempty"`
	// Automated is true when the controller started it.
	// +optional
	Automated bool `json:"automated,omitempty"`
}

// SyncOperation is a sync request.
type SyncOperation struct {
	// Revision to sync (single source).
	// +optional
	Revision string `json:"revision,omitempty"`
	// Prune deletes resources no longer desired.
	// +optional
	Prune bool `json:"prune,omitempty"`
	// DryRun only reports what would change.
	// +optional
	DryRun bool `json:"dryRun,omitempty"`
	// SyncStrategy is apply or hook.
	// +optional
	SyncStrategy *SyncStrategy `json:"syncStrategy,omitempty"`
	// Resources limits the sync to these resources.
	// +optional
	Resources []SyncOperationResource `json:"resources,omitempty"`
	// Source overrides the application's source (rollback).
	// +optional
	Source *ApplicationSource `json:"source,omitempty"`
	// Manifests are applied instead of rendering the source.
	// +optional
	Manifests []string `json:"manifests,omitempty"`
	// SyncOptions for this sync.
	// +optional
	SyncOptions SyncOptions `json:"syncOptions,omitempty"`
	// Sources override the application's sources (rollback).
	// +optional
	Sources ApplicationSources `json:"sources,omitempty"`
	// Revisions to sync, one per source.
	// +optional
	Revisions []string `json:"revisions,omitempty"`
	// SelfHealAttemptsCount counts self-heal attempts, for their backoff.
	// +optional
	SelfHealAttemptsCount int64 `json:"autoHealAttemptsCount,omitempty"`
}

// SyncOperationResource names one resource to sync.
type SyncOperationResource struct {
	// Group of the resource.
	// +optional
	Group string `json:"group,omitempty"`
	// Kind of the resource.
	Kind string `json:"kind"`
	// Name of the resource.
	Name string `json:"name"`
	// Namespace of the resource.
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// SyncStrategy is how resources are synced.
type SyncStrategy struct {
	// Apply uses kubectl-apply semantics and skips hooks.
	// +optional
	Apply *SyncStrategyApply `json:"apply,omitempty"`
	// Hook runs hooks as well (the default).
	// +optional
	Hook *SyncStrategyHook `json:"hook,omitempty"`
}

// SyncStrategyApply is the apply strategy.
type SyncStrategyApply struct {
	// Force deletes and re-creates resources that cannot be patched.
	// +optional
	Force bool `json:"force,omitempty"`
}

// SyncStrategyHook is the hook strategy.
type SyncStrategyHook struct {
	SyncStrategyApply `json:",inline"`
}

// OperationPhase is the phase of an operation or a hook.
type OperationPhase string

// Operation phases.
const (
	OperationRunning     OperationPhase = "Running"
	OperationTerminating OperationPhase = "Terminating"
	OperationFailed      OperationPhase = "Failed"
	OperationError       OperationPhase = "Error"
	OperationSucceeded   OperationPhase = "Succeeded"
)

// OperationState is the state of an operation.
type OperationState struct {
	// Operation being run.
	Operation Operation `json:"operation"`
	// Phase of the operation.
	Phase OperationPhase `json:"phase"`
	// Message about the operation.
	// +optional
	Message string `json:"message,omitempty"`
	// SyncResult is the result of a sync.
	// +optional
	SyncResult *SyncOperationResult `json:"syncResult,omitempty"`
	// StartedAt is when it started.
	StartedAt metav1.Time `json:"startedAt"`
	// FinishedAt is when it finished.
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`
	// RetryCount is how often it was retried.
	// +optional
	RetryCount int64 `json:"retryCount,omitempty"`
}

// SyncOperationResult is what a sync did.
type SyncOperationResult struct {
	// Resources are the per-resource results.
	// +optional
	Resources ResourceResults `json:"resources,omitempty"`
	// Revision synced.
	Revision string `json:"revision"`
	// Source synced.
	// +optional
	Source ApplicationSource `json:"source,omitempty"`
	// Sources synced.
	// +optional
	Sources ApplicationSources `json:"sources,omitempty"`
	// Revisions synced.
	// +optional
	Revisions []string `json:"revisions,omitempty"`
	// ManagedNamespaceMetadata applied to the created namespace.
	// +optional
	ManagedNamespaceMetadata *ManagedNamespaceMetadata `json:"managedNamespaceMetadata,omitempty"`
}

// ResourceResults are per-resource sync results.
type ResourceResults []*ResourceResult

// ResultCode is the result of syncing one resource.
type ResultCode string

// Result codes.
const (
	ResultCodeSynced       ResultCode = "Synced"
	ResultCodeSyncFailed   ResultCode = "SyncFailed"
	ResultCodePruned       ResultCode = "Pruned"
	ResultCodePruneSkipped ResultCode = "PruneSkipped"
)

// HookType is the kind of a hook.
type HookType string

// Hook types.
const (
	HookTypePreSync  HookType = "PreSync"
	HookTypeSync     HookType = "Sync"
	HookTypePostSync HookType = "PostSync"
	HookTypeSkip     HookType = "Skip"
	HookTypeSyncFail HookType = "SyncFail"
)

// SyncPhase is a phase of a sync.
type SyncPhase string

// Sync phases.
const (
	SyncPhasePreSync  SyncPhase = "PreSync"
	SyncPhaseSync     SyncPhase = "Sync"
	SyncPhasePostSync SyncPhase = "PostSync"
	SyncPhaseSyncFail SyncPhase = "SyncFail"
)

// ResourceResult is the result of syncing one resource.
type ResourceResult struct {
	// Group of the resource.
	Group string `json:"group"`
	// Version of the resource.
	Version string `json:"version"`
	// Kind of the resource.
	Kind string `json:"kind"`
	// Namespace of the resource.
	Namespace string `json:"namespace"`
	// Name of the resource.
	Name string `json:"name"`
	// Status of the sync of this resource.
	// +optional
	Status ResultCode `json:"status,omitempty"`
	// Message about it.
	// +optional
	Message string `json:"message,omitempty"`
	// HookType of a hook.
	// +optional
	HookType HookType `json:"hookType,omitempty"`
	// HookPhase is the state of a hook.
	// +optional
	HookPhase OperationPhase `json:"hookPhase,omitempty"`
	// SyncPhase the resource was synced in.
	// +optional
	SyncPhase SyncPhase `json:"syncPhase,omitempty"`
	// Images of the resource.
	// +optional
	Images []string `json:"images,omitempty"`
}
