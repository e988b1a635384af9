package v1alpha1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ApplicationSetGenerator is one generator; exactly one field besides Selector is set.
type ApplicationSetGenerator struct {
	// List generates from literal elements.
	// +optional
	List *ListGenerator `json:"list,omitempty"`
	// Clusters generates one set per registered cluster.
	// +optional
	Clusters *ClusterGenerator `json:"clusters,omitempty"`
	// Git generates from directories or files in a repository.
	// +optional
	Git *GitGenerator `json:"git,omitempty"`
	// SCMProvider generates one set per repository of an organization.
	// +optional
	SCMProvider *SCMProviderGenerator `json:"scmProvider,omitempty"`
	// ClusterDecisionResource generates from a duck-typed resource's status.
	// +optional
	ClusterDecisionResource *DuckTypeGenerator `json:"clusterDecisionResource,omitempty"`
	// PullRequest generates one set per open pull request.
	// +optional
	PullRequest *PullRequestGenerator `json:"pullRequest,omitempty"`
	// Matrix combines two generators.
	// +optional
	Matrix *MatrixGenerator `json:"matrix,omitempty"`
	// Merge merges generators on keys.
	// +optional
	Merge *MergeGenerator `json:"merge,omitempty"`
	// Selector filters the generated sets by their values.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
	// Plugin generates from an HTTP plugin.
	// +optional
	Plugin *PluginGenerator `json:"plugin,omitempty"`
}

// ApplicationSetNestedGenerator is a generator inside a matrix or merge; a
// nested matrix or merge is kept as raw JSON, as in Argo CD.
type ApplicationSetNestedGenerator struct {
	// List generates from literal elements.
	// +optional
	List *ListGenerator `json:"list,omitempty"`
	// Clusters generates one set per registered cluster.
	// +optional
	Clusters *ClusterGenerator `json:"clusters,omitempty"`
	// Git generates from directories or files in a repository.
	// +optional
	Git *GitGenerator `json:"git,omitempty"`
	// SCMProvider generates one set per repository of an organization.
	// +optional
	SCMProvider *SCMProviderGenerator `json:"scmProvider,omitempty"`
	// ClusterDecisionResource generates from a duck-typed resource's status.
	// +optional
	ClusterDecisionResource *DuckTypeGenerator `json:"clusterDecisionResource,omitempty"`
	// PullRequest generates one set per open pull request.
	// +optional
	PullRequest *PullRequestGenerator `json:"pullRequest,omitempty"`
	// Matrix is a nested matrix generator.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	Matrix *apiextensionsv1.JSON `json:"matrix,omitempty"`
	// Merge is a nested merge generator.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	Merge *apiextensionsv1.JSON `json:"merge,omitempty"`
	// Selector filters the generated sets by their values.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
	// Plugin generates from an HTTP plugin.
	// +optional
	Plugin *PluginGenerator `json:"plugin,omitempty"`
}

// ListGenerator generates one parameter set per element.
type ListGenerator struct {
	// Elements are objects of parameters.
	// +optional
	Elements []apiextensionsv1.JSON `json:"elements"`
	// Template overrides the set's template.
	// +optional
	Template ApplicationSetTemplate `json:"template,omitempty"`
	// ElementsYaml is a YAML list of elements, usually templated.
	// +optional
	ElementsYaml string `json:"elementsYaml,omitempty"`
}

// MatrixGenerator yields the Cartesian product of two generators.
type MatrixGenerator struct {
	// Generators are the two generators.
	Generators []ApplicationSetNestedGenerator `json:"generators"`
	// Template overrides the set's template.
	// +optional
	Template ApplicationSetTemplate `json:"template,omitempty"`
}

// MergeGenerator merges the sets of its generators on keys.
type MergeGenerator struct {
	// Generators to merge; the first is the base.
	Generators []ApplicationSetNestedGenerator `json:"generators"`
	// MergeKeys are the parameters that match sets.
	MergeKeys []string `json:"mergeKeys"`
	// Template overrides the set's template.
	// +optional
	Template ApplicationSetTemplate `json:"template,omitempty"`
}

