package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// ApplicationSet generates Applications from a template and generators.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=applicationsets,shortName=appset;appsets,categories=argoproj
type ApplicationSet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	// Spec is the generators and template.
	Spec ApplicationSetSpec `json:"spec"`
	// Status is what the controller last observed.
	// +optional
	Status ApplicationSetStatus `json:"status,omitempty"`
}

// ApplicationSetList is a list of ApplicationSets.
//
// +kubebuilder:object:root=true
type ApplicationSetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	// Items are the ApplicationSets.
	Items []ApplicationSet `json:"items"`
}

// ApplicationSetSpec is the desired state of an ApplicationSet.
type ApplicationSetSpec struct {
	// GoTemplate renders the template with Go templates instead of fasttemplate.
	// +optional
	GoTemplate bool `json:"goTemplate,omitempty"`
	// Generators produce the parameter sets.
	Generators []ApplicationSetGenerator `json:"generators"`
	// Template of the generated Applications.
	Template ApplicationSetTemplate `json:"template"`
	// SyncPolicy controls what the controller may do to generated Applications.
	// +optional
	SyncPolicy *ApplicationSetSyncPolicy `json:"syncPolicy,omitempty"`
	// Strategy controls the order of updates (progressive sync).
	// +optional
	Strategy *ApplicationSetStrategy `json:"strategy,omitempty"`
	// PreservedFields are Application annotations and labels the controller leaves alone.
	// +optional
	PreservedFields *ApplicationPreservedFields `json:"preservedFields,omitempty"`
	// GoTemplateOptions are Go template options such as "missingkey=error".
	// +optional
	GoTemplateOptions []string `json:"goTemplateOptions,omitempty"`
	// ApplyNestedSelectors is deprecated: nested selectors always apply.
	// +optional
	ApplyNestedSelectors bool `json:"applyNestedSelectors,omitempty"`
	// IgnoreApplicationDifferences lists Application fields the controller leaves alone.
	// +optional
	IgnoreApplicationDifferences ApplicationSetIgnoreDifferences `json:"ignoreApplicationDifferences,omitempty"`
	// TemplatePatch is a templated strategic-merge patch applied to each Application.
	// +optional
	TemplatePatch *string `json:"templatePatch,omitempty"`
}

// ApplicationPreservedFields lists annotation and label keys to preserve.
type ApplicationPreservedFields struct {
	// Annotations to preserve.
	// +optional
	Annotations []string `json:"annotations,omitempty"`
	// Labels to preserve.
	// +optional
	Labels []string `json:"labels,omitempty"`
}

// ApplicationSetStrategy is how generated Applications are updated.
type ApplicationSetStrategy struct {
	// Type is "AllAtOnce" (default) or "RollingSync".
	// +optional
	Type string `json:"type,omitempty"`
	// RollingSync is the steps of a rolling sync.
	// +optional
	RollingSync *ApplicationSetRolloutStrategy `json:"rollingSync,omitempty"`
	// DeletionOrder is "AllAtOnce" or "Reverse" (reverse of the rolling sync steps).
	// +optional
	DeletionOrder string `json:"deletionOrder,omitempty"`
}

// ApplicationSetRolloutStrategy is a list of rolling sync steps.
type ApplicationSetRolloutStrategy struct {
	// Steps in order.
	// +optional
	Steps []ApplicationSetRolloutStep `json:"steps,omitempty"`
}

// ApplicationSetRolloutStep selects Applications by label and bounds how many update at once.
type ApplicationSetRolloutStep struct {
	// MatchExpressions select the step's Applications.
	// +optional
	MatchExpressions []ApplicationMatchExpression `json:"matchExpressions,omitempty"`
	// MaxUpdate is how many, or what percentage, sync at once.
	// +optional
	MaxUpdate *intstr.IntOrString `json:"maxUpdate,omitempty"`
}

// ApplicationMatchExpression is a label requirement.
type ApplicationMatchExpression struct {
	// Key of the label.
	// +optional
	Key string `json:"key,omitempty"`
	// Operator is In or NotIn.
	// +optional
	Operator string `json:"operator,omitempty"`
	// Values of the label.
	// +optional
	Values []string `json:"values,omitempty"`
}

