package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Application is a group of Kubernetes objects rendered from one or more
// sources and kept in sync with a destination cluster and namespace.
//
// Argo CD's CRD has no status subresource: the controller writes status with
// ordinary updates, and so does Tiphys.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:path=applications,shortName=app;apps,categories=argoproj
// +kubebuilder:printcolumn:name="Sync Status",type=string,JSONPath=`.status.sync.status`
// +kubebuilder:printcolumn:name="Health Status",type=string,JSONPath=`.status.health.status`
// +kubebuilder:printcolumn:name="Revision",type=string,JSONPath=`.status.sync.revision`,priority=10
// +kubebuilder:printcolumn:name="Project",type=string,JSONPath=`.spec.project`,priority=10
type Application struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	// Spec is what the application should be.
	Spec ApplicationSpec `json:"spec"`
	// Status is what the controller last observed.
	// +optional
	Status ApplicationStatus `json:"status,omitempty"`
	// Operation asks the controller to run an operation (a sync) now.
	// +optional
	Operation *Operation `json:"operation,omitempty"`
}

// ApplicationList is a list of Applications.
//
// +kubebuilder:object:root=true
type ApplicationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	// Items are the Applications.
	Items []Application `json:"items"`
}

// ApplicationSpec is the desired state of an Application.
type ApplicationSpec struct {
	// Source is the single source of the manifests. Mutually exclusive with Sources.
	// +optional
	Source *ApplicationSource `json:"source,omitempty"`
	// Destination is the cluster and namespace the manifests go to.
	Destination ApplicationDestination `json:"destination"`
	// Project is the AppProject the application belongs to ("default" when empty).
	Project string `json:"project"`
	// SyncPolicy controls when and how a sync runs.
	// +optional
	SyncPolicy *SyncPolicy `json:"syncPolicy,omitempty"`
	// IgnoreDifferences lists fields left out of the comparison.
	// +optional
	IgnoreDifferences IgnoreDifferences `json:"ignoreDifferences,omitempty"`
	// Info is free-form information shown with the application.
	// +optional
	Info []Info `json:"info,omitempty"`
	// RevisionHistoryLimit bounds status.history (default 10).
	// +optional
	RevisionHistoryLimit *int64 `json:"revisionHistoryLimit,omitempty"`
	// Sources are several sources whose manifests are combined. Mutually exclusive with Source.
	// +optional
	Sources ApplicationSources `json:"sources,omitempty"`
	// SourceHydrator renders a dry source into a hydrated branch and syncs from it.
	// +optional
	SourceHydrator *SourceHydrator `json:"sourceHydrator,omitempty"`
}

// ApplicationDestination names a cluster, by server URL or by name, and a namespace.
type ApplicationDestination struct {
	// Server is the cluster's API server URL.
	// +optional
	Server string `json:"server,omitempty"`
	// Namespace is the default namespace of namespaced objects without one.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// Name is the cluster's name, an alternative to Server.
	// +optional
	Name string `json:"name,omitempty"`
}

// Info is a name and value shown with an application.
type Info struct {
	// Name of the entry.
	Name string `json:"name"`
	// Value of the entry.
	Value string `json:"value"`
}

// IgnoreDifferences lists resource fields that the comparison leaves out.
type IgnoreDifferences []ResourceIgnoreDifferences

// ResourceIgnoreDifferences selects resources and the fields of them to leave out of the comparison.
type ResourceIgnoreDifferences struct {
	// Group of the resources ("" is the core group).
	// +optional
	Group string `json:"group,omitempty"`
	// Kind of the resources.
	Kind string `json:"kind"`
	// Name of a single resource.
	// +optional
	Name string `json:"name,omitempty"`
	// Namespace of the resources.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// JSONPointers are RFC 6901 pointers to the ignored fields.
	// +optional
	JSONPointers []string `json:"jsonPointers,omitempty"`
	// JQPathExpressions are jq paths to the ignored fields.
	// +optional
	JQPathExpressions []string `json:"jqPathExpressions,omitempty"`
	// ManagedFieldsManagers are field managers whose fields are ignored.
	// +optional
	ManagedFieldsManagers []string `json:"managedFieldsManagers,omitempty"`
}

