package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// AppProject groups applications and bounds what they may deploy: source
// repositories, destinations, resource kinds, sync windows and roles.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:path=appprojects,shortName=appproj;appprojs,categories=argoproj
type AppProject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	// Spec is the project's rules.
	Spec AppProjectSpec `json:"spec"`
	// Status holds issued tokens.
	// +optional
	Status AppProjectStatus `json:"status,omitempty"`
}

// AppProjectList is a list of AppProjects.
//
// +kubebuilder:object:root=true
type AppProjectList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	// Items are the AppProjects.
	Items []AppProject `json:"items"`
}

// AppProjectSpec is what a project allows.
type AppProjectSpec struct {
	// SourceRepos are repository URL globs that applications may use ("*" for any).
	// +optional
	SourceRepos []string `json:"sourceRepos,omitempty"`
	// Destinations are cluster and namespace globs that applications may deploy to.
	// +optional
	Destinations []ApplicationDestination `json:"destinations,omitempty"`
	// Description of the project.
	// +optional
	Description string `json:"description,omitempty"`
	// Roles give access to the project's applications.
	// +optional
	Roles []ProjectRole `json:"roles,omitempty"`
	// ClusterResourceWhitelist lists the cluster-scoped kinds that may be deployed.
	// +optional
	ClusterResourceWhitelist []ClusterResourceRestrictionItem `json:"clusterResourceWhitelist,omitempty"`
	// NamespaceResourceBlacklist lists namespaced kinds that may not be deployed.
	// +optional
	NamespaceResourceBlacklist []metav1.GroupKind `json:"namespaceResourceBlacklist,omitempty"`
	// OrphanedResources turns on monitoring of orphaned resources.
	// +optional
	OrphanedResources *OrphanedResourcesMonitorSettings `json:"orphanedResources,omitempty"`
	// SyncWindows allow or deny syncs at times.
	// +optional
	SyncWindows SyncWindows `json:"syncWindows,omitempty"`
	// NamespaceResourceWhitelist lists the namespaced kinds that may be deployed.
	// +optional
	NamespaceResourceWhitelist []metav1.GroupKind `json:"namespaceResourceWhitelist,omitempty"`
	// SignatureKeys are GnuPG key IDs that commits must be signed with.
	// +optional
	SignatureKeys []SignatureKey `json:"signatureKeys,omitempty"`
	// ClusterResourceBlacklist lists cluster-scoped kinds that may not be deployed.
	// +optional
	ClusterResourceBlacklist []ClusterResourceRestrictionItem `json:"clusterResourceBlacklist,omitempty"`
	// SourceNamespaces are namespaces, besides the controller's, that may hold the project's applications.
	// +optional
	SourceNamespaces []string `json:"sourceNamespaces,omitempty"`
	// PermitOnlyProjectScopedClusters limits destinations to clusters scoped to this project.
	// +optional
	PermitOnlyProjectScopedClusters bool `json:"permitOnlyProjectScopedClusters,omitempty"`
	// DestinationServiceAccounts are service accounts impersonated per destination.
	// +optional
	DestinationServiceAccounts []ApplicationDestinationServiceAccount `json:"destinationServiceAccounts,omitempty"`
}

// ClusterResourceRestrictionItem is a cluster-scoped group, kind and optional name glob.
type ClusterResourceRestrictionItem struct {
	// Group of the kind.
	Group string `json:"group"`
	// Kind name.
	Kind string `json:"kind"`
	// Name glob of the objects.
	// +optional
	Name string `json:"name,omitempty"`
}

// ProjectRole is a named set of policies bound to groups and tokens.
type ProjectRole struct {
	// Name of the role.
	Name string `json:"name"`
	// Description of the role.
	// +optional
	Description string `json:"description,omitempty"`
	// Policies are Casbin policy lines.
	// +optional
	Policies []string `json:"policies,omitempty"`
	// JWTTokens issued for the role.
	// +optional
	JWTTokens []JWTToken `json:"jwtTokens,omitempty"`
	// Groups from SSO bound to the role.
	// +optional
	Groups []string `json:"groups,omitempty"`
}

// JWTToken describes an issued token.
type JWTToken struct {
	// IssuedAt in Unix seconds.
	IssuedAt int64 `json:"iat"`
	// ExpiresAt in Unix seconds.
	// +optional
	ExpiresAt int64 `json:"exp,omitempty"`
	// ID of the token.
	// +optional
	ID string `json:"id,omitempty"`
}

// JWTTokens is a list of tokens.
type JWTTokens struct {
	// Items are the tokens.
	// +optional
	Items []JWTToken `json:"items,omitempty"`
}

// OrphanedResourcesMonitorSettings configures orphaned resource monitoring.
type OrphanedResourcesMonitorSettings struct {
	// Warn sets a warning condition when orphans exist.
	// +optional
	Warn *bool `json:"warn,omitempty"`
	// Ignore lists resources that are never reported.
	// +optional
	Ignore []OrphanedResourceKey `json:"ignore,omitempty"`
}

// OrphanedResourceKey matches resources by group, kind and name glob.
type OrphanedResourceKey struct {
	// Group of the resources.
	// +optional
	Group string `json:"group,omitempty"`
	// Kind of the resources.
	// +optional
	Kind string `json:"kind,omitempty"`
	// Name glob of the resources.
	// +optional
	Name string `json:"name,omitempty"`
}

// SyncWindows are sync windows.
type SyncWindows []*SyncWindow

// SyncWindow allows or denies syncs on a cron schedule for a duration.
type SyncWindow struct {
	// Kind is "allow" or "deny".
	// +optional
	Kind string `json:"kind,omitempty"`
	// Schedule is a cron expression for the window's start.
	// +optional
	Schedule string `json:"schedule,omitempty"`
	// Duration of the window, such as "1h".
	// +optional
	Duration string `json:"duration,omitempty"`
	// Applications are name globs the window applies to.
	// +optional
	Applications []string `json:"applications,omitempty"`
	// Namespaces are globs the window applies to.
	// +optional
	Namespaces []string `json:"namespaces,omitempty"`
	// Clusters are globs the window applies to.
	// +optional
	Clusters []string `json:"clusters,omitempty"`
	// ManualSync allows manual syncs during a deny window.
	// +optional
	ManualSync bool `json:"manualSync,omitempty"`
	// TimeZone of the schedule.
	// +optional
	TimeZone string `json:"timeZone,omitempty"`
	// UseAndOperator requires every selector to match instead of any.
	// +optional
	UseAndOperator bool `json:"andOperator,omitempty"`
	// Description of the window.
	// +optional
	Description string `json:"description,omitempty"`
	// SyncOverrun lets a sync that is already running go on when the window
	// changes: past the end of an allow window it started in, or into a deny
	// window that became active after it started.
	// +optional
	SyncOverrun bool `json:"syncOverrun,omitempty"`
}

// SignatureKey is a GnuPG key ID.
type SignatureKey struct {
	// KeyID of the key.
	KeyID string `json:"keyID"`
}

// ApplicationDestinationServiceAccount is a service account to impersonate for a destination.
type ApplicationDestinationServiceAccount struct {
	// Server glob of the destination.
	Server string `json:"server"`
	// Namespace glob of the destination.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// DefaultServiceAccount to impersonate, "namespace:name" or a name in the destination namespace.
	DefaultServiceAccount string `json:"defaultServiceAccount"`
}

// AppProjectStatus holds the project's issued tokens.
type AppProjectStatus struct {
	// JWTTokensByRole lists tokens per role.
	// +optional
	JWTTokensByRole map[string]JWTTokens `json:"jwtTokensByRole,omitempty"`
}