// ClusterGenerator generates one parameter set per cluster Secret.
type ClusterGenerator struct {
	// Selector selects cluster Secrets by label.
	// +optional
	Selector metav1.LabelSelector `json:"selector,omitempty"`
	// Template overrides the set's template.
	// +optional
	Template ApplicationSetTemplate `json:"template,omitempty"`
	// Values are extra parameters, templated per cluster.
	// +optional
	Values map[string]string `json:"values,omitempty"`
	// FlatList yields one set holding every cluster as a list.
	// +optional
	FlatList bool `json:"flatList,omitempty"`
}

// DuckTypeGenerator generates from the decisions in a resource's status.
type DuckTypeGenerator struct {
	// ConfigMapRef names the ConfigMap describing the resource kind.
	ConfigMapRef string `json:"configMapRef"`
	// Name of the resource.
	// +optional
	Name string `json:"name,omitempty"`
	// RequeueAfterSeconds is the poll interval.
	// +optional
	RequeueAfterSeconds *int64 `json:"requeueAfterSeconds,omitempty"`
	// Template overrides the set's template.
	// +optional
	Template ApplicationSetTemplate `json:"template,omitempty"`
	// LabelSelector selects the resources.
	// +optional
	LabelSelector metav1.LabelSelector `json:"labelSelector,omitempty"`
	// Values are extra parameters.
	// +optional
	Values map[string]string `json:"values,omitempty"`
}

// GitGenerator generates from directories or files of a Git repository.
type GitGenerator struct {
	// RepoURL of the repository.
	RepoURL string `json:"repoURL"`
	// Directories are path globs, one set per matching directory.
	// +optional
	Directories []GitDirectoryGeneratorItem `json:"directories,omitempty"`
	// Files are path globs of JSON or YAML files, one set per file (or list item).
	// +optional
	Files []GitFileGeneratorItem `json:"files,omitempty"`
	// Revision to read.
	Revision string `json:"revision"`
	// RequeueAfterSeconds is the poll interval.
	// +optional
	RequeueAfterSeconds *int64 `json:"requeueAfterSeconds,omitempty"`
	// Template overrides the set's template.
	// +optional
	Template ApplicationSetTemplate `json:"template,omitempty"`
	// PathParamPrefix prefixes the path parameters.
	// +optional
	PathParamPrefix string `json:"pathParamPrefix,omitempty"`
	// Values are extra parameters.
	// +optional
	Values map[string]string `json:"values,omitempty"`
}

// GitDirectoryGeneratorItem is a directory glob.
type GitDirectoryGeneratorItem struct {
	// Path glob.
	Path string `json:"path"`
	// Exclude removes matching directories.
	// +optional
	Exclude bool `json:"exclude,omitempty"`
}

// GitFileGeneratorItem is a file glob.
type GitFileGeneratorItem struct {
	// Path glob.
	Path string `json:"path"`
	// Exclude removes matching files.
	// +optional
	Exclude bool `json:"exclude,omitempty"`
}

// PluginGenerator asks an HTTP plugin for parameter sets.
type PluginGenerator struct {
	// ConfigMapRef names the plugin's ConfigMap.
	ConfigMapRef PluginConfigMapRef `json:"configMapRef"`
	// Input is sent to the plugin.
	// +optional
	Input PluginInput `json:"input,omitempty"`
	// RequeueAfterSeconds is the poll interval.
	// +optional
	RequeueAfterSeconds *int64 `json:"requeueAfterSeconds,omitempty"`
	// Template overrides the set's template.
	// +optional
	Template ApplicationSetTemplate `json:"template,omitempty"`
	// Values are extra parameters.
	// +optional
	Values map[string]string `json:"values,omitempty"`
}

// PluginConfigMapRef names a plugin ConfigMap.
type PluginConfigMapRef struct {
	// Name of the ConfigMap.
	Name string `json:"name"`
}

// PluginParameters are parameters sent to a plugin.
type PluginParameters map[string]apiextensionsv1.JSON

// PluginInput is sent to a plugin.
type PluginInput struct {
	// Parameters for the plugin.
	// +optional
	Parameters PluginParameters `json:"parameters,omitempty"`
}