// ApplicationsSyncPolicy limits what the controller does to Applications.
// +kubebuilder:validation:Enum=create-only;create-update;create-delete;sync
type ApplicationsSyncPolicy string

// ApplicationSetSyncPolicy controls what the controller may do to generated Applications.
type ApplicationSetSyncPolicy struct {
	// PreserveResourcesOnDeletion keeps the Applications' resources when the set is deleted.
	// +optional
	PreserveResourcesOnDeletion bool `json:"preserveResourcesOnDeletion,omitempty"`
	// ApplicationsSync limits create, update and delete of Applications.
	// +optional
	ApplicationsSync *ApplicationsSyncPolicy `json:"applicationsSync,omitempty"`
}

// ApplicationSetTemplate is the template of generated Applications.
type ApplicationSetTemplate struct {
	// ApplicationSetTemplateMeta is the template's metadata.
	ApplicationSetTemplateMeta `json:"metadata"`
	// Spec of the Applications.
	Spec ApplicationSpec `json:"spec"`
}

// ApplicationSetTemplateMeta is the metadata of generated Applications.
type ApplicationSetTemplateMeta struct {
	// Name of the Application.
	// +optional
	Name string `json:"name,omitempty"`
	// Namespace of the Application.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// Labels of the Application.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations of the Application.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
	// Finalizers of the Application.
	// +optional
	Finalizers []string `json:"finalizers,omitempty"`
}

// ApplicationSetIgnoreDifferences lists fields of generated Applications to leave alone.
type ApplicationSetIgnoreDifferences []ApplicationSetResourceIgnoreDifferences

// ApplicationSetResourceIgnoreDifferences selects fields of one or all generated Applications.
type ApplicationSetResourceIgnoreDifferences struct {
	// Name of the Application; empty for all.
	// +optional
	Name string `json:"name,omitempty"`
	// JSONPointers to the fields.
	// +optional
	JSONPointers []string `json:"jsonPointers,omitempty"`
	// JQPathExpressions to the fields.
	// +optional
	JQPathExpressions []string `json:"jqPathExpressions,omitempty"`
}

// ApplicationSetConditionStatus is True, False or Unknown.
type ApplicationSetConditionStatus string

// ApplicationSetStatus is what the controller observed of an ApplicationSet.
type ApplicationSetStatus struct {
	// Conditions are errors and progress.
	// +optional
	Conditions []ApplicationSetCondition `json:"conditions,omitempty"`
	// ApplicationStatus is the progressive sync state of each Application.
	// +optional
	ApplicationStatus []ApplicationSetApplicationStatus `json:"applicationStatus,omitempty"`
	// Resources are the generated Applications.
	// +optional
	Resources []ResourceStatus `json:"resources,omitempty"`
	// ResourcesCount is the number of generated Applications.
	// +optional
	ResourcesCount int64 `json:"resourcesCount,omitempty"`
}

// ApplicationSetCondition is a condition of an ApplicationSet.
type ApplicationSetCondition struct {
	// Type of the condition.
	Type string `json:"type"`
	// Message explains it.
	Message string `json:"message"`
	// LastTransitionTime is when Status last changed.
	// +optional
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
	// Status is True, False or Unknown.
	Status ApplicationSetConditionStatus `json:"status"`
	// Reason is a one-word cause.
	Reason string `json:"reason"`
}

// ApplicationSetApplicationStatus is the progressive sync state of one Application.
type ApplicationSetApplicationStatus struct {
	// Application name.
	Application string `json:"application"`
	// LastTransitionTime is when Status last changed.
	// +optional
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
	// Message about the Application.
	Message string `json:"message"`
	// Status is Waiting, Pending, Progressing or Healthy.
	Status string `json:"status"`
	// Step the Application is in.
	Step string `json:"step"`
	// TargetRevisions the Application moves to.
	TargetRevisions []string `json:"targetrevisions"`
}