// SyncPolicy controls automated sync, sync options and retries.
type SyncPolicy struct {
	// Automated turns on sync whenever the application is out of sync.
	// +optional
	Automated *SyncPolicyAutomated `json:"automated,omitempty"`
	// SyncOptions are options such as CreateNamespace=true or ServerSideApply=true.
	// +optional
	SyncOptions SyncOptions `json:"syncOptions,omitempty"`
	// Retry controls retries of a failed sync.
	// +optional
	Retry *RetryStrategy `json:"retry,omitempty"`
	// ManagedNamespaceMetadata is set on a namespace created by CreateNamespace=true.
	// +optional
	ManagedNamespaceMetadata *ManagedNamespaceMetadata `json:"managedNamespaceMetadata,omitempty"`
}

// SyncOptions are "Key=value" sync options.
type SyncOptions []string

// SyncPolicyAutomated configures automated sync.
type SyncPolicyAutomated struct {
	// Prune deletes resources that are no longer in Git.
	// +optional
	Prune bool `json:"prune,omitempty"`
	// SelfHeal syncs again when the live state drifts from Git.
	// +optional
	SelfHeal bool `json:"selfHeal,omitempty"`
	// AllowEmpty allows a sync that would leave the application with no resources.
	// +optional
	AllowEmpty bool `json:"allowEmpty,omitempty"`
	// Enabled switches automated sync off without removing its settings (default true).
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// RetryStrategy controls retries of a failed sync.
type RetryStrategy struct {
	// Limit is the number of retries; 0 means none, a negative number means without end.
	// +optional
	Limit int64 `json:"limit,omitempty"`
	// Backoff is the delay between retries.
	// +optional
	Backoff *Backoff `json:"backoff,omitempty"`
	// Refresh retries with the latest revision instead of the first one.
	// +optional
	Refresh bool `json:"refresh,omitempty"`
}

// Backoff is an exponential delay between retries.
type Backoff struct {
	// Duration is the first delay, as a Go duration or a number of seconds (default "5s").
	// +optional
	Duration string `json:"duration,omitempty"`
	// Factor multiplies the delay after each retry (default 2).
	// +optional
	Factor *int64 `json:"factor,omitempty"`
	// MaxDuration caps the delay (default "3m").
	// +optional
	MaxDuration string `json:"maxDuration,omitempty"`
}

// ManagedNamespaceMetadata is metadata set on a namespace the sync creates.
type ManagedNamespaceMetadata struct {
	// Labels to set on the namespace.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations to set on the namespace.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// SourceHydrator renders a dry source and commits the result to a branch that is then synced.
type SourceHydrator struct {
	// DrySource is where the unrendered manifests are.
	DrySource DrySource `json:"drySource"`
	// SyncSource is the branch and path the application syncs from.
	SyncSource SyncSource `json:"syncSource"`
	// HydrateTo is a staging branch written before SyncSource.
	// +optional
	HydrateTo *HydrateTo `json:"hydrateTo,omitempty"`
}

// DrySource is the repository, revision and path of unrendered manifests.
type DrySource struct {
	// RepoURL of the repository.
	RepoURL string `json:"repoURL"`
	// TargetRevision to render.
	TargetRevision string `json:"targetRevision"`
	// Path in the repository.
	Path string `json:"path"`
	// Helm options.
	// +optional
	Helm *ApplicationSourceHelm `json:"helm,omitempty"`
	// Kustomize options.
	// +optional
	Kustomize *ApplicationSourceKustomize `json:"kustomize,omitempty"`
	// Directory options.
	// +optional
	Directory *ApplicationSourceDirectory `json:"directory,omitempty"`
	// Plugin options.
	// +optional
	Plugin *ApplicationSourcePlugin `json:"plugin,omitempty"`
}

// SyncSource is the hydrated branch and path an application syncs from.
type SyncSource struct {
	// TargetBranch holds the hydrated manifests.
	TargetBranch string `json:"targetBranch"`
	// Path in that branch.
	Path string `json:"path"`
}

// HydrateTo is a branch the hydrator writes to before the sync branch.
type HydrateTo struct {
	// TargetBranch to write.
	TargetBranch string `json:"targetBranch"`
}
